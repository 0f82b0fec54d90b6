package sluice.storage.log;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import sluice.storage.log.CheckpointFile.LineFormat;

/**
 * The {@code leader-epoch-checkpoint} file of a partition directory, in the text format of Kafka's
 * file of the same name: a {@link CheckpointFile} of entries, one value per whitespace-separated
 * field:
 *
 * <pre>
 * 0                     format version
 * n                     number of entries
 * epoch startOffset     n lines, ascending in both epoch and start offset
 * </pre>
 *
 * No checksum: a file that does not parse, or whose entries are not strictly ascending, is rebuilt
 * from the batch headers by {@link LogLoader}.
 */
final class LeaderEpochCheckpoint {
  static final String FILE_NAME = "leader-epoch-checkpoint";
  static final int VERSION = 0;

  private static final CheckpointFile<Void, EpochEntry> FILE =
      CheckpointFile.ofEntries(
          FILE_NAME,
          VERSION,
          LineFormat.of(
              entry -> entry.epoch() + " " + entry.startOffset(),
              line -> {
                String[] fields = line.split("\\s+");
                if (fields.length != 2) {
                  throw new IllegalArgumentException("expected 'epoch startOffset'");
                }
                return new EpochEntry(Integer.parseInt(fields[0]), Long.parseLong(fields[1]));
              }));

  private LeaderEpochCheckpoint() {}

  static Path file(Path dir) {
    return FILE.file(dir);
  }

  static void write(Path dir, List<EpochEntry> entries) {
    FILE.write(dir, null, entries);
  }

  /**
   * The entries stored in {@code dir}, or empty if there is no file.
   *
   * @throws CorruptCheckpointException if the file is malformed or its entries do not ascend,
   *     naming it and what is wrong
   */
  static Optional<List<EpochEntry>> read(Path dir) {
    Optional<List<EpochEntry>> entries = FILE.read(dir).map(CheckpointFile.Contents::entries);
    try {
      entries.ifPresent(LeaderEpochCache::checkAscending);
    } catch (IllegalArgumentException e) {
      throw new CorruptCheckpointException(file(dir), e.getMessage());
    }
    return entries;
  }
}
