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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetIndexTest {
  private static final long BASE = 1_000;

  @TempDir Path dir;

  @Test
  void aMappedWriteFaultIsAnIoErrorNamingTheFileAndLeavesTheEntryUnpublished() {
    var index = new OffsetIndex(dir.resolve("fault.index"), BASE, 100 * OffsetIndex.ENTRY_SIZE);
    index.append(BASE + 1, 0);
    // What the JVM raises when the kernel cannot back a page of the mapping (SIGBUS: disk full).
    assertThatThrownBy(
            () ->
                index.appendEntry(
                    buffer -> {
                      throw new InternalError("a fault occurred in an unsafe memory access");
                    }))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("fault.index")
        .hasMessageContaining("file system full");
    assertThat(index.entries()).isEqualTo(1);
    index.append(BASE + 2, 100);
    assertThat(index.lookup(BASE + 2)).isEqualTo(new OffsetIndex.Entry(BASE + 2, 100));
  }

  sealed interface Op {}

  record Append(int offsetGap, int positionGap) implements Op {}

  record Truncate(int fromEnd) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> append =
        Combinators.combine(
                Arbitraries.integers().between(1, 50), Arbitraries.integers().between(1, 5000))
            .as(Append::new);
    Arbitrary<Op> truncate = Arbitraries.integers().between(0, 60).map(Truncate::new);
    Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(10, append),
            net.jqwik.api.Tuple.of(1, truncate),
            net.jqwik.api.Tuple.of(1, reopen))
        .list()
        .ofMaxSize(200);
  }

  @Property(tries = 200)
  void lookupsAgreeWithATreeMapModelThroughAppendsTruncationsAndReopens(
      @ForAll("ops") List<Op> ops) {
    TempDirs.withTempDir(
        tmp -> {
          Path file = tmp.resolve("00000000000000001000.index");
          var model = new TreeMap<Long, Integer>();
          var index = new OffsetIndex(file, BASE, 100 * OffsetIndex.ENTRY_SIZE);
          for (Op op : ops) {
            if (op instanceof Append a) {
              if (index.isFull()) {
                continue;
              }
              long lastOffset =
                  model.isEmpty() ? BASE - 1 + a.offsetGap() : model.lastKey() + a.offsetGap();
              int lastPosition =
                  model.isEmpty()
                      ? a.positionGap() - 1
                      : model.lastEntry().getValue() + a.positionGap();
              index.append(lastOffset, lastPosition);
              model.put(lastOffset, lastPosition);
            } else if (op instanceof Truncate t) {
              long target = model.isEmpty() ? BASE : model.lastKey() + 1 - t.fromEnd();
              index.truncateTo(target);
              model.tailMap(target, true).clear();
            } else {
              index.trimToValidSize();
              index = new OffsetIndex(file, BASE, 100 * OffsetIndex.ENTRY_SIZE);
              index.resize(100 * OffsetIndex.ENTRY_SIZE);
              if (model.equals(Map.of(BASE, 0))) {
                // a lone all-zero entry reads as preallocated space; it is equivalent to none
                model.clear();
              }
            }
            assertAgrees(index, model);
          }
        });
  }

  private static void assertAgrees(OffsetIndex index, TreeMap<Long, Integer> model) {
    assertThat(index.entries()).isEqualTo(model.size());
    long end = model.isEmpty() ? BASE + 10 : model.lastKey() + 10;
    for (long target = BASE - 2; target <= end; target++) {
      Map.Entry<Long, Integer> expected = model.floorEntry(target);
      OffsetIndex.Entry actual = index.lookup(target);
      if (expected == null) {
        assertThat(actual).isEqualTo(new OffsetIndex.Entry(BASE, 0));
      } else {
        assertThat(actual).isEqualTo(new OffsetIndex.Entry(expected.getKey(), expected.getValue()));
      }
    }
    index.sanityCheck(Integer.MAX_VALUE);
  }

  @Test
  void lookupByPositionFindsTheLastEntryAtOrBeforeThePosition() {
    var index = new OffsetIndex(dir.resolve("a.index"), BASE, 1024);
    index.append(BASE + 4, 0);
    index.append(BASE + 9, 500);
    index.append(BASE + 20, 900);
    assertThat(index.lookupByPosition(499)).isEqualTo(new OffsetIndex.Entry(BASE + 4, 0));
    assertThat(index.lookupByPosition(500)).isEqualTo(new OffsetIndex.Entry(BASE + 9, 500));
    assertThat(index.lookupByPosition(10_000)).isEqualTo(new OffsetIndex.Entry(BASE + 20, 900));
  }

  @Test
  void appendRejectsAnEntryThatIsNotAboveTheLastOne() {
    var index = new OffsetIndex(dir.resolve("a.index"), BASE, 1024);
    index.append(BASE + 5, 100);
    assertThatThrownBy(() -> index.append(BASE + 5, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 1005");
    assertThatThrownBy(() -> index.append(BASE + 6, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position 100");
  }

  @Test
  void aFullIndexRefusesAppends() {
    var index = new OffsetIndex(dir.resolve("a.index"), BASE, 2 * OffsetIndex.ENTRY_SIZE + 3);
    index.append(BASE, 0);
    index.append(BASE + 1, 10);
    assertThat(index.isFull()).isTrue();
    assertThatThrownBy(() -> index.append(BASE + 2, 20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("full");
  }

  @Test
  void anOffsetTooFarFromTheBaseIsRejected() {
    var index = new OffsetIndex(dir.resolve("a.index"), BASE, 1024);
    assertThatThrownBy(() -> index.append(BASE + Integer.MAX_VALUE + 1L, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base offset 1000");
  }

  @Test
  void reopeningAfterACrashIgnoresThePreallocatedZeroTail() throws IOException {
    Path file = dir.resolve("a.index");
    var index = new OffsetIndex(file, BASE, 1024);
    index.append(BASE + 3, 0);
    index.append(BASE + 8, 4096);
    index.flush();
    assertThat(Files.size(file)).isEqualTo(1024);

    var reopened = new OffsetIndex(file, BASE, 1024);

    assertThat(reopened.entries()).isEqualTo(2);
    assertThat(reopened.lastEntry()).isEqualTo(new OffsetIndex.Entry(BASE + 8, 4096));
  }

  @Test
  void truncatedEntriesDoNotComeBackAfterACrash() {
    Path file = dir.resolve("a.index");
    var index = new OffsetIndex(file, BASE, 1024);
    for (int i = 0; i < 10; i++) {
      index.append(BASE + i, i * 100);
    }
    index.truncateTo(BASE + 4);
    index.flush();

    var reopened = new OffsetIndex(file, BASE, 1024);

    assertThat(reopened.entries()).isEqualTo(4);
    assertThat(reopened.lastEntry()).isEqualTo(new OffsetIndex.Entry(BASE + 3, 300));
  }

  @Test
  void trimmingShrinksTheFileToItsEntries() throws IOException {
    Path file = dir.resolve("a.index");
    var index = new OffsetIndex(file, BASE, 1024);
    index.append(BASE + 1, 0);
    index.trimToValidSize();
    assertThat(Files.size(file)).isEqualTo(OffsetIndex.ENTRY_SIZE);
    assertThat(index.isFull()).isTrue();
    index.resize(1024);
    index.append(BASE + 2, 10);
    assertThat(index.entries()).isEqualTo(2);
  }

  @Test
  void sanityCheckRejectsGarbage() throws IOException {
    Path file = dir.resolve("a.index");
    byte[] garbage = new byte[64];
    ByteBuffer.wrap(garbage).putInt(7).putInt(100).putInt(3).putInt(200);
    Files.write(file, garbage);
    var index = new OffsetIndex(file, BASE, 1024);
    assertThatThrownBy(() -> index.sanityCheck(1000))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("entry 1");
  }

  @Test
  void sanityCheckRejectsAPositionBeyondTheLog() {
    var index = new OffsetIndex(dir.resolve("a.index"), BASE, 1024);
    index.append(BASE + 1, 0);
    index.append(BASE + 2, 500);
    index.sanityCheck(501);
    assertThatThrownBy(() -> index.sanityCheck(500)).isInstanceOf(CorruptIndexException.class);
  }

  @Test
  void sanityCheckRejectsAPartialEntry() throws IOException {
    Path file = dir.resolve("a.index");
    Files.write(file, new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
    var index = new OffsetIndex(file, BASE, 1024);
    assertThatThrownBy(() -> index.sanityCheck(1000))
        .isInstanceOf(CorruptIndexException.class)
        .hasMessageContaining("whole number");
  }
}
