package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A replica's high watermark on disk, in {@code high-watermark.checkpoint} (Kafka keeps the same
 * fact in {@code replication-offset-checkpoint}, one file per data directory). Two lines of text:
 * the format version {@code 0}, then the high watermark. Written whole and atomically ({@link
 * Fs#writeAtomically}). Stateless.
 */
final class HighWatermarkCheckpoint {
  static final String FILE_NAME = "high-watermark.checkpoint";
  static final int VERSION = 0;

  private HighWatermarkCheckpoint() {}

  static void write(Path dir, long highWatermark) {
    String text = VERSION + "\n" + highWatermark + "\n";
    Fs.writeAtomically(dir.resolve(FILE_NAME), text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The checkpointed high watermark in {@code dir}, or empty if there is none.
   *
   * @throws IllegalArgumentException if the file is malformed, naming it and what is wrong
   */
  static Optional<Long> read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    String[] lines = text.strip().split("\\s+");
    try {
      if (lines.length != 2 || Integer.parseInt(lines[0]) != VERSION) {
        throw new IllegalArgumentException("expected version " + VERSION + " and one offset");
      }
      long highWatermark = Long.parseLong(lines[1]);
      if (highWatermark < 0) {
        throw new IllegalArgumentException("negative high watermark " + highWatermark);
      }
      return Optional.of(highWatermark);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          file + " is malformed: " + e.getMessage() + " (content: '" + text.strip() + "')", e);
    }
  }
}
