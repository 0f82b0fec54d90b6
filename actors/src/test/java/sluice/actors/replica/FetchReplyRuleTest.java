package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.partition.PartitionLeader.Diverging;
import sluice.actors.partition.PartitionLeader.ReplicaFetchReply;
import sluice.actors.replica.FetchReplyRule.Append;
import sluice.actors.replica.FetchReplyRule.AppendPrefix;
import sluice.actors.replica.FetchReplyRule.Cut;
import sluice.actors.replica.FetchReplyRule.DropUnwrittenEpochs;
import sluice.actors.replica.FetchReplyRule.LogPosition;
import sluice.actors.replica.FetchReplyRule.Outcome;
import sluice.actors.replica.FetchReplyRule.Retry;
import sluice.actors.replica.PartitionFollower.Assignment;
import sluice.actors.replica.PartitionFollower.Truncation;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.EpochEntry;
import sluice.storage.record.RecordBatch;

class FetchReplyRuleTest {
  private static final Assignment ASSIGNMENT = new Assignment("t", 0, "id", 1, 4);

  /** A log ending at {@code logEnd} whose epochs start where {@code epochs} say. */
  private static LogPosition log(long logEnd, EpochEntry... epochs) {
    int latest = epochs.length == 0 ? -1 : epochs[epochs.length - 1].epoch();
    return new LogPosition(logEnd, latest, List.of(epochs));
  }

  private static ReplicaFetchReply batches(byte[] bytes, long highWatermark) {
    return new ReplicaFetchReply(bytes, highWatermark, 0, 100, null, null);
  }

  private static ReplicaFetchReply error(ErrorCode code, long logStart, long logEnd) {
    return new ReplicaFetchReply(
        new byte[0], 0, logStart, logEnd, null, ApiError.of(code, "refused"));
  }

  private static ReplicaFetchReply diverging(int epoch, long endOffset, long logStart) {
    return new ReplicaFetchReply(
        new byte[0], 0, logStart, 100, new Diverging(epoch, endOffset), null);
  }

  /** Batches of one record each, in {@code epoch}, the first at {@code baseOffset}. */
  private static byte[] batchesAt(long baseOffset, int epoch, int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(TestClusters.batch(1L, "v" + i)));
      batch.setBaseOffset(baseOffset + i);
      batch.setPartitionLeaderEpoch(epoch);
      ByteBuffer bytes = batch.buffer();
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      out.writeBytes(copy);
    }
    return out.toByteArray();
  }

  @Test
  void batchesThatFollowOnAreAppendedAsOneEventEachWithTheLeadersHighWatermark() {
    byte[] bytes = batchesAt(5, 4, 3);

    Outcome outcome = FetchReplyRule.decide(ASSIGNMENT, log(5), batches(bytes, 6));

    assertThat(outcome).isInstanceOf(Append.class);
    Append append = (Append) outcome;
    assertThat(append.leaderHighWatermark()).isEqualTo(6);
    assertThat(append.events()).hasSize(3);
    assertThat(append.events())
        .extracting(event -> ((BatchAppended) event).header().baseOffset())
        .containsExactly(5L, 6L, 7L);
  }

  @Test
  void nothingNewIsAnEmptyAppend() {
    assertThat(FetchReplyRule.decide(ASSIGNMENT, log(5), batches(new byte[0], 5)))
        .isEqualTo(new Append(List.of(), 5));
    assertThat(FetchReplyRule.decide(ASSIGNMENT, log(5), batches(null, 5)))
        .isEqualTo(new Append(List.of(), 5));
  }

  @Test
  void batchesThatDoNotStartAtTheLogEndOrAreCorruptAreNotAppendedAndFetchedAgain() {
    Outcome gap = FetchReplyRule.decide(ASSIGNMENT, log(5), batches(batchesAt(6, 4, 1), 7));
    byte[] corrupt = batchesAt(5, 4, 1);
    corrupt[corrupt.length - 1] ^= 1;
    Outcome bad = FetchReplyRule.decide(ASSIGNMENT, log(5), batches(corrupt, 6));

    assertThat(gap).isInstanceOf(AppendPrefix.class);
    assertThat(((AppendPrefix) gap).events()).isEmpty();
    assertThat(((AppendPrefix) gap).refetchFrom()).isEqualTo(5);
    assertThat(((AppendPrefix) gap).reason()).contains("offset 6 where offset 5 was expected");
    assertThat(bad).isInstanceOf(AppendPrefix.class);
    assertThat(((AppendPrefix) bad).events()).isEmpty();
    assertThat(((AppendPrefix) bad).refetchFrom()).isEqualTo(5);
  }

  @Test
  void theValidBatchesBeforeACorruptOneAreAppendedAndTheFetchResumesAtIt() {
    byte[] bytes = batchesAt(5, 4, 4);
    int batchSize = bytes.length / 4;
    // the last byte of the third batch (offset 7), inside what its CRC covers
    bytes[3 * batchSize - 1] ^= 1;
    RecordBatch damaged =
        RecordBatch.wrap(ByteBuffer.wrap(bytes, 2 * batchSize, batchSize).slice());

    Outcome outcome = FetchReplyRule.decide(ASSIGNMENT, log(5), batches(bytes, 9));

    assertThat(outcome).isInstanceOf(AppendPrefix.class);
    AppendPrefix prefix = (AppendPrefix) outcome;
    assertThat(prefix.events())
        .extracting(event -> ((BatchAppended) event).header().baseOffset())
        .containsExactly(5L, 6L);
    assertThat(prefix.refetchFrom()).isEqualTo(7);
    assertThat(prefix.leaderHighWatermark()).isEqualTo(9);
    assertThat(prefix.reason())
        .contains("broker 1", "offset 7")
        .contains(
            String.format(
                "stored CRC32C 0x%08x, computed 0x%08x",
                damaged.checksum(), damaged.computeChecksum()));
  }

  @Test
  void offsetOutOfRangeBelowTheLeadersLogStartRestartsTheLogEmptyThere() {
    Outcome outcome =
        FetchReplyRule.decide(ASSIGNMENT, log(5), error(ErrorCode.OFFSET_OUT_OF_RANGE, 100, 103));

    assertThat(outcome).isInstanceOf(Cut.class);
    Truncation cut = ((Cut) outcome).truncation();
    assertThat(cut.assignment()).isEqualTo(ASSIGNMENT);
    assertThat(cut.offset()).isEqualTo(100);
    assertThat(cut.startOver()).isTrue();
  }

  @Test
  void offsetOutOfRangeAboveTheLeadersLogEndCutsToIt() {
    Outcome outcome =
        FetchReplyRule.decide(ASSIGNMENT, log(9), error(ErrorCode.OFFSET_OUT_OF_RANGE, 0, 7));

    assertThat(outcome).isInstanceOf(Cut.class);
    Truncation cut = ((Cut) outcome).truncation();
    assertThat(cut.offset()).isEqualTo(7);
    assertThat(cut.startOver()).isFalse();
  }

  @Test
  void otherErrorsAndAnOffsetOutOfRangeInsideTheLeadersLogAreRetried() {
    for (ErrorCode code :
        List.of(
            ErrorCode.NOT_LEADER_OR_FOLLOWER,
            ErrorCode.FENCED_LEADER_EPOCH,
            ErrorCode.OFFSET_OUT_OF_RANGE)) {
      Outcome outcome = FetchReplyRule.decide(ASSIGNMENT, log(5), error(code, 0, 10));
      assertThat(outcome).isInstanceOf(Retry.class);
      assertThat(((Retry) outcome).unexpected()).isFalse();
      assertThat(((Retry) outcome).reason()).contains(code.toString());
    }
  }

  @Test
  void aDivergenceBelowTheLeadersLogStartRestartsTheLogEmptyThere() {
    Outcome outcome =
        FetchReplyRule.decide(ASSIGNMENT, log(5, new EpochEntry(1, 0)), diverging(1, 3, 50));

    assertThat(outcome).isInstanceOf(Cut.class);
    assertThat(((Cut) outcome).truncation().offset()).isEqualTo(50);
    assertThat(((Cut) outcome).truncation().startOver()).isTrue();
  }

  @Test
  void aSuffixInAnEpochTheLeaderNeverHadIsCutWhereTheLeadersEpochEnds() {
    LogPosition own = log(10, new EpochEntry(1, 0), new EpochEntry(2, 4));

    Outcome outcome = FetchReplyRule.decide(ASSIGNMENT, own, diverging(1, 4, 0));

    assertThat(outcome).isInstanceOf(Cut.class);
    Truncation cut = ((Cut) outcome).truncation();
    assertThat(cut.offset()).isEqualTo(4);
    assertThat(cut.startOver()).isFalse();
    assertThat(cut.reason()).contains("epoch 1 ends at offset 4").contains("latest epoch is 2");
  }

  @Test
  void anEpochAssignedAtTheLogEndThatNeverWroteIsDroppedInPlace() {
    LogPosition own = log(4, new EpochEntry(1, 0), new EpochEntry(5, 4));

    assertThat(FetchReplyRule.decide(ASSIGNMENT, own, diverging(1, 4, 0)))
        .isInstanceOf(DropUnwrittenEpochs.class);
  }

  @Test
  void aDivergenceWithNothingToCutIsRetriedAsUnexpected() {
    Outcome outcome =
        FetchReplyRule.decide(ASSIGNMENT, log(4, new EpochEntry(1, 0)), diverging(1, 9, 0));

    assertThat(outcome).isInstanceOf(Retry.class);
    assertThat(((Retry) outcome).unexpected()).isTrue();
  }

  @Test
  void aLeaderWithNoEpochAtOrBelowTheFollowersIsUndecidedAndRetried() {
    Outcome outcome =
        FetchReplyRule.decide(ASSIGNMENT, log(4, new EpochEntry(3, 0)), diverging(-1, -1, 0));

    assertThat(outcome).isInstanceOf(Retry.class);
    assertThat(((Retry) outcome).unexpected()).isFalse();
    assertThat(((Retry) outcome).reason()).contains("truncates nothing");
  }
}
