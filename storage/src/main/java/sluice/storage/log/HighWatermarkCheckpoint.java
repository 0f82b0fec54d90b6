package sluice.storage.log;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import sluice.storage.log.CheckpointFile.LineFormat;

/**
 * A replica's high watermark on disk, in {@code high-watermark.checkpoint} (Kafka keeps the same
 * fact in {@code replication-offset-checkpoint}, one file per data directory): a {@link
 * CheckpointFile} of one value, two lines of text: the format version {@code 0}, then the high
 * watermark. Stateless.
 */
final class HighWatermarkCheckpoint {
  static final String FILE_NAME = "high-watermark.checkpoint";
  static final int VERSION = 0;

  private static final CheckpointFile<Long, Void> FILE =
      CheckpointFile.ofValue(
          FILE_NAME,
          VERSION,
          LineFormat.of(
              String::valueOf,
              line -> {
                long highWatermark = Long.parseLong(line);
                if (highWatermark < 0) {
                  throw new IllegalArgumentException("negative high watermark " + highWatermark);
                }
                return highWatermark;
              }));

  private HighWatermarkCheckpoint() {}

  static void write(Path dir, long highWatermark) {
    FILE.write(dir, highWatermark, List.of());
  }

  /**
   * The checkpointed high watermark in {@code dir}, or empty if there is none.
   *
   * @throws CorruptCheckpointException if the file is malformed, naming it and what is wrong
   */
  static Optional<Long> read(Path dir) {
    return FILE.read(dir).map(CheckpointFile.Contents::header);
  }
}
