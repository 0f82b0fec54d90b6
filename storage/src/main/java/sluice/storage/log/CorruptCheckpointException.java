package sluice.storage.log;

import java.nio.file.Path;

/**
 * A checkpoint file ({@link CheckpointFile}) that does not parse. The log rebuilds what it can
 * (every segment is recovered without a {@code partition.checkpoint}; the leader-epoch cache is
 * rebuilt from batch headers); a corrupt {@code high-watermark.checkpoint} refuses to open.
 */
public class CorruptCheckpointException extends RuntimeException {
  public CorruptCheckpointException(Path file, String problem) {
    super("Malformed checkpoint " + file + ": " + problem);
  }
}
