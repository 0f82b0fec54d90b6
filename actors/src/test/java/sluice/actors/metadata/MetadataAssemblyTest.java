package sluice.actors.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.Address;
import akka.cluster.UniqueAddress;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.SelfUniqueAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataAssemblyTest {
  private static final TopicEntry ENTRY = new TopicEntry("t", "id-1", false, Map.of(), 2);

  private static PartitionAssignment partition(int p, int leaderEpoch, int partitionEpoch) {
    return new PartitionAssignment(p, List.of(1, 2), 1, leaderEpoch, List.of(1, 2), partitionEpoch);
  }

  @Test
  void aListedTopicMissingARegisterIsHiddenUntilTheRegisterArrives() {
    var assembly = new MetadataAssembly();
    assembly.list(Map.of("t", ENTRY));
    assembly.put(MetadataLayout.partitionKey("id-1", 0).id(), partition(0, 0, 0));

    assertThat(assembly.complete("t")).isFalse();
    assertThat(assembly.topics()).isEmpty();

    assembly.put(MetadataLayout.partitionKey("id-1", 1).id(), partition(1, 0, 0));
    assertThat(assembly.complete("t")).isTrue();
    assertThat(assembly.topics())
        .containsExactly(
            Map.entry("t", ENTRY.with(List.of(partition(0, 0, 0), partition(1, 0, 0)))));
  }

  @Test
  void registersWithoutAListEntryShowNothingAndAnUnlistedTopicDisappears() {
    var assembly = new MetadataAssembly();
    assembly.put(MetadataLayout.partitionKey("id-1", 0).id(), partition(0, 0, 0));
    assembly.put(MetadataLayout.partitionKey("id-1", 1).id(), partition(1, 0, 0));
    assertThat(assembly.topics()).isEmpty();

    assembly.list(Map.of("t", ENTRY));
    assertThat(assembly.topics()).containsKey("t");
    assembly.list(Map.of());
    assertThat(assembly.topics()).isEmpty();
  }

  @Test
  void subscriptionsFollowNewGrownAndRemovedTopics() {
    var subscriptions = new PartitionSubscriptions();
    var first = subscriptions.follow(Map.of("t", ENTRY));
    assertThat(first.subscribe())
        .containsExactly(
            MetadataLayout.partitionKey("id-1", 0), MetadataLayout.partitionKey("id-1", 1));

    var grown = subscriptions.follow(Map.of("t", new TopicEntry("t", "id-1", false, Map.of(), 3)));
    assertThat(grown.subscribe()).containsExactly(MetadataLayout.partitionKey("id-1", 2));
    assertThat(grown.unsubscribe()).isEmpty();

    var recreated =
        subscriptions.follow(Map.of("t", new TopicEntry("t", "id-2", false, Map.of(), 1)));
    assertThat(recreated.unsubscribe()).hasSize(3);
    assertThat(recreated.subscribe()).containsExactly(MetadataLayout.partitionKey("id-2", 0));
    assertThat(subscriptions.follows(MetadataLayout.partitionKey("id-1", 0))).isFalse();
    assertThat(subscriptions.follows(MetadataLayout.partitionKey("id-2", 0))).isTrue();
  }

  @Test
  void aRegisterMergeKeepsTheHigherControllerEpochOverAHigherPartitionEpoch() {
    var a = new SelfUniqueAddress(new UniqueAddress(new Address("akka", "s", "a", 1), 1L));
    var b = new SelfUniqueAddress(new UniqueAddress(new Address("akka", "s", "b", 2), 2L));
    var newController = LWWRegister.create(a, partition(0, 3, 2), MetadataLayout.clock(5));
    var staleController = LWWRegister.create(b, partition(0, 9, 50), MetadataLayout.clock(4));

    assertThat(newController.merge(staleController).getValue()).isEqualTo(partition(0, 3, 2));
    assertThat(staleController.merge(newController).getValue()).isEqualTo(partition(0, 3, 2));

    var later = LWWRegister.create(b, partition(0, 3, 3), MetadataLayout.clock(5));
    assertThat(newController.merge(later).getValue())
        .as("within one controller epoch the higher partition epoch wins")
        .isEqualTo(partition(0, 3, 3));
    assertThat(MetadataLayout.controllerEpochOf(later.timestamp())).isEqualTo(5);
    assertThat(MetadataLayout.partitionEpochOf(later.timestamp())).isEqualTo(3);
  }
}
