package sluice.storage.log;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import sluice.storage.log.CheckpointFile.LineFormat;

/**
 * What a partition directory remembers besides its segments, in {@code partition.checkpoint}: the
 * recovery point and the batch sequence of each segment's first batch. A {@link CheckpointFile}
 * with a header line, one value per whitespace-separated field:
 *
 * <pre>
 * 0                                   format version
 * recoveryPoint recoverySequence      everything below recoveryPoint is fsynced; recoverySequence
 *                                     is the sequence of the last batch below it (0 if none)
 * n                                   number of segment lines
 * baseOffset firstSequence            n lines, one per segment, ascending
 * </pre>
 *
 * Lines for segments that no longer exist are ignored on load; a segment without a line gets its
 * first sequence by counting the batches of the one before it. Immutable.
 */
record PartitionCheckpoint(
    long recoveryPoint, long recoverySequence, Map<Long, Long> firstSequences) {
  static final String FILE_NAME = "partition.checkpoint";
  static final int VERSION = 0;

  private static final CheckpointFile<long[], Map.Entry<Long, Long>> FILE =
      CheckpointFile.of(
          FILE_NAME,
          VERSION,
          LineFormat.of(
              recovery -> recovery[0] + " " + recovery[1],
              line -> {
                long[] recovery = CheckpointFile.numbers(line, 2);
                if (recovery[0] < 0 || recovery[1] < 0) {
                  throw new IllegalArgumentException("a negative recovery point or sequence");
                }
                return recovery;
              }),
          LineFormat.of(
              segment -> segment.getKey() + " " + segment.getValue(),
              line -> {
                long[] segment = CheckpointFile.numbers(line, 2);
                if (segment[0] < 0 || segment[1] < 1) {
                  throw new IllegalArgumentException(
                      "a negative base offset or a first sequence below 1");
                }
                return Map.entry(segment[0], segment[1]);
              }));

  PartitionCheckpoint {
    firstSequences = Map.copyOf(firstSequences);
  }

  static Path file(Path dir) {
    return FILE.file(dir);
  }

  /** The segments' first sequences, ascending by base offset. */
  TreeMap<Long, Long> sortedFirstSequences() {
    return new TreeMap<>(firstSequences);
  }

  void write(Path dir) {
    FILE.write(
        dir,
        new long[] {recoveryPoint, recoverySequence},
        sortedFirstSequences().entrySet().stream().toList());
  }

  /**
   * The checkpoint in {@code dir}, or empty if there is none.
   *
   * @throws CorruptCheckpointException if the file is malformed, naming it and what is wrong
   */
  static Optional<PartitionCheckpoint> read(Path dir) {
    return FILE.read(dir)
        .map(
            contents -> {
              var sequences = new TreeMap<Long, Long>();
              contents.entries().forEach(e -> sequences.put(e.getKey(), e.getValue()));
              long[] recovery = contents.header();
              return new PartitionCheckpoint(recovery[0], recovery[1], sequences);
            });
  }
}
