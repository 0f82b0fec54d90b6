package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import sluice.storage.record.CompressionType;
import sluice.storage.record.RecordBatch;

/**
 * Crash recovery as a property: append random batches, cut the active segment at a random byte (a
 * crash that lost the end of the page cache), reopen, and recovery must keep exactly the whole
 * batches before the cut. jqwik prints the seed of a failing run.
 */
class RecoveryPropertyTest {
  record Spec(CompressionType compression, int records, int valueSize) {}

  @Provide
  Arbitrary<List<Spec>> batches() {
    return Combinators.combine(
            Arbitraries.of(CompressionType.class),
            Arbitraries.integers().between(1, 6),
            Arbitraries.integers().between(0, 300))
        .as(Spec::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(40);
  }

  @Property(tries = 200)
  void recoveryKeepsExactlyTheWholeBatchesBeforeACut(
      @ForAll("batches") List<Spec> specs,
      @ForAll @IntRange(min = 200, max = 6000) int segmentBytes,
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double cutFraction,
      @ForAll boolean flushedBeforeCrash) {
    TempDirs.withTempDir(
        tmp -> {
          Path dir = tmp.resolve("t-0");
          var clock = new MutableClock(1_000);
          LogConfig config =
              LogConfig.from(
                  Map.of(
                      "segment.bytes",
                      Integer.toString(segmentBytes),
                      "index.interval.bytes",
                      "100"));
          PartitionLog log = PartitionLog.open(dir, config, clock);
          List<RecordBatch> appended = new ArrayList<>();
          for (Spec spec : specs) {
            RecordBatch batch =
                TestBatches.batch(
                    spec.compression(),
                    log.logEndOffset(),
                    clock.millis(),
                    spec.records(),
                    spec.valueSize());
            log.append(batch);
            appended.add(batch);
          }
          if (flushedBeforeCrash) {
            log.flush();
          }
          long activeBase = log.activeSegmentBaseOffset();
          log.abandon();

          // the crash: the active segment loses everything after a random byte
          List<RecordBatch> inActive =
              appended.stream().filter(b -> b.baseOffset() >= activeBase).toList();
          long activeSize = inActive.stream().mapToLong(RecordBatch::sizeInBytes).sum();
          long cut = (long) Math.floor(cutFraction * activeSize);
          try (FileChannel channel =
              FileChannel.open(
                  LogSegment.file(dir, activeBase, ".log"), StandardOpenOption.WRITE)) {
            channel.truncate(cut);
          }
          List<RecordBatch> expected = new ArrayList<>();
          long end = 0;
          for (RecordBatch b : appended) {
            if (b.baseOffset() < activeBase) {
              expected.add(b);
            } else if (end + b.sizeInBytes() <= cut) {
              expected.add(b);
              end += b.sizeInBytes();
            } else {
              break;
            }
          }

          PartitionLog reopened = PartitionLog.open(dir, config, clock);
          try {
            // invariant: exactly the whole batches before the cut, byte for byte
            assertThat(TestBatches.readAll(reopened))
                .extracting(TestBatches::bytes)
                .containsExactlyElementsOf(expected.stream().map(TestBatches::bytes).toList());
            // invariant: the log end follows the last kept batch
            long expectedEnd =
                expected.isEmpty() ? activeBase : expected.get(expected.size() - 1).nextOffset();
            assertThat(reopened.logEndOffset()).isEqualTo(expectedEnd);
            // invariant: the truncated bytes are the partial batch, reported
            assertThat(reopened.recoveryReport().bytesTruncated()).isEqualTo(cut - end);
            // invariant: sequences count the kept batches and continue after them
            assertThat(reopened.lastSequence()).isEqualTo(expected.size());
            assertThat(TestBatches.listed(reopened, 1))
                .extracting(TestBatches.Listed::baseOffset)
                .containsExactlyElementsOf(expected.stream().map(RecordBatch::baseOffset).toList());
            assertThat(reopened.append(TestBatches.batch(expectedEnd, 5, 1)))
                .isEqualTo(expected.size() + 1);
          } finally {
            reopened.close();
          }
        });
  }
}
