package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static sluice.storage.log.TestBatches.batch;
import static sluice.storage.log.TestBatches.readAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.storage.record.RecordBatch;

/**
 * The fsync of a rolled segment runs on the flusher, not in the writer: the recovery point moves
 * only once it has finished. A {@link ManualFlusher} holds the flushes so a test decides when (or
 * whether, for a crash) they run.
 */
class BackgroundFlushTest {
  @TempDir Path root;
  final MutableClock clock = new MutableClock(1_000_000);
  final ManualFlusher flusher = new ManualFlusher();
  final List<PartitionLog> opened = new ArrayList<>();
  final int batchSize = batch(0, 100, 2).sizeInBytes();
  final LogConfig config =
      LogConfig.from(
          Map.of("segment.bytes", Integer.toString(4 * batchSize), "index.interval.bytes", "1"));

  /** Queues flush tasks until {@link #runAll()}. */
  static final class ManualFlusher implements Executor {
    final ArrayDeque<Runnable> queued = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      queued.add(task);
    }

    void runAll() {
      Runnable task;
      while ((task = poll()) != null) {
        task.run();
      }
    }

    synchronized int size() {
      return queued.size();
    }

    private synchronized Runnable poll() {
      return queued.poll();
    }
  }

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  Path dir() {
    return root.resolve("t-0");
  }

  PartitionLog open(Executor withFlusher) {
    PartitionLog log = PartitionLog.open(dir(), config, clock, withFlusher);
    opened.add(log);
    return log;
  }

  /** Appends {@code n} batches of 2 records; 4 fill a segment, the fifth rolls. */
  static List<RecordBatch> append(PartitionLog log, int n) {
    List<RecordBatch> appended = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RecordBatch b = batch(log.logEndOffset(), 100 + i, 2);
      log.append(b);
      appended.add(b);
    }
    return appended;
  }

  @Test
  void aCheckpointThatFailsOnTheFlusherIsToldToTheListenerAndWrittenByTheNextCheckpoint()
      throws Exception {
    List<String> failures = new ArrayList<>();
    PartitionLog log =
        PartitionLog.open(dir(), config, clock, flusher, (what, e) -> failures.add(what));
    opened.add(log);
    append(log, 5);
    // A directory where the checkpoint's temporary file goes: its write fails, as on a full disk.
    Path blocker = Files.createDirectories(dir().resolve("partition.checkpoint.tmp"));
    Files.writeString(blocker.resolve("x"), "x");

    flusher.runAll();

    assertThat(failures).containsExactly("the checkpoint of " + dir());
    assertThat(PartitionCheckpoint.read(dir()).orElseThrow().recoveryPoint()).isZero();

    Files.delete(blocker.resolve("x"));
    Files.delete(blocker);
    log.deleteRetainedSegments();
    assertThat(PartitionCheckpoint.read(dir()).orElseThrow().recoveryPoint()).isEqualTo(8);
  }

  @Test
  void aRollLeavesTheRecoveryPointUntilTheClosedSegmentsFlushHasRun() {
    PartitionLog log = open(flusher);
    append(log, 5);

    assertThat(log.segmentCount()).isEqualTo(2);
    assertThat(flusher.size()).isEqualTo(1);
    assertThat(log.recoveryPoint()).isZero();
    assertThat(PartitionCheckpoint.read(dir()).orElseThrow().recoveryPoint()).isZero();

    flusher.runAll();

    assertThat(log.recoveryPoint()).isEqualTo(8);
    PartitionCheckpoint checkpoint = PartitionCheckpoint.read(dir()).orElseThrow();
    assertThat(checkpoint.recoveryPoint()).isEqualTo(8);
    assertThat(checkpoint.recoverySequence()).isEqualTo(4);
    assertThat(checkpoint.firstSequences()).containsEntry(8L, 5L);
  }

  @Test
  void aCrashRightAfterARollRecoversTheSegmentWhoseFlushHadNotRun() {
    PartitionLog log = open(flusher);
    List<RecordBatch> appended = append(log, 5);
    log.abandon();
    flusher.runAll(); // the flush comes too late: the process is gone

    PartitionLog reopened = open(null);

    assertThat(PartitionCheckpoint.read(dir()).orElseThrow().recoveryPoint()).isEqualTo(10);
    assertThat(reopened.recoveryReport().batchesChecked()).isEqualTo(5);
    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(reopened.lastSequence()).isEqualTo(5);
    assertThat(readAll(reopened))
        .extracting(RecordBatch::baseOffset)
        .containsExactlyElementsOf(appended.stream().map(RecordBatch::baseOffset).toList());
  }

  @Test
  void aCrashAfterTheFlushRanRecoversOnlyTheNewSegment() {
    PartitionLog log = open(flusher);
    append(log, 5);
    flusher.runAll();
    log.abandon();

    PartitionLog reopened = open(null);

    assertThat(reopened.recoveryReport().batchesChecked()).isEqualTo(1);
    assertThat(reopened.lastSequence()).isEqualTo(5);
  }

  @Test
  void closeFsyncsTheClosedSegmentsWhoseFlushHasNotRun() {
    PartitionLog log = open(flusher);
    append(log, 9);
    assertThat(flusher.size()).isEqualTo(2);

    log.close();

    assertThat(PartitionCheckpoint.read(dir()).orElseThrow().recoveryPoint()).isEqualTo(18);
    flusher.runAll(); // late flushes of a closed log change nothing
    assertThat(PartitionCheckpoint.read(dir()).orElseThrow().recoveryPoint()).isEqualTo(18);
    assertThat(open(null).recoveryReport().batchesChecked()).isZero();
  }

  @Test
  void aFlushThatFinishesAfterATruncationDoesNotMoveTheRecoveryPointPastTheLogEnd() {
    PartitionLog log = open(flusher);
    append(log, 5);
    log.truncateTo(6);

    flusher.runAll();

    assertThat(log.logEndOffset()).isEqualTo(6);
    assertThat(log.recoveryPoint()).isLessThanOrEqualTo(6);
    assertThat(PartitionCheckpoint.read(dir()).orElseThrow().recoveryPoint())
        .isLessThanOrEqualTo(6);
  }

  @Test
  void flushesQueuedBehindEachOtherMoveTheRecoveryPointInRollOrder() {
    PartitionLog log = open(flusher);
    append(log, 9);
    assertThat(flusher.size()).isEqualTo(2);

    flusher.poll().run();
    assertThat(log.recoveryPoint()).isEqualTo(8);
    flusher.poll().run();
    assertThat(log.recoveryPoint()).isEqualTo(16);
  }

  @Test
  void theLogsOwnFlusherMovesTheRecoveryPointAfterARoll() {
    PartitionLog log = open(null);
    append(log, 5);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(log.recoveryPoint()).isEqualTo(8));
    assertThat(PartitionCheckpoint.read(dir()).orElseThrow().recoveryPoint()).isEqualTo(8);
  }
}
