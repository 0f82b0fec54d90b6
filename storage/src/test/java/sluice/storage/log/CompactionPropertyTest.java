package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;

/**
 * Compaction as a property: random keyed batches with tombstones, compactions, clock moves and
 * restarts. Whatever compaction removed, every batch keeps its sequence and offsets, every record
 * left is the one appended at its offset, and a reader replaying the log sees the latest value of
 * every key (a tombstone may vanish once it is older than delete.retention.ms). jqwik prints the
 * seed of a failing run.
 */
class CompactionPropertyTest {
  static final long DELETE_RETENTION_MS = 10_000;

  sealed interface Op {}

  /** A batch of puts; a negative value is a tombstone. */
  record Put(List<Integer> keys, List<Integer> values) implements Op {}

  record Compact() implements Op {}

  record Advance(long millis) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> put =
        Arbitraries.integers()
            .between(1, 4)
            .flatMap(
                n ->
                    Arbitraries.integers()
                        .between(0, 7)
                        .list()
                        .ofSize(n)
                        .flatMap(
                            keys ->
                                Arbitraries.integers()
                                    .between(-3, 100)
                                    .list()
                                    .ofSize(n)
                                    .map(values -> new Put(keys, values))));
    return Arbitraries.frequencyOf(
            Tuple.of(12, put),
            Tuple.of(3, Arbitraries.just(new Compact())),
            Tuple.of(2, Arbitraries.longs().between(0, 8_000).map(Advance::new)),
            Tuple.of(1, Arbitraries.just(new Reopen())))
        .list()
        .ofMaxSize(50);
  }

  @Property(tries = 50)
  void compactionKeepsBatchesOffsetsAndTheLatestValueOfEveryKey(@ForAll("ops") List<Op> ops) {
    TempDirs.withTempDir(tmp -> run(tmp.resolve("t-0"), ops));
  }

  private void run(Path dir, List<Op> ops) {
    var clock = new MutableClock(1_000_000);
    LogConfig config =
        LogConfig.from(
            Map.of(
                "cleanup.policy", "compact",
                "segment.bytes", "300",
                "delete.retention.ms", Long.toString(DELETE_RETENTION_MS)));
    PartitionLog log = PartitionLog.open(dir, config, clock);
    List<RecordBatch> appended = new ArrayList<>();
    Map<Long, String> appendedRecords = new HashMap<>(); // offset -> "key=value"
    Map<String, String> latest = new HashMap<>();
    try {
      for (Op op : ops) {
        if (op instanceof Put p) {
          String[] kv = new String[2 * p.keys().size()];
          for (int i = 0; i < p.keys().size(); i++) {
            kv[2 * i] = "k" + p.keys().get(i);
            kv[2 * i + 1] = p.values().get(i) < 0 ? null : "v" + p.values().get(i);
          }
          RecordBatch batch = TestBatches.keyed(log.logEndOffset(), clock.millis(), kv);
          log.append(batch);
          appended.add(batch);
          for (Record r : batch.records()) {
            appendedRecords.put(r.offset(), string(r.key()) + "=" + string(r.value()));
            latest.put(string(r.key()), string(r.value()));
          }
        } else if (op instanceof Compact) {
          log.compact();
        } else if (op instanceof Advance a) {
          clock.advance(a.millis());
        } else {
          log.close();
          log = PartitionLog.open(dir, config, clock);
          assertThat(log.recoveryReport().clean()).isTrue();
        }
        check(log, appended, appendedRecords, latest);
      }
    } finally {
      log.close();
    }
  }

  private static void check(
      PartitionLog log,
      List<RecordBatch> appended,
      Map<Long, String> appendedRecords,
      Map<String, String> latest) {
    List<RecordBatch> batches = TestBatches.readAll(log);
    // invariant: no batch is ever dropped, none changes its offsets or sequence
    assertThat(batches)
        .extracting(RecordBatch::baseOffset, RecordBatch::lastOffset)
        .containsExactlyElementsOf(
            appended.stream()
                .map(b -> org.assertj.core.groups.Tuple.tuple(b.baseOffset(), b.lastOffset()))
                .toList());
    assertThat(TestBatches.listed(log, 1))
        .extracting(TestBatches.Listed::sequence)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, appended.size()).boxed().toList());
    // invariant: a surviving record is the one appended at its offset
    Map<String, String> replayed = new HashMap<>();
    for (RecordBatch batch : batches) {
      batch.ensureValid();
      for (Record r : batch.records()) {
        String kv = string(r.key()) + "=" + string(r.value());
        assertThat(kv).isEqualTo(appendedRecords.get(r.offset()));
        replayed.put(string(r.key()), string(r.value()));
      }
    }
    // invariant: replaying the log yields the latest value of every key
    for (Map.Entry<String, String> e : latest.entrySet()) {
      if (e.getValue() == null) {
        assertThat(replayed.get(e.getKey())).as("key %s", e.getKey()).isNull();
      } else {
        assertThat(replayed).containsEntry(e.getKey(), e.getValue());
      }
    }
  }

  private static String string(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
