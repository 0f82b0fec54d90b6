package sluice.storage.record;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks concatenated v2 batches, as found in a segment file or a fetch response. Each batch is a
 * {@link RecordBatch} sharing the buffer's bytes; nothing is validated beyond the length field
 * (call {@link RecordBatch#ensureValid()}). A partial trailing batch, as left by a torn write or a
 * size-limited read, ends the iteration silently. The buffer's position is not changed.
 */
public final class Batches {
  private Batches() {}

  /**
   * The batches from the buffer's position to its limit.
   *
   * @throws CorruptRecordException (from the iterator) if a length field is too small to be a
   *     batch, naming the position relative to the buffer's position
   */
  public static Iterable<RecordBatch> iterate(ByteBuffer buffer) {
    ByteBuffer bytes = buffer.slice();
    return () -> new BatchIterator(bytes);
  }

  private static final class BatchIterator implements Iterator<RecordBatch> {
    private final ByteBuffer bytes;
    private int position;

    BatchIterator(ByteBuffer bytes) {
      this.bytes = bytes;
    }

    @Override
    public boolean hasNext() {
      int remaining = bytes.limit() - position;
      if (remaining < RecordBatch.LOG_OVERHEAD) {
        return false;
      }
      int size = RecordBatch.sizeOfBatchAt(bytes, position);
      if (size < RecordBatch.HEADER_SIZE) {
        throw new CorruptRecordException(
            "Record batch at position "
                + position
                + " has length field "
                + bytes.getInt(position + RecordBatch.LENGTH_OFFSET)
                + ", below the minimum "
                + (RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD));
      }
      return size <= remaining;
    }

    @Override
    public RecordBatch next() {
      if (!hasNext()) {
        throw new NoSuchElementException("No whole batch at position " + position);
      }
      int size = RecordBatch.sizeOfBatchAt(bytes, position);
      RecordBatch batch = RecordBatch.wrap(bytes.slice(position, size));
      position += size;
      return batch;
    }
  }
}
