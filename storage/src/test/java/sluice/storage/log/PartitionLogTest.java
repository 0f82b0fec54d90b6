package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static sluice.storage.log.TestBatches.batch;
import static sluice.storage.log.TestBatches.batchesOf;
import static sluice.storage.log.TestBatches.bytes;
import static sluice.storage.log.TestBatches.readAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.storage.record.RecordBatch;

class PartitionLogTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(1_000_000);
  final List<PartitionLog> opened = new ArrayList<>();

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  PartitionLog open(Map<String, String> overrides) {
    PartitionLog log = PartitionLog.open(dir.resolve("t-0"), LogConfig.from(overrides), clock);
    opened.add(log);
    return log;
  }

  /** Appends {@code n} batches of {@code perBatch} records, returning them. */
  static List<RecordBatch> appendBatches(PartitionLog log, int n, int perBatch, long timestamp) {
    List<RecordBatch> appended = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RecordBatch b = batch(log.logEndOffset(), timestamp + i, perBatch);
      log.append(b);
      appended.add(b);
    }
    return appended;
  }

  @Test
  void anEmptyLogStartsAtOffsetZeroAndSequenceZero() {
    PartitionLog log = open(Map.of());
    assertThat(log.logStartOffset()).isZero();
    assertThat(log.logEndOffset()).isZero();
    assertThat(log.lastSequence()).isZero();
    assertThat(log.read(0, 1000, Long.MAX_VALUE).isEmpty()).isTrue();
    assertThat(Files.exists(dir.resolve("t-0/00000000000000000000.log"))).isTrue();
    assertThat(log.recoveryReport().clean()).isTrue();
  }

  @Test
  void appendsGetSequencesFromOneAndAdvanceTheLogEnd() {
    PartitionLog log = open(Map.of());
    assertThat(log.append(batch(0, 100, 3))).isEqualTo(1);
    assertThat(log.append(batch(3, 100, 1))).isEqualTo(2);
    assertThat(log.append(batch(4, 100, 5))).isEqualTo(3);
    assertThat(log.logEndOffset()).isEqualTo(9);
    assertThat(log.lastSequence()).isEqualTo(3);
  }

  @Test
  void aBatchThatDoesNotStartAtTheLogEndIsRefusedWithBothOffsets() {
    PartitionLog log = open(Map.of());
    log.append(batch(0, 100, 3));
    assertThatThrownBy(() -> log.append(batch(5, 100, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("5")
        .hasMessageContaining("log end offset 3");
  }

  @Test
  void readStartsWithTheBatchHoldingTheOffsetAndReturnsWholeBatches() {
    PartitionLog log = open(Map.of());
    List<RecordBatch> appended = appendBatches(log, 5, 4, 100);
    List<RecordBatch> read = batchesOf(log.read(6, 1_000_000, Long.MAX_VALUE).readFully());
    assertThat(read).extracting(RecordBatch::baseOffset).containsExactly(4L, 8L, 12L, 16L);
    assertThat(bytes(read.get(0))).isEqualTo(bytes(appended.get(1)));
  }

  @Test
  void readStopsAtMaxBytesButAlwaysReturnsOneWholeBatch() {
    PartitionLog log = open(Map.of());
    List<RecordBatch> appended = appendBatches(log, 5, 4, 100);
    int one = appended.get(0).sizeInBytes();
    assertThat(batchesOf(log.read(0, 1, Long.MAX_VALUE).readFully())).hasSize(1);
    assertThat(batchesOf(log.read(0, 2 * one + one / 2, Long.MAX_VALUE).readFully())).hasSize(2);
    assertThat(log.read(0, 2 * one, Long.MAX_VALUE).sizeInBytes()).isEqualTo(2 * one);
  }

  @Test
  void readNeverCrossesTheMaxOffset() {
    PartitionLog log = open(Map.of());
    appendBatches(log, 5, 4, 100);
    assertThat(batchesOf(log.read(0, 1_000_000, 8).readFully()))
        .extracting(RecordBatch::baseOffset)
        .containsExactly(0L, 4L);
    assertThat(log.read(0, 1_000_000, 7).sizeInBytes()).isEqualTo(batch(0, 100, 4).sizeInBytes());
    assertThat(log.read(8, 1_000_000, 8).isEmpty()).isTrue();
    assertThat(log.read(9, 1_000_000, 10).isEmpty()).isTrue();
  }

  @Test
  void readAtTheLogEndIsEmptyAndOutsideTheLogCarriesTheRange() {
    PartitionLog log = open(Map.of());
    appendBatches(log, 2, 4, 100);
    assertThat(log.read(8, 1000, Long.MAX_VALUE).isEmpty()).isTrue();
    assertThatThrownBy(() -> log.read(9, 1000, Long.MAX_VALUE))
        .isInstanceOfSatisfying(
            OffsetOutOfRangeException.class,
            e -> {
              assertThat(e.offset()).isEqualTo(9);
              assertThat(e.logStartOffset()).isZero();
              assertThat(e.logEndOffset()).isEqualTo(8);
            });
    assertThatThrownBy(() -> log.read(-1, 1000, Long.MAX_VALUE))
        .isInstanceOf(OffsetOutOfRangeException.class);
  }

  @Test
  void theLogRollsBySegmentBytesAndReadsAcrossSegments() {
    int size = batch(0, 100, 4).sizeInBytes();
    PartitionLog log = open(Map.of("segment.bytes", Integer.toString(3 * size)));
    List<RecordBatch> appended = appendBatches(log, 10, 4, 100);
    assertThat(log.segmentCount()).isEqualTo(4);
    try (Stream<Path> files = Files.list(log.dir())) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")))
          .containsExactlyInAnyOrder(
              "00000000000000000000.log",
              "00000000000000000012.log",
              "00000000000000000024.log",
              "00000000000000000036.log");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThat(readAll(log))
        .extracting(TestBatches::bytes)
        .containsExactlyElementsOf(appended.stream().map(TestBatches::bytes).toList());
    assertThat(batchesOf(log.read(12, 1_000_000, Long.MAX_VALUE).readFully()))
        .extracting(RecordBatch::baseOffset)
        .containsExactly(12L, 16L, 20L);
  }

  @Test
  void theLogRollsWhenAnIndexIsFull() {
    PartitionLog log = open(Map.of("segment.index.bytes", "24", "index.interval.bytes", "0"));
    List<RecordBatch> appended = appendBatches(log, 6, 2, 100);
    assertThat(log.segmentCount()).isGreaterThan(1);
    assertThat(readAll(log))
        .extracting(TestBatches::bytes)
        .containsExactlyElementsOf(appended.stream().map(TestBatches::bytes).toList());
    assertThat(log.offsetForTimestamp(104)).hasValue(7);
  }

  @Test
  void theLogRollsBySegmentMsMeasuredFromTheFirstBatchTimestamp() {
    PartitionLog log = open(Map.of("segment.ms", "1000"));
    log.append(batch(0, 5_000, 1));
    log.append(batch(1, 5_999, 1));
    assertThat(log.segmentCount()).isEqualTo(1);
    log.append(batch(2, 6_000, 1));
    assertThat(log.segmentCount()).isEqualTo(2);
  }

  @Test
  void offsetForTimestampFindsTheFirstRecordAtOrAfterIt() {
    int size = batch(0, 0, 3).sizeInBytes();
    PartitionLog log =
        open(Map.of("segment.bytes", Integer.toString(4 * size), "index.interval.bytes", "1"));
    // batch i holds timestamps 1000*i + {0,1,2}, except batch 5 goes back in time
    List<long[]> records = new ArrayList<>(); // offset, timestamp
    for (int i = 0; i < 12; i++) {
      long ts = i == 5 ? 500 : 1000L * i;
      RecordBatch b = batch(log.logEndOffset(), ts, 3);
      for (int r = 0; r < 3; r++) {
        records.add(new long[] {b.baseOffset() + r, ts + r});
      }
      log.append(b);
    }
    for (long target = -1; target < 12_100; target += 37) {
      long t = target;
      OptionalLong expected =
          records.stream().filter(r -> r[1] >= t).mapToLong(r -> r[0]).findFirst();
      assertThat(log.offsetForTimestamp(target)).as("timestamp %d", target).isEqualTo(expected);
    }
    assertThat(log.offsetForTimestamp(501)).hasValue(3);
  }

  @Test
  void batchInfosComeFromHeadersWithTheirSequences() {
    int size = batch(0, 100, 2).sizeInBytes();
    PartitionLog log = open(Map.of("segment.bytes", Integer.toString(2 * size)));
    List<RecordBatch> appended = appendBatches(log, 7, 2, 100);
    List<TestBatches.Listed> infos = TestBatches.listed(log, 3);
    assertThat(infos).extracting(TestBatches.Listed::sequence).containsExactly(3L, 4L, 5L, 6L, 7L);
    TestBatches.Listed third = infos.get(0);
    RecordBatch expected = appended.get(2);
    assertThat(third.sequence()).isEqualTo(3);
    assertThat(third.header())
        .isEqualTo(
            new BatchHeader(
                expected.baseOffset(),
                expected.lastOffset(),
                expected.partitionLeaderEpoch(),
                expected.maxTimestamp(),
                expected.producerId(),
                expected.producerEpoch(),
                expected.baseSequence(),
                2,
                size));
    assertThat(third.header()).isEqualTo(BatchHeader.of(expected));
    assertThat(TestBatches.listed(log, 0)).hasSize(7);
    assertThat(log.batchHeadersFrom(8).next()).isFalse();
  }

  @Test
  void aBatchCursorHasNoCurrentBatchBeforeNextOrAfterTheLast() {
    PartitionLog log = open(Map.of());
    appendBatches(log, 1, 2, 100);
    BatchCursor cursor = log.batchHeadersFrom(1);
    assertThatThrownBy(cursor::header).isInstanceOf(IllegalStateException.class);
    assertThat(cursor.next()).isTrue();
    assertThat(cursor.sequence()).isEqualTo(1);
    assertThat(cursor.next()).isFalse();
    assertThatThrownBy(cursor::sequence)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("last sequence 1");
  }

  @Test
  void aCleanRestartKeepsEverythingAndChecksNoBatch() {
    int size = batch(0, 100, 2).sizeInBytes();
    Map<String, String> config = Map.of("segment.bytes", Integer.toString(3 * size));
    PartitionLog log = open(config);
    List<RecordBatch> appended = appendBatches(log, 8, 2, 100);
    log.close();

    PartitionLog reopened = open(config);

    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(reopened.recoveryReport().batchesChecked()).isZero();
    assertThat(reopened.logEndOffset()).isEqualTo(16);
    assertThat(reopened.lastSequence()).isEqualTo(8);
    assertThat(readAll(reopened))
        .extracting(TestBatches::bytes)
        .containsExactlyElementsOf(appended.stream().map(TestBatches::bytes).toList());
    assertThat(reopened.append(batch(16, 100, 1))).isEqualTo(9);
  }

  @Test
  void truncateToRemovesWholeBatchesAndGivesTheirSequencesBack() {
    int size = batch(0, 100, 2).sizeInBytes();
    PartitionLog log =
        open(Map.of("segment.bytes", Integer.toString(3 * size), "index.interval.bytes", "1"));
    appendBatches(log, 10, 2, 100); // offsets 0..19, segments at 0, 6, 12, 18

    log.truncateTo(13); // straddles batch 12-13: it goes
    assertThat(log.logEndOffset()).isEqualTo(12);
    assertThat(log.lastSequence()).isEqualTo(6);
    assertThat(log.segmentCount()).isEqualTo(3); // segment 12 stays, empty and active
    assertThat(readAll(log))
        .extracting(RecordBatch::baseOffset)
        .containsExactly(0L, 2L, 4L, 6L, 8L, 10L);
    assertThat(log.append(batch(12, 100, 2))).isEqualTo(7);
    assertThat(log.offsetForTimestamp(105)).hasValue(9); // batch 8 holds 104, 105

    log.truncateTo(4);
    assertThat(log.logEndOffset()).isEqualTo(4);
    assertThat(log.lastSequence()).isEqualTo(2);
    assertThat(log.segmentCount()).isEqualTo(1);
    log.close();
    PartitionLog reopened = open(Map.of("segment.bytes", Integer.toString(3 * size)));
    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(reopened.lastSequence()).isEqualTo(2);
    assertThat(reopened.logEndOffset()).isEqualTo(4);
  }

  @Test
  void truncatingBelowTheLogStartRestartsTheLogThere() {
    PartitionLog log = open(Map.of());
    appendBatches(log, 3, 2, 100);
    log.truncateTo(6); // no-op at the end
    assertThat(log.logEndOffset()).isEqualTo(6);
    log.truncateTo(0);
    assertThat(log.logEndOffset()).isZero();
    assertThat(log.lastSequence()).isZero();
    assertThat(log.append(batch(0, 100, 1))).isEqualTo(1);
    assertThatThrownBy(() -> log.truncateTo(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncatingFullyRestartsTheLogEmptyAboveItsEndAndSurvivesAReopen() {
    PartitionLog log = open(Map.of());
    log.append(TestBatches.inEpoch(3, 0, 2));
    log.append(TestBatches.inEpoch(3, 2, 2));
    log.updateHighWatermark(4);
    assertThatThrownBy(() -> log.truncateFullyAndStartAt(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("log end offset 4");

    log.truncateFullyAndStartAt(100);
    assertThat(log.logStartOffset()).isEqualTo(100);
    assertThat(log.logEndOffset()).isEqualTo(100);
    assertThat(log.lastSequence()).isZero();
    assertThat(log.highWatermark()).isEqualTo(100);
    assertThat(log.leaderEpochs()).isEmpty();
    assertThat(log.append(TestBatches.inEpoch(5, 100, 2))).isEqualTo(1);
    log.close();

    PartitionLog reopened = open(Map.of());
    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(reopened.logStartOffset()).isEqualTo(100);
    assertThat(reopened.logEndOffset()).isEqualTo(102);
    assertThat(reopened.lastSequence()).isEqualTo(1);
    assertThat(reopened.highWatermark()).isEqualTo(100);
    assertThat(reopened.latestEpoch()).isEqualTo(5);
  }

  @Test
  void aLogRestartedEmptyAfterRetentionNumbersItsBatchesFromOneAgain() {
    int size = batch(0, 100, 2).sizeInBytes();
    PartitionLog log = open(Map.of("segment.bytes", Integer.toString(size), "retention.ms", "1"));
    appendBatches(log, 3, 2, 100);
    clock.advance(10_000);
    assertThat(log.deleteRetainedSegments()).isEqualTo(2);
    assertThat(log.lastSequence()).isEqualTo(3);

    // Batches 1 and 2 went with retention, batch 3 goes now: no number of the former history may
    // be the restarted log's last sequence, or state saved at that number would seem to match it.
    log.truncateFullyAndStartAt(100);
    assertThat(log.lastSequence()).isZero();
    assertThat(log.batchHeadersFrom(1).next()).isFalse();
    assertThat(log.append(TestBatches.inEpoch(5, 100, 2))).isEqualTo(1);
    log.close();

    PartitionLog reopened = open(Map.of());
    assertThat(reopened.lastSequence()).isEqualTo(1);
    assertThat(TestBatches.listed(reopened, 1))
        .extracting(TestBatches.Listed::baseOffset)
        .containsExactly(100L);
  }

  @Test
  void flushMessagesForcesARecoveryPointAfterThatManyRecords() {
    PartitionLog log = open(Map.of("flush.messages", "5"));
    appendBatches(log, 2, 2, 100);
    assertThat(log.recoveryPoint()).isZero();
    appendBatches(log, 1, 2, 100);
    assertThat(log.recoveryPoint()).isEqualTo(6);
  }

  @Test
  void flushMsForcesAfterThatMuchTimeEvenOnAQuietLog() {
    PartitionLog log = open(Map.of("flush.ms", "1000"));
    appendBatches(log, 2, 2, 100);
    assertThat(log.recoveryPoint()).isZero();
    clock.advance(1000);
    log.deleteRetainedSegments();
    assertThat(log.recoveryPoint()).isEqualTo(4);
  }

  @Test
  void byDefaultOnlyRollAndCloseForceTheLog() {
    int size = batch(0, 100, 2).sizeInBytes();
    PartitionLog log = open(Map.of("segment.bytes", Integer.toString(2 * size)));
    appendBatches(log, 2, 2, 100);
    clock.advance(10_000_000);
    log.deleteRetainedSegments();
    assertThat(log.recoveryPoint()).isZero();
    appendBatches(log, 1, 2, 100);
    // the roll's fsync runs on the flusher; the recovery point moves once it is done
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(log.recoveryPoint()).isEqualTo(4));
    log.close();
    assertThat(PartitionCheckpoint.read(log.dir()).orElseThrow().recoveryPoint()).isEqualTo(6);
  }

  @Test
  void anUpdatedConfigAppliesFromTheNextAppend() {
    int size = batch(0, 100, 2).sizeInBytes();
    PartitionLog log = open(Map.of());
    appendBatches(log, 3, 2, 100);
    log.updateConfig(LogConfig.from(Map.of("segment.bytes", Integer.toString(size))));
    assertThat(log.config().segmentBytes()).isEqualTo(size);
    appendBatches(log, 2, 2, 100);
    assertThat(log.segmentCount()).isEqualTo(3);
  }

  @Test
  void aClosedLogRefusesAppends() {
    PartitionLog log = open(Map.of());
    log.close();
    assertThatThrownBy(() -> log.append(batch(0, 1, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void deleteRemovesTheDirectory() {
    PartitionLog log = open(Map.of());
    appendBatches(log, 2, 2, 100);
    log.delete();
    assertThat(Files.exists(dir.resolve("t-0"))).isFalse();
  }
}
