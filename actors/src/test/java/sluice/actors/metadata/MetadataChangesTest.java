package sluice.actors.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataChangesTest {

  static PartitionAssignment assignment(int partition, int leader, List<Integer> isr) {
    return new PartitionAssignment(partition, List.of(1, 2, 3), leader, 0, isr, 0);
  }

  static TopicMetadata topic(String name, String id, PartitionAssignment... partitions) {
    return new TopicMetadata(name, id, false, Map.of(), List.of(partitions));
  }

  static MetadataSnapshot snapshot(TopicMetadata... topics) {
    Map<String, TopicMetadata> byName = new java.util.HashMap<>();
    for (TopicMetadata topic : topics) {
      byName.put(topic.name(), topic);
    }
    return MetadataSnapshot.EMPTY.withTopics(byName, true);
  }

  private static final PartitionAssignment P0 = assignment(0, 1, List.of(1, 2, 3));
  private static final PartitionAssignment P1 = assignment(1, 2, List.of(1, 2, 3));

  @Test
  void anIsrChangeOfOnePartitionChangesThatPartitionAlone() {
    var before = snapshot(topic("t", "id", P0, P1), topic("u", "u-id", P0));
    var after =
        snapshot(topic("t", "id", P0, assignment(1, 2, List.of(2))), topic("u", "u-id", P0));
    assertThat(MetadataChanges.partitions(before, after)).containsExactly(new PartitionId("t", 1));
  }

  @Test
  void addedPartitionsChangeNothingForTheOthers() {
    var before = snapshot(topic("t", "id", P0));
    var after = snapshot(topic("t", "id", P0, P1));
    assertThat(MetadataChanges.partitions(before, after)).containsExactly(new PartitionId("t", 1));
  }

  @Test
  void aTopicCreatedDeletedOrRecreatedChangesEveryOneOfItsPartitions() {
    var none = snapshot();
    var created = snapshot(topic("t", "id", P0, P1));
    var recreated = snapshot(topic("t", "other-id", P0, P1));
    Set<PartitionId> both = Set.of(new PartitionId("t", 0), new PartitionId("t", 1));
    assertThat(MetadataChanges.partitions(none, created)).isEqualTo(both);
    assertThat(MetadataChanges.partitions(created, none)).isEqualTo(both);
    assertThat(MetadataChanges.partitions(created, recreated)).isEqualTo(both);
  }

  @Test
  void aConfigChangeChangesEveryPartitionOfItsTopic() {
    var before = snapshot(topic("t", "id", P0, P1));
    var after =
        snapshot(new TopicMetadata("t", "id", false, Map.of("retention.ms", "1"), List.of(P0, P1)));
    assertThat(MetadataChanges.partitions(before, after)).hasSize(2);
  }

  @Test
  void theSameTopicsChangeNothing() {
    var topics = snapshot(topic("t", "id", P0, P1));
    assertThat(MetadataChanges.partitions(topics, snapshot(topic("t", "id", P0, P1)))).isEmpty();
  }

  @Test
  void aBrokerIsToldOfChangesToPartitionsItHostedBeforeOrHostsNow() {
    var moved = new PartitionAssignment(0, List.of(4, 5), 4, 1, List.of(4, 5), 1);
    var before = snapshot(topic("t", "id", P0, P1));
    var after = snapshot(topic("t", "id", moved, assignment(1, 3, List.of(3))));
    Set<PartitionId> changed = MetadataChanges.partitions(before, after);
    assertThat(changed).hasSize(2);
    assertThat(MetadataChanges.onBroker(changed, before, after, 1)).hasSize(2);
    assertThat(MetadataChanges.onBroker(changed, before, after, 4))
        .containsExactly(new PartitionId("t", 0));
    assertThat(MetadataChanges.onBroker(changed, before, after, 9)).isEmpty();
    assertThat(MetadataChanges.hostedBy(after, 5)).containsExactly(new PartitionId("t", 0));
  }
}
