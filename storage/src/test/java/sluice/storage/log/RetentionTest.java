package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static sluice.storage.log.TestBatches.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by time and size, with a clock the test moves. */
class RetentionTest {
  static final long HOUR = 3_600_000;

  @TempDir Path root;
  final MutableClock clock = new MutableClock(100 * HOUR);
  final List<PartitionLog> opened = new ArrayList<>();
  final int batchSize = batch(0, 0, 2).sizeInBytes();

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  PartitionLog open(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.putIfAbsent("segment.bytes", Integer.toString(2 * batchSize));
    PartitionLog log = PartitionLog.open(root.resolve("t-0"), LogConfig.from(all), clock);
    opened.add(log);
    return log;
  }

  /** Appends a 2-record batch stamped with the clock's time. */
  static void appendNow(PartitionLog log, MutableClock clock) {
    log.append(batch(log.logEndOffset(), clock.millis(), 2));
  }

  @Test
  void timeRetentionDeletesClosedSegmentsWhoseNewestRecordIsOlder() {
    PartitionLog log = open(Map.of("retention.ms", Long.toString(10 * HOUR)));
    for (int i = 0; i < 6; i++) { // segments of 2 batches, an hour apart per batch
      appendNow(log, clock);
      clock.advance(HOUR);
    }
    // now = start + 6h; segments: [0,4) newest t+1h, [4,8) t+3h, [8,12) t+5h (active)
    assertThat(log.deleteRetainedSegments()).isZero();
    clock.advance(5 * HOUR + 1); // segment 0's newest record (t+1h+1ms) is exactly 10h old
    assertThat(log.deleteRetainedSegments()).isZero();
    clock.advance(1);
    assertThat(log.deleteRetainedSegments()).isEqualTo(1);
    assertThat(log.logStartOffset()).isEqualTo(4);
    assertThatThrownBy(() -> log.read(3, 100, Long.MAX_VALUE))
        .isInstanceOfSatisfying(
            OffsetOutOfRangeException.class, e -> assertThat(e.logStartOffset()).isEqualTo(4));
    clock.advance(2 * HOUR);
    assertThat(log.deleteRetainedSegments()).isEqualTo(1);
    assertThat(log.logStartOffset()).isEqualTo(8);
  }

  @Test
  void theActiveSegmentRollsBySegmentMsOnAQuietLogSoTimeRetentionReachesIt() {
    PartitionLog log =
        open(Map.of("retention.ms", Long.toString(2 * HOUR), "segment.ms", Long.toString(HOUR)));
    appendNow(log, clock);
    clock.advance(HOUR); // measured from the first batch's max timestamp, t+1ms
    assertThat(log.deleteRetainedSegments()).isZero();
    assertThat(log.segmentCount()).isEqualTo(1);
    clock.advance(1);
    assertThat(log.deleteRetainedSegments()).isZero();
    assertThat(log.segmentCount()).isEqualTo(2); // rolled: the data is in a closed segment
    await() // and the roll forced it to disk, on the flusher
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(log.recoveryPoint()).isEqualTo(2));
    clock.advance(HOUR + 1); // the newest record (t+1ms) is now 2h+1ms old
    assertThat(log.deleteRetainedSegments()).isEqualTo(1);
    assertThat(log.logStartOffset()).isEqualTo(2);
    assertThat(log.logEndOffset()).isEqualTo(2);
    assertThat(log.read(2, 100, Long.MAX_VALUE).isEmpty()).isTrue();
    assertThat(log.append(batch(2, clock.millis(), 1))).isEqualTo(2);
  }

  @Test
  void sizeRetentionDeletesTheOldestSegmentsWhileTheRestStaysOverTheLimit() {
    PartitionLog log = open(Map.of("retention.bytes", Integer.toString(5 * batchSize)));
    for (int i = 0; i < 9; i++) {
      appendNow(log, clock); // 4 full segments of 2 batches, 1 batch in the active one
    }
    // 9 batches; deleting a 2-batch segment is allowed while at least 5 batches remain
    assertThat(log.deleteRetainedSegments()).isEqualTo(2);
    assertThat(log.sizeInBytes()).isEqualTo(5L * batchSize);
    assertThat(log.logStartOffset()).isEqualTo(8);
    assertThat(log.deleteRetainedSegments()).isZero();
  }

  @Test
  void compactedTopicsAreNotDeletedByRetention() {
    PartitionLog log = open(Map.of("retention.bytes", "0", "cleanup.policy", "compact"));
    for (int i = 0; i < 6; i++) {
      appendNow(log, clock);
    }
    assertThat(log.deleteRetainedSegments()).isZero();
    assertThat(log.logStartOffset()).isZero();
  }

  @Test
  void deletedSegmentsStayReadableUntilTheFileDeleteDelay() throws IOException {
    PartitionLog log = open(Map.of("retention.bytes", "0", "file.delete.delay.ms", "60000"));
    for (int i = 0; i < 5; i++) {
      appendNow(log, clock);
    }
    FetchSlice inFlight = log.read(0, 1000, Long.MAX_VALUE);
    assertThat(log.deleteRetainedSegments()).isEqualTo(2);
    assertThat(deletedFiles(log)).hasSize(6);
    assertThat(TestBatches.batchesOf(inFlight.readFully())).hasSize(2);
    clock.advance(59_999);
    log.deleteRetainedSegments();
    assertThat(deletedFiles(log)).hasSize(6);
    clock.advance(1);
    log.deleteRetainedSegments();
    assertThat(deletedFiles(log)).isEmpty();
    assertThat(log.recoveryReport().clean()).isTrue();
  }

  @Test
  void sequencesOfRetainedBatchesSurviveRetentionAndRestart() {
    Map<String, String> config = Map.of("retention.bytes", Integer.toString(3 * batchSize));
    PartitionLog log = open(config);
    for (int i = 0; i < 7; i++) {
      appendNow(log, clock);
    }
    assertThat(log.deleteRetainedSegments()).isEqualTo(2);
    log.close();

    PartitionLog reopened = open(config);

    assertThat(reopened.logStartOffset()).isEqualTo(8);
    assertThat(reopened.lastSequence()).isEqualTo(7);
    List<TestBatches.Listed> infos = TestBatches.listed(reopened, 1);
    assertThat(infos).extracting(TestBatches.Listed::sequence).containsExactly(5L, 6L, 7L);
    assertThat(infos).extracting(TestBatches.Listed::baseOffset).containsExactly(8L, 10L, 12L);
    assertThat(reopened.append(batch(14, clock.millis(), 1))).isEqualTo(8);
  }

  private static List<Path> deletedFiles(PartitionLog log) throws IOException {
    try (Stream<Path> files = Files.list(log.dir())) {
      return files.filter(f -> f.toString().endsWith(".deleted")).toList();
    }
  }
}
