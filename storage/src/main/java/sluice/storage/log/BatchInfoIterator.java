package sluice.storage.log;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Walks batch headers across a snapshot of segments for {@link PartitionLog#batchInfosFrom},
 * numbering them from each segment's first sequence and skipping those below the requested one.
 * Reads stop at each segment's size and at the last sequence of the snapshot, so batches appended
 * meanwhile are not seen. Not thread-safe; one iterator per caller.
 */
final class BatchInfoIterator implements Iterator<BatchInfo> {
  private final List<LogSegment> segments;
  private final List<Integer> sizes;
  private final long fromSequence;
  private final long lastSequence;
  private int index = -1;
  private BatchScanner scanner;
  private long sequence;
  private BatchInfo next;

  BatchInfoIterator(List<LogSegment> segments, List<Integer> sizes, long from, long last) {
    this.segments = segments;
    this.sizes = sizes;
    this.fromSequence = from;
    this.lastSequence = last;
  }

  @Override
  public boolean hasNext() {
    while (next == null) {
      if (scanner != null && sequence <= lastSequence && scanner.next()) {
        long current = sequence++;
        if (current >= fromSequence) {
          next = scanner.header().toInfo(current);
        }
      } else if (index + 1 < segments.size() && sequence <= lastSequence) {
        index++;
        LogSegment segment = segments.get(index);
        scanner = segment.scan(0, sizes.get(index));
        sequence = segment.firstSequence();
      } else {
        return false;
      }
    }
    return true;
  }

  @Override
  public BatchInfo next() {
    if (!hasNext()) {
      throw new NoSuchElementException("No batch after sequence " + (sequence - 1));
    }
    BatchInfo result = next;
    next = null;
    return result;
  }
}
