package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.storage.log.TestBatches.keyed;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.storage.record.CompressionType;
import sluice.storage.record.Header;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.RecordBatchBuilder;
import sluice.storage.record.TimestampType;

/** Compaction with a clock the test moves. */
class CompactionTest {
  static final long DAY = 86_400_000;

  @TempDir Path root;
  final MutableClock clock = new MutableClock(1_000 * DAY);
  final List<PartitionLog> opened = new ArrayList<>();

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  PartitionLog open(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.putIfAbsent("cleanup.policy", "compact");
    all.putIfAbsent("segment.bytes", "61"); // one batch per segment: all but the last closed
    PartitionLog log = PartitionLog.open(root.resolve("t-0"), LogConfig.from(all), clock);
    opened.add(log);
    return log;
  }

  /** Appends one batch of key/value pairs (null value: tombstone) stamped now. */
  RecordBatch put(PartitionLog log, String... keysAndValues) {
    RecordBatch batch = keyed(log.logEndOffset(), clock.millis(), keysAndValues);
    log.append(batch);
    return batch;
  }

  static String string(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** Every record in the log as "key=value@offset". */
  static List<String> contents(PartitionLog log) {
    List<String> out = new ArrayList<>();
    for (RecordBatch batch : TestBatches.readAll(log)) {
      for (Record r : batch.records()) {
        out.add(string(r.key()) + "=" + string(r.value()) + "@" + r.offset());
      }
    }
    return out;
  }

  static List<TestBatches.Listed> infos(PartitionLog log) {
    return TestBatches.listed(log, 1);
  }

  /** Sequence, offsets and epoch: what compaction must never change. */
  static List<List<Long>> identities(List<TestBatches.Listed> infos) {
    return infos.stream()
        .map(
            i ->
                List.of(
                    i.sequence(),
                    i.baseOffset(),
                    i.lastOffset(),
                    (long) i.header().partitionLeaderEpoch()))
        .toList();
  }

  @Test
  void compactionKeepsTheLatestRecordPerKeyAndEveryBatch() {
    PartitionLog log = open(Map.of("segment.bytes", "400"));
    put(log, "a", "1", "b", "1");
    put(log, "a", "2", "c", "1");
    put(log, "b", "2", "a", "3");
    put(log, "d", "1", "c", "2");
    put(log, "x", "1"); // rolls: the active segment holds only this batch
    List<TestBatches.Listed> before = infos(log);
    assertThat(log.segmentCount()).isGreaterThan(1);

    assertThat(log.compact()).isPositive();

    assertThat(contents(log)).containsExactly("b=2@4", "a=3@5", "d=1@6", "c=2@7", "x=1@8");
    assertThat(identities(infos(log))).isEqualTo(identities(before));
    assertThat(infos(log))
        .extracting(TestBatches.Listed::recordCount)
        .containsExactly(0, 0, 2, 2, 1);
    assertThat(log.logStartOffset()).isZero();
    assertThat(log.logEndOffset()).isEqualTo(9);
    assertThat(log.compact()).isZero(); // nothing left to drop
  }

  @Test
  void theActiveSegmentIsNeitherCompactedNorUsedToSupersede() {
    PartitionLog log = open(Map.of("segment.bytes", "100000"));
    put(log, "a", "1");
    put(log, "a", "2");
    assertThat(log.compact()).isZero();
    assertThat(contents(log)).containsExactly("a=1@0", "a=2@1");
  }

  @Test
  void anEmptiedBatchStaysAsAHeaderWithItsOffsetsAndMaxTimestamp() {
    PartitionLog log = open(Map.of());
    RecordBatch first = put(log, "a", "1", "b", "1");
    clock.advance(1000);
    put(log, "a", "2", "b", "2");
    put(log, "pad", "x", "pad2", "y", "pad3", "z"); // roll
    put(log, "tail", "1");
    log.compact();

    RecordBatch emptied = TestBatches.readAll(log).get(0);
    emptied.ensureValid();
    assertThat(emptied.recordCount()).isZero();
    assertThat(emptied.sizeInBytes()).isEqualTo(RecordBatch.HEADER_SIZE);
    assertThat(emptied.baseOffset()).isZero();
    assertThat(emptied.lastOffset()).isEqualTo(1);
    assertThat(emptied.maxTimestamp()).isEqualTo(first.maxTimestamp());
    assertThat(log.read(1, 1, Long.MAX_VALUE).readFully().remaining())
        .isEqualTo(RecordBatch.HEADER_SIZE);
    assertThat(log.offsetForTimestamp(first.maxTimestamp())).hasValue(2);
  }

  @Test
  void tombstonesAreKeptForDeleteRetentionMsThenRemoved() {
    PartitionLog log = open(Map.of("delete.retention.ms", Long.toString(DAY)));
    put(log, "a", "1", "b", "1");
    put(log, "a", null, "b", "2");
    put(log, "pad", "x", "pad2", "y", "pad3", "z");
    put(log, "tail", "1");
    log.compact();
    assertThat(contents(log)).contains("a=null@2", "b=2@3").doesNotContain("a=1@0");

    clock.advance(DAY - 1);
    log.compact();
    assertThat(contents(log)).contains("a=null@2");

    clock.advance(1);
    log.compact();
    assertThat(contents(log)).doesNotContain("a=null@2").contains("b=2@3");
  }

  @Test
  void aTombstoneWithTheLongestRetentionIsKeptForever() {
    PartitionLog log = open(Map.of("delete.retention.ms", Long.toString(Long.MAX_VALUE)));
    put(log, "a", null);
    put(log, "tail", "1");
    clock.advance(1000 * DAY);
    log.compact();
    assertThat(contents(log)).contains("a=null@0");
  }

  @Test
  void aPassWithNothingNewIsSkippedButADueTombstoneStillGoes() {
    PartitionLog log = open(Map.of("delete.retention.ms", "1000"));
    put(log, "a", "1");
    put(log, "a", null);
    put(log, "tail", "1");
    assertThat(log.compact()).isEqualTo(1);
    assertThat(log.compact()).isZero();
    clock.advance(1000);
    assertThat(log.compact()).isEqualTo(1);
    assertThat(contents(log)).containsExactly("tail=1@2");
  }

  @Test
  void segmentsYoungerThanTheMinCompactionLagAreLeftAlone() {
    PartitionLog log = open(Map.of("min.compaction.lag.ms", "5000"));
    put(log, "a", "1", "b", "1");
    put(log, "a", "2", "b", "2");
    put(log, "pad", "x", "pad2", "y", "pad3", "z");
    put(log, "tail", "1");
    clock.advance(4999);
    assertThat(log.compact()).isZero();
    clock.advance(1);
    assertThat(log.compact()).isPositive();
    assertThat(contents(log)).contains("a=2@2").doesNotContain("a=1@0");
  }

  @Test
  void compressedAndLogAppendTimeBatchesAreDecodedAndRewrittenAlike() {
    PartitionLog log = open(Map.of());
    for (CompressionType codec : CompressionType.values()) {
      var builder = new RecordBatchBuilder(codec, log.logEndOffset());
      builder.append(
          clock.millis(), TestBatches.key("k"), TestBatches.key(codec.name()), List.of());
      builder.append(
          clock.millis(),
          TestBatches.key(codec.name()),
          TestBatches.key("v"),
          List.of(new Header("h", null)));
      RecordBatch batch = RecordBatch.wrap(builder.build());
      batch.setLogAppendTime(clock.millis() + 7);
      log.append(batch);
    }
    put(log, "pad", "x", "pad2", "y", "pad3", "z", "pad4", "w");
    put(log, "tail", "1");
    List<TestBatches.Listed> before = infos(log);

    log.compact();

    List<RecordBatch> batches = TestBatches.readAll(log);
    for (int i = 0; i < CompressionType.values().length; i++) {
      RecordBatch batch = batches.get(i);
      batch.ensureValid();
      assertThat(batch.compressionType()).isEqualTo(CompressionType.values()[i]);
      assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
      assertThat(batch.maxTimestamp()).isEqualTo(clock.millis() + 7);
    }
    assertThat(contents(log)).filteredOn(s -> s.startsWith("k=")).hasSizeLessThanOrEqualTo(1);
    assertThat(identities(infos(log))).isEqualTo(identities(before));
  }

  @Test
  void aCompactedLogReopensCleanWithTheSameContentsAndSequences() {
    Map<String, String> config = Map.of();
    PartitionLog log = open(config);
    for (int i = 0; i < 12; i++) {
      put(log, "k" + (i % 3), Integer.toString(i));
    }
    log.compact();
    List<String> contents = contents(log);
    List<TestBatches.Listed> infos = infos(log);
    log.close();

    PartitionLog reopened = open(config);

    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(contents(reopened)).isEqualTo(contents);
    assertThat(infos(reopened)).isEqualTo(infos);
  }

  @Test
  void aDeletePolicyLogIsNeverCompacted() {
    PartitionLog log = open(Map.of("cleanup.policy", "delete"));
    for (int i = 0; i < 8; i++) {
      put(log, "k", Integer.toString(i));
    }
    assertThat(log.compact()).isZero();
    assertThat(contents(log)).hasSize(8);
  }

  @Test
  void lastValuePerKeyIsWhatALogReaderSeesBeforeAndAfter() {
    PartitionLog log = open(Map.of());
    Map<String, String> model = new LinkedHashMap<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 60; i++) {
      String key = "k" + random.nextInt(6);
      String value = random.nextInt(5) == 0 ? null : Integer.toString(i);
      put(log, key, value);
      model.put(key, value);
      if (i % 10 == 9) {
        log.compact();
      }
    }
    Map<String, String> seen = new HashMap<>();
    for (RecordBatch batch : TestBatches.readAll(log)) {
      for (Record r : batch.records()) {
        seen.put(string(r.key()), string(r.value()));
      }
    }
    assertThat(seen).isEqualTo(model);
  }
}
