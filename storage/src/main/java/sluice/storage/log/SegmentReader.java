package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.OptionalLong;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;

/**
 * Finds and reads batches in one segment: the fetch read (whole batches from an offset), the first
 * record at a timestamp, and where a batch boundary is. Each looks up the closest index entry and
 * reads batch headers from there; the caller passes the segment's size, read before anything else,
 * so only whole batches are seen.
 *
 * <p>Thread-safety: safe from any thread alongside the segment's writer, without a lock.
 */
final class SegmentReader {
  /**
   * One batch header per reading thread: a fetch reads just the headers it needs into it, so the
   * read path allocates nothing but its {@link FetchSlice}.
   */
  private static final ThreadLocal<ByteBuffer> READ_HEADER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(RecordBatch.HEADER_SIZE));

  private final long baseOffset;
  private final SegmentFile file;
  private final SegmentIndexes indexes;

  SegmentReader(long baseOffset, SegmentFile file, SegmentIndexes indexes) {
    this.baseOffset = baseOffset;
    this.file = file;
    this.indexes = indexes;
  }

  /**
   * Whole batches, among the first {@code end} bytes, from the one holding {@code offset}: at least
   * one if its last offset is below {@code maxOffsetExclusive}, then more while they fit in {@code
   * maxBytes} and stay below it.
   *
   * <p>Cost: the offset index gives the start (with an entry per batch, as when batches exceed
   * {@code index.interval.bytes}, one header read finds it) and jumps over every indexed batch that
   * certainly fits; headers are read one at a time ({@value RecordBatch#HEADER_SIZE} bytes, into a
   * per-thread buffer) only for the batches after the last such entry. A corrupt header after the
   * first batch ends the slice; a read starting there reports it.
   *
   * @return null if no batch in those bytes ends at or after {@code offset}
   */
  FetchSlice read(int end, long offset, int maxBytes, long maxOffsetExclusive) {
    OffsetIndex offsetIndex = indexes.offsetIndex();
    int entries = offsetIndex.entries();
    ByteBuffer header = READ_HEADER.get();
    long start = locate(offset, end, entries, header);
    if (start < 0) {
      return null;
    }
    if (lastOffsetOf(header) >= maxOffsetExclusive) {
      return new FetchSlice(file.channel(), start, 0);
    }
    long stop = start + sizeOf(header);
    long limit = Math.min(end, start + Math.max(maxBytes, 0));
    int jump =
        Math.min(
            offsetIndex.slotAtMostPosition(entries, limit),
            offsetIndex.slotAtMostOffset(entries, maxOffsetExclusive - 1));
    if (jump >= 0 && offsetIndex.positionAt(jump) > stop) {
      // every batch before the entry's ends by its position (<= limit) and below its offset
      stop = offsetIndex.positionAt(jump);
    }
    while (limit - stop >= RecordBatch.HEADER_SIZE) {
      try {
        readHeader(stop, header);
      } catch (CorruptRecordException e) {
        break;
      }
      int batchSize = sizeOf(header);
      if (lastOffsetOf(header) >= maxOffsetExclusive || stop + batchSize > limit) {
        break;
      }
      stop += batchSize;
    }
    return new FetchSlice(file.channel(), start, (int) (stop - start));
  }

  /**
   * The position of the batch holding {@code offset} (or the first after it) among the whole
   * batches in the first {@code end} bytes, with its header in {@code header}; -1 if there is none.
   * The index entry after the last one below {@code offset} points at a batch ending at or after
   * it: if that batch starts at or before {@code offset}, it is the one; otherwise the batches
   * between the two entries are walked.
   */
  private long locate(long offset, int end, int entries, ByteBuffer header) {
    OffsetIndex offsetIndex = indexes.offsetIndex();
    long position = 0;
    if (offset > baseOffset) {
      int below = offsetIndex.slotAtMostOffset(entries, offset - 1);
      if (below + 1 < entries) {
        int candidate = offsetIndex.positionAt(below + 1);
        if (candidate + (long) RecordBatch.HEADER_SIZE <= end
            && readHeaderOrFalse(candidate, header)
            && header.getLong(RecordBatch.BASE_OFFSET_OFFSET) <= offset) {
          return candidate + (long) sizeOf(header) <= end ? candidate : -1;
        }
      }
      position = below < 0 ? 0 : offsetIndex.positionAt(below);
    }
    while (end - position >= RecordBatch.HEADER_SIZE) {
      readHeader(position, header);
      long next = position + sizeOf(header);
      if (next > end) {
        return -1;
      }
      if (lastOffsetOf(header) >= offset) {
        return position;
      }
      position = next;
    }
    return -1;
  }

  private boolean readHeaderOrFalse(long position, ByteBuffer header) {
    try {
      readHeader(position, header);
      return true;
    } catch (CorruptRecordException e) {
      return false;
    }
  }

  /** Reads and checks the batch header at {@code position} into {@code header}. */
  private void readHeader(long position, ByteBuffer header) {
    header.clear();
    try {
      while (header.hasRemaining()) {
        if (file.channel().read(header, position + header.position()) < 0) {
          throw new CorruptRecordException(
              "File "
                  + file.path()
                  + " ended at "
                  + (position + header.position())
                  + " while reading a batch header at position "
                  + position);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file.path() + " at position " + position, e);
    }
    BatchHeader.check(header, 0, file.path(), position);
  }

  private static int sizeOf(ByteBuffer header) {
    return RecordBatch.LOG_OVERHEAD + header.getInt(RecordBatch.LENGTH_OFFSET);
  }

  private static long lastOffsetOf(ByteBuffer header) {
    return header.getLong(RecordBatch.BASE_OFFSET_OFFSET)
        + header.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET);
  }

  /**
   * The first offset, among the whole batches in the first {@code end} bytes, holding a record with
   * a timestamp at or above {@code timestamp}: from the time index entry before it, a header scan
   * to the first batch whose max timestamp reaches it, then a decode of that batch's records.
   */
  OptionalLong findOffsetByTimestamp(int end, long timestamp) {
    if (indexes.maxTimestamp() < timestamp) {
      return OptionalLong.empty();
    }
    TimeIndex.Entry before = indexes.timeIndex().lookupBefore(timestamp);
    int start =
        before.timestamp() < 0 ? 0 : indexes.offsetIndex().lookup(before.offset()).position();
    var scanner = file.scan(start, end);
    while (scanner.next()) {
      if (scanner.header().maxTimestamp() >= timestamp) {
        for (Record record : RecordBatch.wrap(scanner.batchBytes()).records()) {
          if (record.timestamp() >= timestamp) {
            return OptionalLong.of(record.offset());
          }
        }
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The batch holding {@code offset}, or the first after it, among the first {@code end} bytes.
   *
   * @return the scanner positioned on that batch, or null if no batch ends at or after {@code
   *     offset}
   */
  BatchScanner seek(long offset, long end) {
    int start = offset <= baseOffset ? 0 : indexes.offsetIndex().lookup(offset - 1).position();
    var scanner = file.scan(start, end);
    while (scanner.next()) {
      if (scanner.header().lastOffset() >= offset) {
        return scanner;
      }
    }
    return null;
  }

  /**
   * The position of the batch whose base offset is exactly {@code offset}, {@code size} if the
   * first {@code size} bytes end exactly before it, or -1 if no batch boundary is there.
   */
  int positionOfBoundary(int size, long offset) {
    if (offset == baseOffset) {
      return 0;
    }
    int start = indexes.offsetIndex().lookup(offset - 1).position();
    var scanner = file.scan(start, size);
    long expectedNext = -1;
    while (scanner.next()) {
      BatchHeader header = scanner.header();
      if (header.baseOffset() == offset) {
        return (int) scanner.position();
      }
      if (header.baseOffset() > offset) {
        return -1;
      }
      expectedNext = header.nextOffset();
    }
    return expectedNext == offset && scanner.position() == size ? size : -1;
  }
}
