package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexTest {
  private static final long BASE = 500;
  private static final int MAX_SIZE = 64 * TimeIndex.ENTRY_SIZE;

  @TempDir Path dir;

  sealed interface Op {}

  /** A batch: its max timestamp moves by {@code timestampStep} (may go back), offsets move on. */
  record Append(int offsetGap, int timestampStep) implements Op {}

  record Truncate(int fromEnd) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> append =
        Combinators.combine(
                Arbitraries.integers().between(1, 20), Arbitraries.integers().between(-30, 100))
            .as(Append::new);
    return Arbitraries.frequencyOf(
            Tuple.of(10, append),
            Tuple.of(1, Arbitraries.integers().between(0, 40).map(Truncate::new)),
            Tuple.of(1, Arbitraries.just(new Reopen())))
        .list()
        .ofMaxSize(150);
  }

  @Property(tries = 200)
  void lookupsAgreeWithATreeMapModelThroughAppendsTruncationsAndReopens(
      @ForAll("ops") List<Op> ops) {
    TempDirs.withTempDir(
        tmp -> {
          Path file = tmp.resolve("00000000000000000500.timeindex");
          var model = new TreeMap<Long, Long>();
          var index = new TimeIndex(file, BASE, MAX_SIZE);
          long offset = BASE - 1;
          long timestamp = 1_000;
          for (Op op : ops) {
            if (op instanceof Append a) {
              if (index.isFull()) {
                continue;
              }
              offset += a.offsetGap();
              timestamp += a.timestampStep();
              index.maybeAppend(timestamp, offset, false);
              if (model.isEmpty() || timestamp > model.lastKey()) {
                model.put(timestamp, offset);
              }
            } else if (op instanceof Truncate t) {
              long target = Math.max(BASE, offset + 1 - t.fromEnd());
              index.truncateTo(target);
              model.values().removeIf(o -> o >= target);
              offset = Math.max(BASE - 1, target - 1);
            } else {
              index.trimToValidSize();
              index = new TimeIndex(file, BASE, MAX_SIZE);
              index.resize(MAX_SIZE);
            }
            assertAgrees(index, model);
          }
        });
  }

  private static void assertAgrees(TimeIndex index, TreeMap<Long, Long> model) {
    assertThat(index.entries()).isEqualTo(model.size());
    long end = model.isEmpty() ? 1_010 : model.lastKey() + 10;
    for (long target = 900; target <= end; target++) {
      Map.Entry<Long, Long> expected = model.lowerEntry(target);
      TimeIndex.Entry actual = index.lookupBefore(target);
      if (expected == null) {
        assertThat(actual).isEqualTo(new TimeIndex.Entry(TimeIndex.NO_TIMESTAMP, BASE));
      } else {
        assertThat(actual).isEqualTo(new TimeIndex.Entry(expected.getKey(), expected.getValue()));
      }
    }
    index.sanityCheck(Long.MAX_VALUE);
  }

  @Test
  void anEntryIsAddedOnlyWhenTheTimestampGrows() {
    var index = new TimeIndex(dir.resolve("a.timeindex"), BASE, MAX_SIZE);
    index.maybeAppend(100, BASE + 1, false);
    index.maybeAppend(100, BASE + 5, false);
    index.maybeAppend(90, BASE + 6, false);
    assertThat(index.entries()).isEqualTo(1);
    index.maybeAppend(101, BASE + 7, false);
    assertThat(index.lastEntry()).isEqualTo(new TimeIndex.Entry(101, BASE + 7));
  }

  @Test
  void theLastSlotIsReservedForTheFinalEntryOnRoll() {
    var index = new TimeIndex(dir.resolve("a.timeindex"), BASE, 2 * TimeIndex.ENTRY_SIZE);
    index.maybeAppend(10, BASE, false);
    assertThat(index.isFull()).isTrue();
    assertThatThrownBy(() -> index.maybeAppend(20, BASE + 1, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("full");
    index.maybeAppend(20, BASE + 1, true);
    assertThat(index.lastEntry()).isEqualTo(new TimeIndex.Entry(20, BASE + 1));
  }

  @Test
  void anOffsetBelowTheLastEntryIsRejected() {
    var index = new TimeIndex(dir.resolve("a.timeindex"), BASE, MAX_SIZE);
    index.maybeAppend(10, BASE + 5, false);
    assertThatThrownBy(() -> index.maybeAppend(20, BASE + 4, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 504");
  }

  @Test
  void reopeningAfterACrashIgnoresThePreallocatedZeroTail() {
    Path file = dir.resolve("a.timeindex");
    var index = new TimeIndex(file, BASE, MAX_SIZE);
    index.maybeAppend(10, BASE + 1, false);
    index.maybeAppend(20, BASE + 2, false);
    index.flush();
    var reopened = new TimeIndex(file, BASE, MAX_SIZE);
    assertThat(reopened.entries()).isEqualTo(2);
    assertThat(reopened.lastEntry()).isEqualTo(new TimeIndex.Entry(20, BASE + 2));
  }

  @Test
  void sanityCheckRejectsDescendingTimestamps() throws IOException {
    Path file = dir.resolve("a.timeindex");
    byte[] garbage = new byte[2 * TimeIndex.ENTRY_SIZE];
    ByteBuffer.wrap(garbage).putLong(50).putInt(1).putLong(40).putInt(2);
    Files.write(file, garbage);
    var index = new TimeIndex(file, BASE, MAX_SIZE);
    assertThatThrownBy(() -> index.sanityCheck(Long.MAX_VALUE))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("entry 1");
  }

  @Test
  void sanityCheckRejectsAnOffsetBeyondTheSegment() {
    var index = new TimeIndex(dir.resolve("a.timeindex"), BASE, MAX_SIZE);
    index.maybeAppend(10, BASE + 9, false);
    index.sanityCheck(BASE + 10);
    assertThatThrownBy(() -> index.sanityCheck(BASE + 9))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining("offset 509");
  }
}
