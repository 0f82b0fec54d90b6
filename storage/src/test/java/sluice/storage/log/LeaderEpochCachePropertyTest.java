package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The leader-epoch cache against a model: a {@code TreeMap} from epoch to start offset, changed by
 * the rules written plainly (remove what conflicts, put; remove by predicate; collapse the head),
 * and an {@code endOffsetFor} that scans every entry. Random assign / truncate / reopen sequences;
 * after each step the cache, its file and every answer must match the model. jqwik prints the seed.
 */
class LeaderEpochCachePropertyTest {
  sealed interface Op {}

  record Assign(int epoch, long startOffset) implements Op {}

  record TruncateFromEnd(long endOffset) implements Op {}

  record TruncateFromStart(long startOffset) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> assign =
        Combinators.combine(
                Arbitraries.integers().between(0, 12), Arbitraries.longs().between(0, 60))
            .as(Assign::new);
    Arbitrary<Op> fromEnd = Arbitraries.longs().between(0, 70).map(TruncateFromEnd::new);
    Arbitrary<Op> fromStart = Arbitraries.longs().between(0, 70).map(TruncateFromStart::new);
    Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
    return Arbitraries.frequencyOf(
            Tuple.of(6, assign), Tuple.of(2, fromEnd), Tuple.of(2, fromStart), Tuple.of(1, reopen))
        .list()
        .ofMaxSize(30);
  }

  @Property(tries = 100)
  void theCacheBehavesLikeTheModelAcrossReopens(@ForAll("ops") List<Op> ops) {
    TempDirs.withTempDir(
        dir -> {
          var model = new TreeMap<Integer, Long>();
          LeaderEpochCache cache = LeaderEpochCache.create(dir, List.of());
          for (Op op : ops) {
            if (op instanceof Assign a) {
              boolean changed = modelAssign(model, a.epoch(), a.startOffset());
              assertThat(cache.assign(a.epoch(), a.startOffset())).as("changed").isEqualTo(changed);
            } else if (op instanceof TruncateFromEnd t) {
              model.values().removeIf(start -> start >= t.endOffset());
              cache.truncateFromEnd(t.endOffset());
            } else if (op instanceof TruncateFromStart t) {
              modelTruncateFromStart(model, t.startOffset());
              cache.truncateFromStart(t.startOffset());
            } else {
              cache = LeaderEpochCache.read(dir);
            }
            List<EpochEntry> expected = entries(model);
            // invariant: the cache holds the model's entries
            assertThat(cache.epochs()).as("after %s", op).isEqualTo(expected);
            // invariant: the file holds them too (what a crash right now would leave)
            assertThat(LeaderEpochCache.read(dir).epochs()).isEqualTo(expected);
            // invariant: epochs and start offsets strictly ascend
            LeaderEpochCache.checkAscending(cache.epochs());
            // invariant: every answer matches a scan of the model
            long logEnd = model.isEmpty() ? 5 : model.lastEntry().getValue() + 5;
            for (int epoch = -1; epoch <= 14; epoch++) {
              assertThat(cache.endOffsetFor(epoch, logEnd))
                  .as("endOffsetFor(%d, %d) with %s", epoch, logEnd, expected)
                  .isEqualTo(modelEndOffsetFor(model, epoch, logEnd));
            }
          }
        });
  }

  static boolean modelAssign(TreeMap<Integer, Long> model, int epoch, long startOffset) {
    if (!model.isEmpty()
        && model.lastKey() == epoch
        && startOffset >= model.lastEntry().getValue()) {
      return false;
    }
    model.entrySet().removeIf(e -> e.getKey() >= epoch || e.getValue() >= startOffset);
    model.put(epoch, startOffset);
    return true;
  }

  static void modelTruncateFromStart(TreeMap<Integer, Long> model, long startOffset) {
    Integer last = null;
    for (Map.Entry<Integer, Long> e : model.entrySet()) {
      if (e.getValue() <= startOffset) {
        last = e.getKey();
      }
    }
    if (last != null) {
      model.values().removeIf(start -> start <= startOffset);
      model.put(last, startOffset);
    }
  }

  /** Kafka's answer, by scanning: floor epoch and the next epoch's start, or the log end. */
  static EpochEndOffset modelEndOffsetFor(TreeMap<Integer, Long> model, int requested, long end) {
    if (requested < 0 || model.isEmpty() || requested > model.lastKey()) {
      return EpochEndOffset.UNDEFINED;
    }
    if (requested == model.lastKey()) {
      return new EpochEndOffset(requested, end);
    }
    Integer floor = null;
    Integer higher = null;
    for (int epoch : model.keySet()) {
      if (epoch <= requested) {
        floor = epoch;
      } else if (higher == null) {
        higher = epoch;
      }
    }
    return new EpochEndOffset(floor == null ? requested : floor, model.get(higher));
  }

  static List<EpochEntry> entries(TreeMap<Integer, Long> model) {
    List<EpochEntry> list = new ArrayList<>();
    model.forEach((epoch, start) -> list.add(new EpochEntry(epoch, start)));
    return list;
  }
}
