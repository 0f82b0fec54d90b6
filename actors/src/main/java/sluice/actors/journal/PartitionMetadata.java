package sluice.actors.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code partition.metadata} in a partition directory, as Kafka writes it:
 *
 * <pre>
 * version: 0
 * topic_id: 4c0f5c3e-...
 * </pre>
 *
 * Written to a {@code .tmp} file, forced and renamed, so it is whole or absent after a crash (the
 * log's loader removes a stray {@code .tmp}).
 */
final class PartitionMetadata {
  static final String FILE_NAME = "partition.metadata";
  private static final String TOPIC_ID = "topic_id:";

  private PartitionMetadata() {}

  /** The topic id recorded in {@code dir}, or null if there is none. */
  static String read(Path dir) {
    try {
      for (String line : Files.readAllLines(dir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
        if (line.startsWith(TOPIC_ID)) {
          return line.substring(TOPIC_ID.length()).trim();
        }
      }
      throw new IllegalStateException(
          dir.resolve(FILE_NAME) + " has no '" + TOPIC_ID + "' line; delete it or the directory");
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + dir.resolve(FILE_NAME), e);
    }
  }

  static void write(Path dir, String topicId) {
    Path target = dir.resolve(FILE_NAME);
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    try {
      Files.writeString(tmp, "version: 0\n" + TOPIC_ID + " " + topicId + "\n");
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target, e);
    }
  }
}
