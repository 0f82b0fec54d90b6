package sluice.storage.log;

import java.util.List;

/**
 * What {@link PartitionLog#open} found and repaired.
 *
 * @param segments segments loaded
 * @param batchesChecked batches whose CRC and lengths were checked (those after the recovery point)
 * @param bytesTruncated bytes removed: torn tails, corrupt batches and everything after them
 * @param indexesRebuilt segments whose index files were missing or corrupt and were rebuilt
 * @param problems one line per repair, naming the file and position
 */
public record RecoveryReport(
    int segments,
    int batchesChecked,
    long bytesTruncated,
    int indexesRebuilt,
    List<String> problems) {
  public RecoveryReport {
    problems = List.copyOf(problems);
  }

  /** True if nothing had to be truncated or rebuilt. */
  public boolean clean() {
    return bytesTruncated == 0 && indexesRebuilt == 0 && problems.isEmpty();
  }
}
