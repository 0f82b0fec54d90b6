package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ErrorCode;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

class IsrChangesTest {
  private static final TopicMetadata TOPIC =
      new TopicMetadata(
          "t",
          "t-id",
          false,
          Map.of(),
          List.of(
              new PartitionAssignment(0, List.of(1, 2), 1, 3, List.of(1, 2), 5),
              new PartitionAssignment(1, List.of(2, 1), 2, 3, List.of(2, 1), 5)));

  private static Controller.AlterPartition shrink(int partition, int leader) {
    return new Controller.AlterPartition(
        "t", "t-id", partition, leader, 3, 5, List.of(leader), null);
  }

  @Test
  void aBatchIsCheckedInArrivalOrderAndASecondProposalOnTheSameEpochsIsRefused() {
    var batch =
        IsrChanges.check(
            List.of(shrink(0, 1), shrink(1, 2), shrink(0, 1)), Map.of("t", TOPIC), Set.of(1, 2));

    assertThat(batch.accepted()).hasSize(2);
    assertThat(batch.refused()).hasSize(1);
    assertThat(batch.refused().get(0).result().error().code())
        .isEqualTo(ErrorCode.INVALID_UPDATE_VERSION);
    assertThat(batch.write().changes())
        .as("one register write per changed partition, nothing for the others")
        .hasSize(2);
    var changes = batch.write().changes();
    assertThat(changes.get(0).after().isr()).containsExactly(1);
    assertThat(changes.get(1).after().isr()).containsExactly(2);
    assertThat(changes).allMatch(c -> c.after().partitionEpoch() == 6);
    assertThat(changes)
        .allMatch(c -> c.before().equals(TOPIC.partitions().get(c.before().partition())));
  }

  @Test
  void aBatchWithNothingAcceptedWritesNothing() {
    var batch = IsrChanges.check(List.of(shrink(0, 2)), Map.of("t", TOPIC), Set.of(1, 2));
    assertThat(batch.write()).isNull();
    assertThat(batch.refused()).hasSize(1);
  }

  @Test
  void eachOutcomeOfTheWriteAnswersEveryAcceptedProposalOnce() {
    var isr = new IsrChanges(Duration.ofSeconds(5));
    var batch =
        IsrChanges.check(List.of(shrink(0, 1), shrink(1, 2)), Map.of("t", TOPIC), Set.of(1, 2));

    var written = isr.written(batch, new WriteOutcome.Written());
    assertThat(written).extracting(a -> a.result().error()).containsOnlyNulls();
    assertThat(written.get(0).result().partition().partitionEpoch()).isEqualTo(6);

    assertThat(isr.written(batch, new WriteOutcome.Unconfirmed("timeout")))
        .allSatisfy(
            a -> assertThat(a.result().error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT));
    assertThat(isr.written(batch, new WriteOutcome.NotDurable("lmdb")))
        .allSatisfy(
            a -> assertThat(a.result().error().code()).isEqualTo(ErrorCode.KAFKA_STORAGE_ERROR));
    assertThat(isr.written(batch, new WriteOutcome.Refused("changed")))
        .hasSize(2)
        .allSatisfy(
            a -> {
              assertThat(a.result().partition()).isNull();
              assertThat(a.result().error().code()).isEqualTo(ErrorCode.INVALID_UPDATE_VERSION);
            });
  }

  @Test
  void deferredProposalsAreTakenOnceInArrivalOrder() {
    var isr = new IsrChanges(Duration.ofSeconds(5));
    isr.defer(shrink(1, 2));
    isr.defer(shrink(0, 1));
    assertThat(isr.takeDeferred())
        .extracting(Controller.AlterPartition::partition)
        .containsExactly(1, 0);
    assertThat(isr.takeDeferred()).isEmpty();
  }
}
