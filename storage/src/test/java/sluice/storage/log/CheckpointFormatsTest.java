package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes of the three checkpoint files of a partition directory, pinned: data directories
 * written by earlier versions must load, and a file written now must read the same in them.
 */
class CheckpointFormatsTest {
  @TempDir Path dir;

  static final String PARTITION = "0\n120 17\n2\n0 1\n100 15\n";
  static final String EMPTY_PARTITION = "0\n0 0\n0\n";
  static final String LEADER_EPOCHS = "0\n3\n0 0\n2 10\n7 345\n";
  static final String NO_LEADER_EPOCHS = "0\n0\n";
  static final String HIGH_WATERMARK = "0\n9876543210\n";

  String file(String name) throws IOException {
    return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
  }

  void put(String name, String content) throws IOException {
    Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void thePartitionCheckpointIsWrittenByteForByteAsBefore() throws IOException {
    new PartitionCheckpoint(120, 17, Map.of(100L, 15L, 0L, 1L)).write(dir);
    assertThat(file(PartitionCheckpoint.FILE_NAME)).isEqualTo(PARTITION);
    new PartitionCheckpoint(0, 0, Map.of()).write(dir);
    assertThat(file(PartitionCheckpoint.FILE_NAME)).isEqualTo(EMPTY_PARTITION);
  }

  @Test
  void aPartitionCheckpointInTheFormatOfEarlierVersionsReads() throws IOException {
    put(PartitionCheckpoint.FILE_NAME, PARTITION);
    assertThat(PartitionCheckpoint.read(dir))
        .contains(new PartitionCheckpoint(120, 17, Map.of(0L, 1L, 100L, 15L)));
    put(PartitionCheckpoint.FILE_NAME, EMPTY_PARTITION);
    assertThat(PartitionCheckpoint.read(dir)).contains(new PartitionCheckpoint(0, 0, Map.of()));
  }

  @Test
  void theLeaderEpochCheckpointIsWrittenByteForByteAsBefore() throws IOException {
    LeaderEpochCheckpoint.write(
        dir, List.of(new EpochEntry(0, 0), new EpochEntry(2, 10), new EpochEntry(7, 345)));
    assertThat(file(LeaderEpochCheckpoint.FILE_NAME)).isEqualTo(LEADER_EPOCHS);
    LeaderEpochCheckpoint.write(dir, List.of());
    assertThat(file(LeaderEpochCheckpoint.FILE_NAME)).isEqualTo(NO_LEADER_EPOCHS);
  }

  @Test
  void aLeaderEpochCheckpointInTheFormatOfEarlierVersionsReads() throws IOException {
    put(LeaderEpochCheckpoint.FILE_NAME, LEADER_EPOCHS);
    assertThat(LeaderEpochCheckpoint.read(dir))
        .contains(List.of(new EpochEntry(0, 0), new EpochEntry(2, 10), new EpochEntry(7, 345)));
    put(LeaderEpochCheckpoint.FILE_NAME, NO_LEADER_EPOCHS);
    assertThat(LeaderEpochCheckpoint.read(dir)).contains(List.of());
  }

  @Test
  void theHighWatermarkCheckpointIsWrittenByteForByteAsBefore() throws IOException {
    HighWatermarkCheckpoint.write(dir, 9_876_543_210L);
    assertThat(file(HighWatermarkCheckpoint.FILE_NAME)).isEqualTo(HIGH_WATERMARK);
  }

  @Test
  void aHighWatermarkCheckpointInTheFormatOfEarlierVersionsReads() throws IOException {
    put(HighWatermarkCheckpoint.FILE_NAME, HIGH_WATERMARK);
    assertThat(HighWatermarkCheckpoint.read(dir)).contains(9_876_543_210L);
  }

  @Test
  void aLogWhoseCheckpointsAreInTheFormatOfEarlierVersionsOpensClean() throws IOException {
    Path logDir = dir.resolve("t-0");
    try (PartitionLog log = PartitionLog.open(logDir, LogConfig.defaults(), new MutableClock(0))) {
      for (int epoch = 0; epoch < 3; epoch++) {
        log.append(TestBatches.inEpoch(epoch * 2, log.logEndOffset(), 2));
      }
      log.updateHighWatermark(4);
    }
    // What earlier versions wrote for this log: three batches of two records in epochs 0, 2, 4.
    Files.writeString(logDir.resolve(PartitionCheckpoint.FILE_NAME), "0\n6 3\n1\n0 1\n");
    Files.writeString(logDir.resolve(LeaderEpochCheckpoint.FILE_NAME), "0\n3\n0 0\n2 2\n4 4\n");
    Files.writeString(logDir.resolve(HighWatermarkCheckpoint.FILE_NAME), "0\n4\n");

    try (PartitionLog log = PartitionLog.open(logDir, LogConfig.defaults(), new MutableClock(0))) {
      assertThat(log.recoveryReport().clean()).isTrue();
      assertThat(log.lastSequence()).isEqualTo(3);
      assertThat(log.leaderEpochs())
          .containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 2), new EpochEntry(4, 4));
      assertThat(log.highWatermark()).isEqualTo(4);
    }
  }
}
