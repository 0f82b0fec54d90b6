package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.Address;
import akka.cluster.UniqueAddress;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.SelfUniqueAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

class EpochClockTest {
  private static final SelfUniqueAddress NODE_A =
      new SelfUniqueAddress(UniqueAddress.apply(new Address("akka", "sluice", "a", 1), 1L));
  private static final SelfUniqueAddress NODE_B =
      new SelfUniqueAddress(UniqueAddress.apply(new Address("akka", "sluice", "b", 2), 2L));

  private static TopicMetadata topic(int leader) {
    return new TopicMetadata(
        "t",
        "id",
        false,
        Map.of(),
        List.of(new PartitionAssignment(0, List.of(1, 2), leader, 0, List.of(1, 2), 0)));
  }

  @Test
  void aWriteOfALowerEpochLosesTheMergeEvenWithALaterClock() {
    LWWMap<String, TopicMetadata> base =
        LWWMap.<String, TopicMetadata>empty()
            .put(NODE_A, "t", topic(1), new EpochClock<>(1, () -> 1_000));
    LWWMap<String, TopicMetadata> newController =
        base.put(NODE_B, "t", topic(2), new EpochClock<>(3, () -> 2_000));
    LWWMap<String, TopicMetadata> staleController =
        base.put(NODE_A, "t", topic(1), new EpochClock<>(2, () -> 9_000_000));

    assertThat(
            newController.merge(staleController).getEntries().get("t").partitions().get(0).leader())
        .isEqualTo(2);
    assertThat(
            staleController.merge(newController).getEntries().get("t").partitions().get(0).leader())
        .isEqualTo(2);
  }

  @Test
  void aStaleControllerWritingOverANewerValueStaysBelowIt() {
    var clock = new EpochClock<TopicMetadata>(2, () -> 5_000);
    long newer = new EpochClock<TopicMetadata>(3, () -> 1).apply(0, null);
    assertThat(clock.apply(newer, null)).isLessThan(newer);
    assertThat(EpochClock.epochOf(clock.apply(newer, null))).isEqualTo(2);
  }

  @Test
  void withinOneEpochTimestampsIncreaseEvenIfTheWallClockGoesBack() {
    var clock = new EpochClock<TopicMetadata>(4, () -> 1_000);
    long first = new EpochClock<TopicMetadata>(4, () -> 5_000).apply(0, null);
    long second = clock.apply(first, null);
    assertThat(second).isEqualTo(first + 1);
    assertThat(EpochClock.epochOf(second)).isEqualTo(4);
  }

  @Test
  void timestampsOfAkkasDefaultClockReadAsEpochZero() {
    assertThat(EpochClock.epochOf(System.currentTimeMillis())).isZero();
    assertThat(
            new EpochClock<TopicMetadata>(1, System::currentTimeMillis)
                .apply(System.currentTimeMillis(), null))
        .isGreaterThan(System.currentTimeMillis());
  }

  @Test
  void anEpochOutsideTheLayoutIsRefused() {
    assertThatThrownBy(() -> new EpochClock<TopicMetadata>(EpochClock.MAX_EPOCH + 1, () -> 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(EpochClock.MAX_EPOCH + 1));
    assertThatThrownBy(() -> new EpochClock<TopicMetadata>(-1, () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
