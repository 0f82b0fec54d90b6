package sluice.storage.log;

import java.util.ArrayDeque;

/**
 * Segments taken out of a log (by retention, truncation or compaction) but kept open until {@code
 * file.delete.delay.ms} has passed, so that a reader holding a {@link FetchSlice} of one finishes;
 * then closed, and their files deleted. A segment retention or truncation removed is renamed to
 * {@code .deleted} at once, so a crash meanwhile leaves nothing the log would load again ({@link
 * LogLoader} deletes such files); one that compaction replaced has no files left of its own (the
 * cleaned copy took its names) and is only closed.
 *
 * <p>Not thread-safe: the owning log calls it under its lock.
 */
final class RetiredSegments {
  static final String DELETED_SUFFIX = ".deleted";

  private final ArrayDeque<Retired> queue = new ArrayDeque<>();

  /** A removed segment kept open until {@code dueMs}; its files are deleted if it was renamed. */
  private record Retired(LogSegment segment, long dueMs, boolean deleteFiles) {}

  /** Renames a segment just removed from the log and deletes its files at {@code dueMs}. */
  void retire(LogSegment segment, long dueMs) {
    segment.renameFiles(DELETED_SUFFIX);
    queue.add(new Retired(segment, dueMs, true));
  }

  /** Closes a segment compaction replaced at {@code dueMs}; its file names are the copy's now. */
  void replaced(LogSegment segment, long dueMs) {
    queue.add(new Retired(segment, dueMs, false));
  }

  /** Closes (and deletes) the segments due at {@code now}. */
  void closeDue(long now) {
    while (!queue.isEmpty() && queue.peek().dueMs() <= now) {
      Retired retired = queue.poll();
      retired.segment().release();
      if (retired.deleteFiles()) {
        retired.segment().deleteFiles();
      }
    }
  }

  /** Closes (and deletes) every segment, due or not: the log is closing. */
  void closeAll() {
    closeDue(Long.MAX_VALUE);
  }
}
