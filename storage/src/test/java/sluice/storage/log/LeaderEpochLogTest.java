package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static sluice.storage.log.TestBatches.inEpoch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partition log keeps its leader-epoch cache consistent with its batches. */
class LeaderEpochLogTest {
  @TempDir Path root;
  final MutableClock clock = new MutableClock(1_000);
  final List<PartitionLog> opened = new ArrayList<>();

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  Path dir() {
    return root.resolve("t-0");
  }

  PartitionLog open(Map<String, String> overrides) {
    PartitionLog log = PartitionLog.open(dir(), LogConfig.from(overrides), clock);
    opened.add(log);
    return log;
  }

  PartitionLog open() {
    return open(Map.of());
  }

  static EpochEntry e(int epoch, long startOffset) {
    return new EpochEntry(epoch, startOffset);
  }

  /** Appends {@code batches} batches of 2 records each in {@code epoch}. */
  static void write(PartitionLog log, int epoch, int batches) {
    for (int i = 0; i < batches; i++) {
      log.append(inEpoch(epoch, log.logEndOffset(), 2));
    }
  }

  @Test
  void appendsRecordEachEpochAtItsFirstBatch() {
    PartitionLog log = open();
    assertThat(log.latestEpoch()).isEqualTo(EpochEndOffset.UNDEFINED_EPOCH);
    write(log, 0, 2); // 0..3
    write(log, 3, 1); // 4..5
    write(log, 7, 2); // 6..9
    assertThat(log.leaderEpochs()).containsExactly(e(0, 0), e(3, 4), e(7, 6));
    assertThat(log.latestEpoch()).isEqualTo(7);
    assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 4));
    assertThat(log.endOffsetForEpoch(5)).isEqualTo(new EpochEndOffset(3, 6));
    assertThat(log.endOffsetForEpoch(7)).isEqualTo(new EpochEndOffset(7, 10));
    assertThat(log.endOffsetForEpoch(8)).isEqualTo(EpochEndOffset.UNDEFINED);
  }

  @Test
  void theCacheSurvivesACleanRestartWithoutRepairs() {
    PartitionLog log = open();
    write(log, 1, 1);
    write(log, 2, 1);
    log.close();
    PartitionLog reopened = open();
    assertThat(reopened.leaderEpochs()).containsExactly(e(1, 0), e(2, 2));
    assertThat(reopened.recoveryReport().clean()).isTrue();
  }

  @Test
  void batchesWithoutALeaderEpochLeaveTheCacheAlone() {
    PartitionLog log = open();
    write(log, 2, 1);
    log.append(TestBatches.batch(log.logEndOffset(), 5, 1)); // epoch -1
    assertThat(log.leaderEpochs()).containsExactly(e(2, 0));
  }

  @Test
  void aBatchOfALowerEpochIsRefusedNamingBothEpochs() {
    PartitionLog log = open();
    write(log, 5, 1);
    assertThatThrownBy(() -> log.append(inEpoch(4, 2, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Leader epoch 4 at offset 2 is below the latest epoch 5");
    assertThat(log.logEndOffset()).isEqualTo(2);
    assertThatThrownBy(() -> log.assignLeaderEpoch(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Leader epoch 3");
    assertThatThrownBy(() -> log.assignLeaderEpoch(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leader epoch -1");
  }

  @Test
  void truncationDropsTheEpochsOfRemovedBatches() {
    PartitionLog log = open();
    write(log, 1, 2); // 0..3
    write(log, 2, 2); // 4..7
    write(log, 4, 2); // 8..11
    log.truncateTo(9); // the batch 8..9 straddles 9 and goes: the log ends at 8
    assertThat(log.logEndOffset()).isEqualTo(8);
    assertThat(log.leaderEpochs()).containsExactly(e(1, 0), e(2, 4));
    log.truncateTo(6);
    assertThat(log.leaderEpochs()).containsExactly(e(1, 0), e(2, 4));
    log.truncateTo(5); // the batch 4..5 straddles 5: epoch 2 loses its only batch
    assertThat(log.leaderEpochs()).containsExactly(e(1, 0));
    write(log, 6, 1);
    assertThat(log.leaderEpochs()).containsExactly(e(1, 0), e(6, 4));
    log.close();
    assertThat(open().leaderEpochs()).containsExactly(e(1, 0), e(6, 4));
  }

  @Test
  void truncatingBelowTheLogStartClearsTheCache() {
    PartitionLog log = open(Map.of("segment.bytes", "200", "retention.bytes", "0"));
    write(log, 1, 6);
    log.deleteRetainedSegments();
    long start = log.logStartOffset();
    assertThat(start).isPositive();
    log.truncateTo(start - 1);
    assertThat(log.logEndOffset()).isEqualTo(start - 1);
    assertThat(log.leaderEpochs()).isEmpty();
  }

  @Test
  void anAssignedEpochThatNeverWroteAnswersForOlderEpochsAndGoesAtATruncation() {
    PartitionLog log = open();
    write(log, 1, 2); // 0..3
    log.assignLeaderEpoch(3); // promoted at log end 4
    assertThat(log.leaderEpochs()).containsExactly(e(1, 0), e(3, 4));
    assertThat(log.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 4));
    log.assignLeaderEpoch(3); // again: nothing changes
    assertThat(log.leaderEpochs()).containsExactly(e(1, 0), e(3, 4));
    // demoted before writing: a truncation at the log end keeps the data but drops epoch 3
    log.truncateTo(4);
    assertThat(log.logEndOffset()).isEqualTo(4);
    assertThat(log.leaderEpochs()).containsExactly(e(1, 0));
  }

  @Test
  void aHigherEpochAppendedAtTheLogEndReplacesAnAssignedEpochThatNeverWrote() {
    PartitionLog log = open();
    write(log, 1, 1);
    log.assignLeaderEpoch(2);
    write(log, 4, 1);
    assertThat(log.leaderEpochs()).containsExactly(e(1, 0), e(4, 2));
  }

  @Test
  void retentionMovesTheFirstEpochUpToTheNewLogStart() {
    int batchSize = inEpoch(0, 0, 2).sizeInBytes();
    PartitionLog log =
        open(
            Map.of(
                "segment.bytes",
                Integer.toString(3 * batchSize),
                "retention.bytes",
                Integer.toString(3 * batchSize)));
    write(log, 1, 2); // 0..3
    write(log, 2, 4); // 4..11; segments [0,6) [6,12)
    write(log, 3, 1); // 12..13 in the active segment
    assertThat(log.deleteRetainedSegments()).isEqualTo(1);
    assertThat(log.logStartOffset()).isEqualTo(6);
    assertThat(log.leaderEpochs()).containsExactly(e(2, 6), e(3, 12));
    log.close();
    PartitionLog reopened = open();
    assertThat(reopened.leaderEpochs()).containsExactly(e(2, 6), e(3, 12));
    assertThat(reopened.recoveryReport().clean()).isTrue();
  }

  @Test
  void aMissingCheckpointIsRebuiltFromTheBatchHeaders() throws IOException {
    PartitionLog log = open(Map.of("segment.bytes", "300"));
    write(log, 0, 3);
    write(log, 2, 3);
    write(log, 5, 3);
    List<EpochEntry> expected = log.leaderEpochs();
    assertThat(log.segmentCount()).isGreaterThan(1);
    log.close();
    Files.delete(LeaderEpochCheckpoint.file(dir()));
    PartitionLog reopened = open(Map.of("segment.bytes", "300"));
    assertThat(reopened.leaderEpochs()).isEqualTo(expected);
    assertThat(reopened.recoveryReport().problems())
        .anySatisfy(
            p -> assertThat(p).contains("rebuilt the leader-epoch cache").contains("missing"));
    assertThat(LeaderEpochCache.read(dir()).epochs()).isEqualTo(expected);
  }

  @Test
  void aCorruptCheckpointIsRebuiltFromTheBatchHeaders() throws IOException {
    PartitionLog log = open();
    write(log, 0, 1);
    write(log, 9, 1);
    log.close();
    Files.writeString(LeaderEpochCheckpoint.file(dir()), "0\n2\n9 0\ngarbage\n");
    PartitionLog reopened = open();
    assertThat(reopened.leaderEpochs()).containsExactly(e(0, 0), e(9, 2));
    assertThat(reopened.recoveryReport().problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("Malformed checkpoint")
                    .contains(LeaderEpochCheckpoint.FILE_NAME)
                    .contains("garbage"));
  }

  @Test
  void aNewLogWritesAnEmptyCheckpointAndReportsNoRepair() {
    PartitionLog log = open();
    assertThat(Files.exists(LeaderEpochCheckpoint.file(dir()))).isTrue();
    assertThat(log.leaderEpochs()).isEmpty();
    assertThat(log.recoveryReport().clean()).isTrue();
  }

  @Test
  void recoveryThatCutsATornTailAlsoCutsTheEpochsItHeld() throws IOException {
    PartitionLog log = open();
    write(log, 1, 2); // 0..3
    log.flush();
    write(log, 2, 1); // 4..5, lost in the crash
    long activeBase = log.activeSegmentBaseOffset();
    long sizeBeforeEpoch2 = 2L * inEpoch(1, 0, 2).sizeInBytes();
    log.abandon();
    try (FileChannel channel =
        FileChannel.open(LogSegment.file(dir(), activeBase, ".log"), StandardOpenOption.WRITE)) {
      channel.truncate(sizeBeforeEpoch2 + 20); // a torn write of the epoch-2 batch
    }
    PartitionLog reopened = open();
    assertThat(reopened.logEndOffset()).isEqualTo(4);
    assertThat(reopened.leaderEpochs()).containsExactly(e(1, 0));
    assertThat(LeaderEpochCache.read(dir()).epochs()).containsExactly(e(1, 0));
    write(reopened, 3, 1);
    assertThat(reopened.leaderEpochs()).containsExactly(e(1, 0), e(3, 4));
  }

  @Test
  void endOffsetForEpochIsSafeWhileTheWriterAppends() throws Exception {
    PartitionLog log = open();
    write(log, 0, 1);
    var failure = new AtomicReference<Throwable>();
    Thread reader =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 20_000; i++) {
                  // epoch 0 holds offsets 0..1 only: whether epoch 1 is visible yet or not, it
                  // ends at 2 (an answer built from stale epochs and a newer log end would not)
                  assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 2));
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    reader.start();
    for (int epoch = 1; epoch <= 50; epoch++) {
      write(log, epoch, 1);
    }
    reader.join();
    assertThat(failure.get()).isNull();
    assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 2));
  }
}
