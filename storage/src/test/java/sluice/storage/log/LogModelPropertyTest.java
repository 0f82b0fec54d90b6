package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import sluice.storage.record.CompressionType;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;

/**
 * The log against a list of batches: random appends, truncations, clean restarts, process crashes
 * (no bytes lost) and quiet periods; after each step reads, offsets, sequences, batch infos and
 * timestamp lookups must agree with the list. jqwik prints the seed of a failing run.
 */
class LogModelPropertyTest {
  sealed interface Op {}

  record Append(int records, int valueSize, int timestampStep, boolean compressed) implements Op {}

  record Truncate(double fraction) implements Op {}

  record Reopen() implements Op {}

  record Crash() implements Op {}

  record Wait(long millis) implements Op {}

  /** A batch in the model, with the sequence the log must have given it. */
  record Entry(long sequence, RecordBatch batch) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> append =
        Combinators.combine(
                Arbitraries.integers().between(1, 5),
                Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(-50, 200),
                Arbitraries.of(true, false))
            .as(Append::new);
    return Arbitraries.frequencyOf(
            Tuple.of(20, append),
            Tuple.of(2, Arbitraries.doubles().between(0, 1).map(Truncate::new)),
            Tuple.of(1, Arbitraries.just(new Reopen())),
            Tuple.of(1, Arbitraries.just(new Crash())),
            Tuple.of(1, Arbitraries.longs().between(0, 5_000).map(Wait::new)))
        .list()
        .ofMaxSize(60);
  }

  @Property(tries = 100)
  void theLogAgreesWithAListOfBatches(@ForAll("ops") List<Op> ops) {
    TempDirs.withTempDir(tmp -> run(tmp.resolve("t-0"), ops));
  }

  private void run(Path dir, List<Op> ops) {
    var clock = new MutableClock(1_000_000);
    LogConfig config =
        LogConfig.from(
            Map.of(
                "segment.bytes", "700",
                "segment.ms", "3000",
                "index.interval.bytes", "150",
                "segment.index.bytes", "96"));
    PartitionLog log = PartitionLog.open(dir, config, clock);
    List<Entry> model = new ArrayList<>();
    long nextSequence = 1;
    long timestamp = 10_000;
    try {
      for (Op op : ops) {
        if (op instanceof Append a) {
          timestamp = Math.max(0, timestamp + a.timestampStep());
          RecordBatch batch =
              TestBatches.batch(
                  a.compressed() ? CompressionType.LZ4 : CompressionType.NONE,
                  log.logEndOffset(),
                  timestamp,
                  a.records(),
                  a.valueSize());
          assertThat(log.append(batch)).isEqualTo(nextSequence);
          model.add(new Entry(nextSequence++, batch));
        } else if (op instanceof Truncate t && !model.isEmpty()) {
          long start = model.get(0).batch().baseOffset();
          long target = start + (long) (t.fraction() * (log.logEndOffset() - start));
          log.truncateTo(target);
          model.removeIf(e -> e.batch().lastOffset() >= target);
          nextSequence = model.isEmpty() ? 1 : model.get(model.size() - 1).sequence() + 1;
        } else if (op instanceof Reopen) {
          log.close();
          log = PartitionLog.open(dir, config, clock);
          assertThat(log.recoveryReport().clean()).isTrue();
        } else if (op instanceof Crash) {
          log.abandon();
          log = PartitionLog.open(dir, config, clock);
          assertThat(log.recoveryReport().bytesTruncated()).isZero();
        } else if (op instanceof Wait w) {
          clock.advance(w.millis());
          log.deleteRetainedSegments(); // rolls a quiet log; retention is 7 days
        }
        check(log, model, nextSequence);
      }
    } finally {
      log.close();
    }
  }

  private static void check(PartitionLog log, List<Entry> model, long nextSequence) {
    long end = model.isEmpty() ? 0 : model.get(model.size() - 1).batch().nextOffset();
    // invariant: offsets and sequences
    assertThat(log.logEndOffset()).isEqualTo(end);
    assertThat(log.logStartOffset()).isZero();
    assertThat(log.lastSequence()).isEqualTo(nextSequence - 1);
    // invariant: the bytes read back are the bytes appended
    assertThat(TestBatches.readAll(log))
        .extracting(TestBatches::bytes)
        .containsExactlyElementsOf(model.stream().map(e -> TestBatches.bytes(e.batch())).toList());
    // invariant: a read from any offset starts with the batch holding it
    for (Entry e : model) {
      for (long offset : new long[] {e.batch().baseOffset(), e.batch().lastOffset()}) {
        RecordBatch first =
            TestBatches.batchesOf(log.read(offset, 1, Long.MAX_VALUE).readFully()).get(0);
        assertThat(first.baseOffset()).isEqualTo(e.batch().baseOffset());
      }
    }
    // invariant: batch infos carry the model's sequences from any starting point
    for (int from = 0; from < model.size(); from += 3) {
      assertThat(TestBatches.listed(log, model.get(from).sequence()))
          .extracting(TestBatches.Listed::sequence, TestBatches.Listed::baseOffset)
          .containsExactlyElementsOf(
              model.subList(from, model.size()).stream()
                  .map(
                      m ->
                          org.assertj.core.groups.Tuple.tuple(m.sequence(), m.batch().baseOffset()))
                  .toList());
    }
    // invariant: timestamp lookups find the first record at or after the target
    List<Record> records = model.stream().flatMap(e -> e.batch().records().stream()).toList();
    for (int i = 0; i < records.size(); i += 5) {
      Record r = records.get(i);
      for (long target : new long[] {r.timestamp(), r.timestamp() + 1}) {
        OptionalLong expected =
            records.stream()
                .filter(x -> x.timestamp() >= target)
                .mapToLong(Record::offset)
                .findFirst();
        assertThat(log.offsetForTimestamp(target)).as("timestamp %d", target).isEqualTo(expected);
      }
    }
  }
}
