package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The partition log's leader-epoch cache against its own batches, through random appends with
 * rising epochs, promotions ({@link PartitionLog#assignLeaderEpoch}), truncations, retention, clean
 * restarts and crashes that cut the active segment. After every step the cache must be what a scan
 * of the batch headers gives, plus at most one entry at the log end (an epoch that has not written
 * yet), and its file must hold the same. jqwik prints the seed.
 */
class LeaderEpochLogPropertyTest {
  sealed interface Op {}

  record Append(int epochStep, int batches) implements Op {}

  record Promote(int epochStep) implements Op {}

  record Truncate(double fraction) implements Op {}

  record Retain() implements Op {}

  record Restart() implements Op {}

  record Crash(double cutFraction) implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> append =
        Combinators.combine(
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(1, 3))
            .as(Append::new);
    Arbitrary<Op> promote = Arbitraries.integers().between(1, 2).map(Promote::new);
    Arbitrary<Op> truncate = Arbitraries.doubles().between(0, 1.1).map(Truncate::new);
    Arbitrary<Op> crash = Arbitraries.doubles().between(0, 1).map(Crash::new);
    return Arbitraries.frequencyOf(
            Tuple.of(8, append),
            Tuple.of(2, promote),
            Tuple.of(3, truncate),
            Tuple.of(1, Arbitraries.just(new Retain())),
            Tuple.of(1, Arbitraries.just(new Restart())),
            Tuple.of(2, crash))
        .list()
        .ofMaxSize(25);
  }

  @Property(tries = 60)
  void theCacheAlwaysMatchesTheBatches(@ForAll("ops") List<Op> ops) {
    TempDirs.withTempDir(
        tmp -> {
          Path dir = tmp.resolve("t-0");
          var clock = new MutableClock(1_000);
          Map<String, String> overrides = new HashMap<>();
          overrides.put("segment.bytes", "400");
          LogConfig config = LogConfig.from(overrides);
          PartitionLog log = PartitionLog.open(dir, config, clock);
          int epoch = 0;
          try {
            for (Op op : ops) {
              if (op instanceof Append a) {
                epoch += a.epochStep();
                for (int i = 0; i < a.batches(); i++) {
                  log.append(TestBatches.inEpoch(epoch, log.logEndOffset(), 2));
                }
              } else if (op instanceof Promote p) {
                epoch += p.epochStep();
                log.assignLeaderEpoch(epoch);
                assertThat(log.leaderEpochs().get(log.leaderEpochs().size() - 1))
                    .isEqualTo(new EpochEntry(epoch, log.logEndOffset()));
              } else if (op instanceof Truncate t) {
                long start = Math.max(0, log.logStartOffset() - 1);
                long span = log.logEndOffset() + 1 - start;
                log.truncateTo(start + (long) Math.floor(t.fraction() * span));
              } else if (op instanceof Retain) {
                overrides.put("retention.bytes", "500");
                log.updateConfig(LogConfig.from(overrides));
                log.deleteRetainedSegments();
                overrides.remove("retention.bytes");
                log.updateConfig(LogConfig.from(overrides));
              } else if (op instanceof Restart) {
                log.close();
                log = PartitionLog.open(dir, config, clock);
              } else if (op instanceof Crash c) {
                long activeBase = log.activeSegmentBaseOffset();
                log.abandon();
                Path file = LogSegment.file(dir, activeBase, LogSegment.LOG_SUFFIX);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                  channel.truncate((long) Math.floor(c.cutFraction() * channel.size()));
                }
                log = PartitionLog.open(dir, config, clock);
              }
              checkInvariants(log, dir, op);
            }
          } finally {
            log.close();
          }
        });
  }

  static void checkInvariants(PartitionLog log, Path dir, Op op) {
    List<EpochEntry> cache = log.leaderEpochs();
    long end = log.logEndOffset();
    List<EpochEntry> belowEnd = cache.stream().filter(e -> e.startOffset() < end).toList();
    List<EpochEntry> atOrAfterEnd = cache.stream().filter(e -> e.startOffset() >= end).toList();
    // invariant: below the log end, the cache is exactly what the batch headers say
    assertThat(belowEnd).as("after %s", op).isEqualTo(fromBatches(log));
    // invariant: at most one entry at the log end (an epoch that has not written), none beyond
    assertThat(atOrAfterEnd).as("after %s", op).hasSizeLessThanOrEqualTo(1);
    atOrAfterEnd.forEach(e -> assertThat(e.startOffset()).isEqualTo(end));
    // invariant: the file holds the cache (what a crash right now would leave)
    assertThat(LeaderEpochCache.read(dir).epochs()).as("file after %s", op).isEqualTo(cache);
    // invariant: the latest epoch's end is the log end
    if (!cache.isEmpty()) {
      assertThat(log.endOffsetForEpoch(log.latestEpoch()).endOffset()).isEqualTo(end);
    }
  }

  /** Each epoch's first batch, by scanning every batch header of the log. */
  static List<EpochEntry> fromBatches(PartitionLog log) {
    List<EpochEntry> entries = new ArrayList<>();
    BatchCursor batches = log.batchHeadersFrom(0);
    while (batches.next()) {
      BatchHeader header = batches.header();
      int epoch = header.partitionLeaderEpoch();
      if (entries.isEmpty() || epoch > entries.get(entries.size() - 1).epoch()) {
        entries.add(new EpochEntry(epoch, header.baseOffset()));
      }
    }
    return entries;
  }
}
