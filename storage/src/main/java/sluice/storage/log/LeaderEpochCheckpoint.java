package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code leader-epoch-checkpoint} file of a partition directory, in the text format of Kafka's
 * file of the same name, one value per whitespace-separated field:
 *
 * <pre>
 * 0                     format version
 * n                     number of entries
 * epoch startOffset     n lines, ascending in both epoch and start offset
 * </pre>
 *
 * Written whole and atomically ({@link Fs#writeAtomically}): after a crash the file is the old or
 * the new version. No checksum: a file that does not parse, or whose entries are not strictly
 * ascending, is rebuilt from the batch headers by {@link LogLoader}.
 */
final class LeaderEpochCheckpoint {
  static final String FILE_NAME = "leader-epoch-checkpoint";
  static final int VERSION = 0;

  private LeaderEpochCheckpoint() {}

  static Path file(Path dir) {
    return dir.resolve(FILE_NAME);
  }

  static void write(Path dir, List<EpochEntry> entries) {
    var text = new StringBuilder();
    text.append(VERSION).append('\n').append(entries.size()).append('\n');
    for (EpochEntry entry : entries) {
      text.append(entry.epoch()).append(' ').append(entry.startOffset()).append('\n');
    }
    Fs.writeAtomically(file(dir), text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The entries stored in {@code dir}, or empty if there is no file.
   *
   * @throws IllegalArgumentException if the file is malformed, naming it and what is wrong
   */
  static Optional<List<EpochEntry>> read(Path dir) {
    Path file = file(dir);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    try {
      if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
        throw new IllegalArgumentException("expected version " + VERSION + " and a count line");
      }
      int count = Integer.parseInt(lines.get(1).trim());
      if (count < 0 || lines.size() != 2 + count) {
        throw new IllegalArgumentException(
            "declares " + count + " entries but has " + (lines.size() - 2) + " lines");
      }
      List<EpochEntry> entries = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String line = lines.get(2 + i);
        String[] fields = line.trim().split("\\s+");
        if (fields.length != 2) {
          throw new IllegalArgumentException("expected 'epoch startOffset' in '" + line + "'");
        }
        entries.add(new EpochEntry(Integer.parseInt(fields[0]), Long.parseLong(fields[1])));
      }
      LeaderEpochCache.checkAscending(entries);
      return Optional.of(List.copyOf(entries));
    } catch (IllegalArgumentException e) { // also NumberFormatException
      throw new IllegalArgumentException(
          "Malformed leader-epoch checkpoint " + file + ": " + e.getMessage(), e);
    }
  }
}
