package sluice.storage.log;

import java.util.List;

/**
 * Walks the batch headers of a snapshot of a log's segments ({@link
 * PartitionLog#batchHeadersFrom}), each with its sequence number: the segment's first sequence, +1
 * per batch, skipping those below the requested one. Reads stop at each segment's size and at the
 * last sequence of the snapshot, so batches appended meanwhile are not seen.
 *
 * <p>Usage: {@code while (cursor.next()) { cursor.sequence(); cursor.header(); }}. Not thread-safe;
 * one cursor per caller, from any thread.
 */
public final class BatchCursor {
  private final List<LogSegment> segments;
  private final List<Integer> sizes;
  private final long fromSequence;
  private final long lastSequence;
  private int index = -1;
  private BatchScanner scanner;
  private long nextSequence;
  private long sequence;
  private BatchHeader header;

  BatchCursor(List<LogSegment> segments, List<Integer> sizes, long from, long last) {
    this.segments = segments;
    this.sizes = sizes;
    this.fromSequence = from;
    this.lastSequence = last;
  }

  /**
   * Moves to the next batch.
   *
   * @return false after the last batch of the snapshot
   * @throws sluice.storage.record.CorruptRecordException naming the file and position if a header
   *     is not a v2 header
   */
  public boolean next() {
    header = null;
    while (nextSequence <= lastSequence) {
      if (scanner != null && scanner.next()) {
        long current = nextSequence++;
        if (current >= fromSequence) {
          sequence = current;
          header = scanner.header();
          return true;
        }
      } else if (index + 1 < segments.size()) {
        index++;
        LogSegment segment = segments.get(index);
        scanner = segment.scan(0, sizes.get(index));
        nextSequence = segment.firstSequence();
      } else {
        return false;
      }
    }
    return false;
  }

  /** The sequence number of the current batch. */
  public long sequence() {
    requireCurrent();
    return sequence;
  }

  /** The header of the current batch. */
  public BatchHeader header() {
    requireCurrent();
    return header;
  }

  private void requireCurrent() {
    if (header == null) {
      throw new IllegalStateException(
          "No current batch: next() was not called or returned false (requested from sequence "
              + fromSequence
              + ", last sequence "
              + lastSequence
              + ")");
    }
  }
}
