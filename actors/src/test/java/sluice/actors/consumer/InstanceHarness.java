package sluice.actors.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.HeartbeatResponse;
import sluice.actors.group.state.PartitionResults;
import sluice.actors.group.state.TopicPartition;

/** An instance under test with a manual clock, and helpers to pick effects out of a list. */
final class InstanceHarness {
  static final TopicPartition O0 = new TopicPartition("orders", 0);
  static final TopicPartition O1 = new TopicPartition("orders", 1);
  static final TopicPartition O2 = new TopicPartition("orders", 2);
  static final Map<String, String> NAMES = Map.of("id-orders", "orders");

  long now = 1_000;
  final ConsumerInstance instance;

  InstanceHarness(InstanceConfig config) {
    instance = new ConsumerInstance("g", "i1", "member-1", "host:8080", config, now);
  }

  static InstanceConfig config() {
    return InstanceConfig.defaults();
  }

  static <T extends Effect> List<T> of(Class<T> type, List<Effect> effects) {
    return effects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends Effect> T only(Class<T> type, List<Effect> effects) {
    List<T> found = of(type, effects);
    assertThat(found).as("one %s in %s", type.getSimpleName(), effects).hasSize(1);
    return found.get(0);
  }

  static HeartbeatRequest heartbeat(List<Effect> effects) {
    return only(Effect.Heartbeat.class, effects).request();
  }

  static HeartbeatResponse assignment(int epoch, Integer... partitions) {
    return new HeartbeatResponse(
        "member-1", epoch, 5_000, Map.of("id-orders", Set.of(partitions)), null, null);
  }

  static PartitionResults acceptedAll(Effect.Commit commit) {
    return new PartitionResults(commit.request().offsets().keySet(), Map.of());
  }

  /** Polls once and gives every known position of the plan a record range of {@code count}. */
  PollPlan pollAndConsume(int count) {
    PollPlan plan = instance.poll(now, 1_000_000);
    for (Effect.Fetch fetch : plan.fetches()) {
      instance.recordsFetched(fetch.partition(), fetch.offset(), fetch.offset() + count);
    }
    return plan;
  }

  /** Subscribes to orders and is assigned {@code partitions} at epoch 1, positions 0. */
  void joinedWith(Integer... partitions) {
    instance.subscribe(List.of("orders"), now);
    instance.heartbeatAnswered(assignment(1, partitions), NAMES, now);
    PollPlan plan = instance.poll(now, 1000);
    instance.committedFetched(
        Map.of(O0, 0L, O1, 0L, O2, 0L).entrySet().stream()
            .filter(e -> Set.of(partitions).contains(e.getKey().partition()))
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    assertThat(plan.error()).isNull();
  }
}
