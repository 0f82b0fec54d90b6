package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static sluice.storage.log.TestBatches.inEpoch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica's high watermark: capped to its log, checkpointed, and back after a restart. */
class HighWatermarkTest {
  @TempDir Path root;
  final MutableClock clock = new MutableClock(1_000);

  Path dir() {
    return root.resolve("t-0");
  }

  PartitionLog open() {
    return PartitionLog.open(dir(), LogConfig.from(Map.of()), clock);
  }

  static void write(PartitionLog log, int batches) {
    for (int i = 0; i < batches; i++) {
      log.append(inEpoch(0, log.logEndOffset(), 2));
    }
  }

  @Test
  void aNewLogHasHighWatermarkZeroAndUpdatesAreCappedToTheLogEnd() {
    try (PartitionLog log = open()) {
      assertThat(log.highWatermark()).isZero();
      write(log, 3);
      log.updateHighWatermark(4);
      assertThat(log.highWatermark()).isEqualTo(4);
      log.updateHighWatermark(100);
      assertThat(log.highWatermark()).isEqualTo(6);
      log.updateHighWatermark(2);
      assertThat(log.highWatermark()).isEqualTo(2);
      assertThatThrownBy(() -> log.updateHighWatermark(-1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("negative offset -1");
    }
  }

  @Test
  void theHighWatermarkSurvivesACleanRestart() {
    try (PartitionLog log = open()) {
      write(log, 3);
      log.updateHighWatermark(4);
    }
    try (PartitionLog log = open()) {
      assertThat(log.highWatermark()).isEqualTo(4);
    }
  }

  @Test
  void afterACrashTheLastCheckpointedHighWatermarkComesBack() {
    PartitionLog crashed = open();
    write(crashed, 3);
    crashed.updateHighWatermark(2);
    crashed.checkpointHighWatermark();
    crashed.updateHighWatermark(6);
    crashed.abandon();
    try (PartitionLog log = open()) {
      assertThat(log.highWatermark()).isEqualTo(2);
    }
  }

  @Test
  void truncationBelowTheHighWatermarkLowersIt() {
    try (PartitionLog log = open()) {
      write(log, 3);
      log.updateHighWatermark(6);
      log.truncateTo(2);
      assertThat(log.highWatermark()).isEqualTo(2);
    }
    try (PartitionLog log = open()) {
      assertThat(log.highWatermark()).isEqualTo(2);
    }
  }

  @Test
  void aMalformedCheckpointIsRefusedNamingTheFile() throws IOException {
    open().close();
    Files.writeString(dir().resolve(HighWatermarkCheckpoint.FILE_NAME), "0\nseven\n");
    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(HighWatermarkCheckpoint.FILE_NAME)
        .hasMessageContaining("seven");
  }
}
