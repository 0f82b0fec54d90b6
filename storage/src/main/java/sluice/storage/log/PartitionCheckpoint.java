package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a partition directory remembers besides its segments, in {@code partition.checkpoint}: the
 * recovery point and the batch sequence of each segment's first batch. A small text file in the
 * manner of Kafka's checkpoint files, one value per whitespace-separated field:
 *
 * <pre>
 * 0                                   format version
 * recoveryPoint recoverySequence      everything below recoveryPoint is fsynced; recoverySequence
 *                                     is the sequence of the last batch below it (0 if none)
 * n                                   number of segment lines
 * baseOffset firstSequence            n lines, one per segment, ascending
 * </pre>
 *
 * Written whole and atomically ({@link Fs#writeAtomically}): after a crash the file is the old or
 * the new version, never a mix. Lines for segments that no longer exist are ignored on load; a
 * segment without a line gets its first sequence by counting the batches of the one before it.
 * Immutable.
 */
record PartitionCheckpoint(
    long recoveryPoint, long recoverySequence, Map<Long, Long> firstSequences) {
  static final String FILE_NAME = "partition.checkpoint";
  static final int VERSION = 0;

  PartitionCheckpoint {
    firstSequences = Map.copyOf(firstSequences);
  }

  static Path file(Path dir) {
    return dir.resolve(FILE_NAME);
  }

  /** The segments' first sequences, ascending by base offset. */
  TreeMap<Long, Long> sortedFirstSequences() {
    return new TreeMap<>(firstSequences);
  }

  void write(Path dir) {
    var text = new StringBuilder();
    text.append(VERSION).append('\n');
    text.append(recoveryPoint).append(' ').append(recoverySequence).append('\n');
    TreeMap<Long, Long> sorted = sortedFirstSequences();
    text.append(sorted.size()).append('\n');
    sorted.forEach((base, sequence) -> text.append(base).append(' ').append(sequence).append('\n'));
    Fs.writeAtomically(file(dir), text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The checkpoint in {@code dir}, or empty if there is none.
   *
   * @throws IllegalArgumentException if the file is malformed, naming it and what is wrong
   */
  static Optional<PartitionCheckpoint> read(Path dir) {
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
      if (lines.size() < 3 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
        throw new IllegalArgumentException("expected version " + VERSION + " and 3 header lines");
      }
      long[] recovery = parsePair(lines.get(1));
      int count = Integer.parseInt(lines.get(2).trim());
      if (count < 0 || lines.size() != 3 + count) {
        throw new IllegalArgumentException(
            "declares " + count + " segments but has " + (lines.size() - 3) + " lines");
      }
      var sequences = new TreeMap<Long, Long>();
      for (int i = 0; i < count; i++) {
        long[] pair = parsePair(lines.get(3 + i));
        if (pair[0] < 0 || pair[1] < 1) {
          throw new IllegalArgumentException("bad segment line '" + lines.get(3 + i) + "'");
        }
        sequences.put(pair[0], pair[1]);
      }
      if (recovery[0] < 0 || recovery[1] < 0) {
        throw new IllegalArgumentException("bad recovery line '" + lines.get(1) + "'");
      }
      return Optional.of(new PartitionCheckpoint(recovery[0], recovery[1], sequences));
    } catch (IllegalArgumentException e) { // also NumberFormatException
      throw new IllegalArgumentException("Malformed checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  private static long[] parsePair(String line) {
    String[] fields = line.trim().split("\\s+");
    if (fields.length != 2) {
      throw new IllegalArgumentException("expected two numbers in '" + line + "'");
    }
    return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
  }
}
