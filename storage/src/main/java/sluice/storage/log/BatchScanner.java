package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;

/**
 * Walks the batches of a segment file between two positions with positional reads through a
 * read-ahead buffer, so small batches cost one read per buffer and large ones one read per header.
 * A batch that does not end before the end position (a torn write, or a concurrent append beyond
 * the snapshot) ends the walk. Not thread-safe; one scanner per walk.
 */
final class BatchScanner {
  private final FileChannel channel;
  private final Path file;
  private final long end;
  private ByteBuffer buffer;
  private long bufferStart;
  private long position;
  private long nextPosition;
  private BatchHeader header;

  /**
   * @param readAhead bytes read at once; at least a header
   */
  BatchScanner(FileChannel channel, Path file, long start, long end, int readAhead) {
    this.channel = channel;
    this.file = file;
    this.end = end;
    this.buffer = ByteBuffer.allocate(Math.max(readAhead, RecordBatch.HEADER_SIZE)).limit(0);
    this.nextPosition = start;
  }

  /**
   * Moves to the next whole batch.
   *
   * @return false at the end position or before a batch that does not end before it
   * @throws CorruptRecordException naming the file and position if a header is not a v2 header
   */
  boolean next() {
    position = nextPosition;
    header = null;
    if (end - position < RecordBatch.HEADER_SIZE) {
      return false;
    }
    fill(position, RecordBatch.HEADER_SIZE);
    BatchHeader parsed = BatchHeader.parse(buffer, (int) (position - bufferStart), file, position);
    if (position + parsed.sizeInBytes() > end) {
      return false;
    }
    header = parsed;
    nextPosition = position + parsed.sizeInBytes();
    return true;
  }

  /** The current batch's header. */
  BatchHeader header() {
    return header;
  }

  /** Position of the current batch, or where the walk stopped once {@link #next()} is false. */
  long position() {
    return position;
  }

  /** The whole current batch, read if it is not in the buffer. Valid until the next call. */
  ByteBuffer batchBytes() {
    int size = header.sizeInBytes();
    fill(position, size);
    int at = (int) (position - bufferStart);
    return buffer.slice(at, size);
  }

  private void fill(long at, int length) {
    if (at >= bufferStart && at + length <= bufferStart + buffer.limit()) {
      return;
    }
    if (buffer.capacity() < length) {
      buffer = ByteBuffer.allocate(length);
    }
    buffer.clear();
    buffer.limit((int) Math.min(buffer.capacity(), Math.max(length, end - at)));
    bufferStart = at;
    try {
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, at + buffer.position());
        if (read < 0) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + " at position " + at, e);
    }
    buffer.flip();
    if (buffer.limit() < length) {
      throw new CorruptRecordException(
          "File "
              + file
              + " ended at "
              + (at + buffer.limit())
              + " while reading "
              + length
              + " bytes at position "
              + at);
    }
  }
}
