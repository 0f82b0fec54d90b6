package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

class ReplicaAssignerTest {
  private static TreeSet<Integer> brokers(int count) {
    TreeSet<Integer> ids = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      ids.add(10 + i * 3);
    }
    return ids;
  }

  @Property(tries = 300)
  void replicasAreDistinctLiveBrokersLedByTheFirstAndAllInSync(
      @ForAll @IntRange(min = 1, max = 50) int partitions,
      @ForAll @IntRange(min = 1, max = 7) int brokerCount,
      @ForAll @IntRange(min = 1, max = 7) int rf) {
    if (rf > brokerCount) {
      return;
    }
    TreeSet<Integer> live = brokers(brokerCount);
    List<PartitionAssignment> assigned = ReplicaAssigner.assign(partitions, rf, live, List.of());
    assertThat(assigned).hasSize(partitions);
    for (int p = 0; p < partitions; p++) {
      PartitionAssignment a = assigned.get(p);
      assertThat(a.partition()).isEqualTo(p);
      assertThat(a.replicas()).hasSize(rf).doesNotHaveDuplicates();
      assertThat(live).containsAll(a.replicas());
      assertThat(a.leader()).isEqualTo(a.replicas().get(0));
      assertThat(a.isr()).isEqualTo(a.replicas());
      assertThat(a.leaderEpoch()).isZero();
      assertThat(a.partitionEpoch()).isZero();
    }
  }

  @Property(tries = 300)
  void leadersAndReplicasSpreadEvenlyEvenAcrossTopics(
      @ForAll @IntRange(min = 1, max = 40) int firstPartitions,
      @ForAll @IntRange(min = 1, max = 40) int secondPartitions,
      @ForAll @IntRange(min = 1, max = 6) int brokerCount,
      @ForAll @IntRange(min = 1, max = 6) int rf) {
    if (rf > brokerCount) {
      return;
    }
    TreeSet<Integer> live = brokers(brokerCount);
    var first =
        new TopicMetadata(
            "a",
            "id-a",
            false,
            Map.of(),
            ReplicaAssigner.assign(firstPartitions, rf, live, List.of()));
    var second = ReplicaAssigner.assign(secondPartitions, rf, live, List.of(first));
    Map<Integer, Integer> leaders = new HashMap<>();
    Map<Integer, Integer> replicas = new HashMap<>();
    for (var a : concat(first.partitions(), second)) {
      leaders.merge(a.leader(), 1, Integer::sum);
      a.replicas().forEach(r -> replicas.merge(r, 1, Integer::sum));
    }
    assertThat(spread(leaders, live)).isLessThanOrEqualTo(1);
    assertThat(spread(replicas, live)).isLessThanOrEqualTo(rf);
  }

  @org.junit.jupiter.api.Test
  void threeBrokersThreeReplicasGiveEachBrokerOneLeaderAndEveryReplica() {
    var assigned = ReplicaAssigner.assign(3, 3, new TreeSet<>(Set.of(1, 2, 3)), List.of());
    assertThat(assigned)
        .extracting(PartitionAssignment::replicas)
        .containsExactly(List.of(1, 2, 3), List.of(2, 3, 1), List.of(3, 1, 2));
  }

  @org.junit.jupiter.api.Test
  void addedPartitionsAreNumberedAfterTheExistingOnesAndGoToTheLeastLoadedBrokers() {
    TreeSet<Integer> live = new TreeSet<>(Set.of(1, 2, 3));
    var existing = ReplicaAssigner.assign(2, 2, live, List.of());
    TopicMetadata topic = new TopicMetadata("t", "id", false, Map.of(), existing);
    var added = ReplicaAssigner.assign(2, 2, 2, live, List.of(topic));
    assertThat(added).extracting(PartitionAssignment::partition).containsExactly(2, 3);
    assertThat(existing).extracting(PartitionAssignment::leader).containsExactly(1, 2);
    assertThat(added)
        .as("broker 3 leads nothing yet, then the tie goes to the lowest id")
        .extracting(PartitionAssignment::leader)
        .containsExactly(3, 1);
    assertThat(added.get(0).replicas()).containsExactly(3, 1);
  }

  @org.junit.jupiter.api.Test
  void moreReplicasThanBrokersIsABrokenInvariant() {
    assertThatThrownBy(() -> ReplicaAssigner.assign(1, 2, new TreeSet<>(Set.of(1)), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2");
  }

  private static int spread(Map<Integer, Integer> counts, Set<Integer> live) {
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int broker : live) {
      int count = counts.getOrDefault(broker, 0);
      min = Math.min(min, count);
      max = Math.max(max, count);
    }
    return max - min;
  }

  private static List<PartitionAssignment> concat(
      List<PartitionAssignment> a, List<PartitionAssignment> b) {
    var all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
