package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader-epoch cache's rules, case by case, as Kafka's LeaderEpochFileCache applies them. */
class LeaderEpochCacheTest {
  @TempDir Path dir;

  static EpochEntry entry(int epoch, long startOffset) {
    return new EpochEntry(epoch, startOffset);
  }

  LeaderEpochCache cacheWith(EpochEntry... entries) {
    return LeaderEpochCache.create(dir, List.of(entries));
  }

  @Test
  void assigningRisingEpochsAppendsEntriesAndPersistsThem() {
    var cache = cacheWith();
    assertThat(cache.latestEpoch()).isEqualTo(EpochEndOffset.UNDEFINED_EPOCH);
    assertThat(cache.assign(0, 0)).isTrue();
    assertThat(cache.assign(2, 10)).isTrue();
    assertThat(cache.assign(5, 30)).isTrue();
    assertThat(cache.epochs()).containsExactly(entry(0, 0), entry(2, 10), entry(5, 30));
    assertThat(cache.latestEpoch()).isEqualTo(5);
    assertThat(LeaderEpochCache.read(dir).epochs()).isEqualTo(cache.epochs());
  }

  @Test
  void theLatestEpochAgainAtOrAboveItsStartIsIgnored() {
    var cache = cacheWith(entry(1, 0), entry(3, 10));
    assertThat(cache.assign(3, 10)).isFalse();
    assertThat(cache.assign(3, 25)).isFalse();
    assertThat(cache.epochs()).containsExactly(entry(1, 0), entry(3, 10));
  }

  @Test
  void theLatestEpochBelowItsStartMovesItDown() {
    var cache = cacheWith(entry(1, 0), entry(3, 10));
    assertThat(cache.assign(3, 7)).isTrue();
    assertThat(cache.epochs()).containsExactly(entry(1, 0), entry(3, 7));
  }

  @Test
  void aLowerEpochIsNotRefusedButReplacesTheEntriesItConflictsWith() {
    // Kafka's maybeTruncateNonMonotonicEntries: entries with epoch >= 2 or start >= 15 go
    var cache = cacheWith(entry(1, 0), entry(3, 10), entry(4, 20));
    assertThat(cache.assign(2, 15)).isTrue();
    assertThat(cache.epochs()).containsExactly(entry(1, 0), entry(2, 15));
  }

  @Test
  void aHigherEpochAtALowerStartOffsetReplacesEntriesStartingAtOrAfterIt() {
    var cache = cacheWith(entry(1, 0), entry(3, 10), entry(4, 20));
    assertThat(cache.assign(6, 10)).isTrue();
    assertThat(cache.epochs()).containsExactly(entry(1, 0), entry(6, 10));
  }

  @Test
  void aHigherEpochAtTheSameStartReplacesAnEpochThatNeverWrote() {
    var cache = cacheWith(entry(1, 0), entry(3, 10));
    assertThat(cache.assign(4, 10)).isTrue();
    assertThat(cache.epochs()).containsExactly(entry(1, 0), entry(4, 10));
  }

  @Test
  void negativeEpochsOrOffsetsAreRejectedNamingThem() {
    var cache = cacheWith();
    assertThatThrownBy(() -> cache.assign(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch -1");
    assertThatThrownBy(() -> cache.assign(0, -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start offset -5");
  }

  @Test
  void endOffsetForTheLatestEpochIsTheLogEndOffset() {
    var cache = cacheWith(entry(1, 0), entry(3, 10));
    assertThat(cache.endOffsetFor(3, 42)).isEqualTo(new EpochEndOffset(3, 42));
  }

  @Test
  void endOffsetForAnOlderEpochIsTheStartOfTheNextHigherOne() {
    var cache = cacheWith(entry(1, 0), entry(3, 10), entry(6, 25));
    assertThat(cache.endOffsetFor(1, 42)).isEqualTo(new EpochEndOffset(1, 10));
    assertThat(cache.endOffsetFor(3, 42)).isEqualTo(new EpochEndOffset(3, 25));
  }

  @Test
  void endOffsetForAnEpochThisLogNeverHadAnswersWithTheLargestEpochBelowIt() {
    var cache = cacheWith(entry(1, 0), entry(3, 10), entry(6, 25));
    assertThat(cache.endOffsetFor(2, 42)).isEqualTo(new EpochEndOffset(1, 10));
    assertThat(cache.endOffsetFor(5, 42)).isEqualTo(new EpochEndOffset(3, 25));
  }

  @Test
  void endOffsetForAnEpochBelowTheEarliestIsTheEarliestStartAsKafkaAnswers() {
    var cache = cacheWith(entry(4, 100), entry(6, 125));
    assertThat(cache.endOffsetFor(2, 142)).isEqualTo(new EpochEndOffset(2, 100));
  }

  @Test
  void endOffsetIsUndefinedAboveTheLatestEpochForAnUndefinedEpochAndInAnEmptyCache() {
    var cache = cacheWith(entry(1, 0), entry(3, 10));
    assertThat(cache.endOffsetFor(4, 42)).isEqualTo(EpochEndOffset.UNDEFINED);
    assertThat(cache.endOffsetFor(EpochEndOffset.UNDEFINED_EPOCH, 42))
        .isEqualTo(EpochEndOffset.UNDEFINED);
    assertThat(cacheWith().endOffsetFor(0, 42)).isEqualTo(EpochEndOffset.UNDEFINED);
    assertThat(EpochEndOffset.UNDEFINED.isUndefined()).isTrue();
  }

  @Test
  void truncateFromEndDropsEntriesStartingAtOrAfterTheNewEnd() {
    var cache = cacheWith(entry(1, 0), entry(3, 10), entry(6, 25));
    cache.truncateFromEnd(26);
    assertThat(cache.epochs()).containsExactly(entry(1, 0), entry(3, 10), entry(6, 25));
    cache.truncateFromEnd(25);
    assertThat(cache.epochs()).containsExactly(entry(1, 0), entry(3, 10));
    cache.truncateFromEnd(0);
    assertThat(cache.epochs()).isEmpty();
    assertThat(LeaderEpochCache.read(dir).epochs()).isEmpty();
  }

  @Test
  void truncateFromStartMovesTheEpochHoldingTheNewStartUpToIt() {
    var cache = cacheWith(entry(1, 0), entry(3, 10), entry(6, 25));
    cache.truncateFromStart(12);
    assertThat(cache.epochs()).containsExactly(entry(3, 12), entry(6, 25));
    cache.truncateFromStart(25); // exclusive: an entry starting exactly there stays as it is
    assertThat(cache.epochs()).containsExactly(entry(6, 25));
    cache.truncateFromStart(5); // below the first entry: nothing to do
    assertThat(cache.epochs()).containsExactly(entry(6, 25));
    assertThat(LeaderEpochCache.read(dir).epochs()).containsExactly(entry(6, 25));
  }

  @Test
  void theFileIsKafkasTextFormatAndLeavesNoTemporaryFile() throws IOException {
    cacheWith(entry(0, 0), entry(4, 1234));
    assertThat(Files.readString(dir.resolve("leader-epoch-checkpoint")))
        .isEqualTo("0\n2\n0 0\n4 1234\n");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("leader-epoch-checkpoint"));
    }
  }

  @Test
  void aMissingFileReadsAsAnEmptyCache() {
    assertThat(LeaderEpochCache.exists(dir)).isFalse();
    assertThat(LeaderEpochCache.read(dir).epochs()).isEmpty();
  }

  @Test
  void aMalformedFileIsRejectedNamingItAndTheProblem() throws IOException {
    Path file = dir.resolve("leader-epoch-checkpoint");
    Files.writeString(file, "0\n2\n0 0\n");
    assertThatThrownBy(() -> LeaderEpochCache.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("declares 2 entries but has 1");
    Files.writeString(file, "0\n2\n3 10\n2 20\n");
    assertThatThrownBy(() -> LeaderEpochCache.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("must ascend")
        .hasMessageContaining("EpochEntry[epoch=2, startOffset=20]");
    Files.writeString(file, "1\n0\n");
    assertThatThrownBy(() -> LeaderEpochCache.read(dir))
        .hasMessageContaining("where version 0 is expected");
    Files.writeString(file, "0\n1\n3 x\n");
    assertThatThrownBy(() -> LeaderEpochCache.read(dir))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("Malformed checkpoint")
        .hasMessageContaining("'3 x'");
    Files.writeString(file, "0\n1\n-3 5\n");
    assertThatThrownBy(() -> LeaderEpochCache.read(dir)).hasMessageContaining("epoch -3");
  }
}
