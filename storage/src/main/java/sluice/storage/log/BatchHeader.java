package sluice.storage.log;

import static sluice.storage.record.RecordBatch.BASE_OFFSET_OFFSET;
import static sluice.storage.record.RecordBatch.BASE_SEQUENCE_OFFSET;
import static sluice.storage.record.RecordBatch.HEADER_SIZE;
import static sluice.storage.record.RecordBatch.LAST_OFFSET_DELTA_OFFSET;
import static sluice.storage.record.RecordBatch.LENGTH_OFFSET;
import static sluice.storage.record.RecordBatch.LOG_OVERHEAD;
import static sluice.storage.record.RecordBatch.MAGIC;
import static sluice.storage.record.RecordBatch.MAGIC_OFFSET;
import static sluice.storage.record.RecordBatch.MAX_TIMESTAMP_OFFSET;
import static sluice.storage.record.RecordBatch.PARTITION_LEADER_EPOCH_OFFSET;
import static sluice.storage.record.RecordBatch.PRODUCER_EPOCH_OFFSET;
import static sluice.storage.record.RecordBatch.PRODUCER_ID_OFFSET;
import static sluice.storage.record.RecordBatch.RECORDS_COUNT_OFFSET;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import sluice.storage.record.CorruptRecordException;

/**
 * The fixed 61-byte header of a v2 batch as found in a segment file (layout in {@link
 * sluice.storage.record.RecordBatch}), read without touching the records. {@link #parse} checks
 * what a reader must trust to walk the file: the magic byte, a length that covers the header and a
 * non-negative offset delta and record count. The CRC is checked only by recovery.
 */
record BatchHeader(
    long baseOffset,
    int sizeInBytes,
    int partitionLeaderEpoch,
    int lastOffsetDelta,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int recordCount) {

  long lastOffset() {
    return baseOffset + lastOffsetDelta;
  }

  long nextOffset() {
    return lastOffset() + 1;
  }

  BatchInfo toInfo(long sequence) {
    return new BatchInfo(
        sequence,
        baseOffset,
        lastOffset(),
        partitionLeaderEpoch,
        maxTimestamp,
        producerId,
        producerEpoch,
        baseSequence,
        recordCount,
        sizeInBytes);
  }

  /**
   * Parses the header at {@code at} in {@code buffer}, which must hold {@link
   * sluice.storage.record.RecordBatch#HEADER_SIZE} bytes from there.
   *
   * @throws CorruptRecordException naming {@code file} and {@code filePosition} if the header
   *     cannot be a v2 batch
   */
  static BatchHeader parse(ByteBuffer buffer, int at, Path file, long filePosition) {
    check(buffer, at, file, filePosition);
    return new BatchHeader(
        buffer.getLong(at + BASE_OFFSET_OFFSET),
        LOG_OVERHEAD + buffer.getInt(at + LENGTH_OFFSET),
        buffer.getInt(at + PARTITION_LEADER_EPOCH_OFFSET),
        buffer.getInt(at + LAST_OFFSET_DELTA_OFFSET),
        buffer.getLong(at + MAX_TIMESTAMP_OFFSET),
        buffer.getLong(at + PRODUCER_ID_OFFSET),
        buffer.getShort(at + PRODUCER_EPOCH_OFFSET),
        buffer.getInt(at + BASE_SEQUENCE_OFFSET),
        buffer.getInt(at + RECORDS_COUNT_OFFSET));
  }

  /**
   * Checks the header at {@code at} in {@code buffer} as {@link #parse} does, without creating
   * anything: afterwards {@code LOG_OVERHEAD + length} is the batch size and {@code baseOffset +
   * lastOffsetDelta} its last offset.
   *
   * @throws CorruptRecordException naming {@code file} and {@code filePosition} if the header
   *     cannot be a v2 batch
   */
  static void check(ByteBuffer buffer, int at, Path file, long filePosition) {
    byte magic = buffer.get(at + MAGIC_OFFSET);
    long size = (long) LOG_OVERHEAD + buffer.getInt(at + LENGTH_OFFSET);
    int lastOffsetDelta = buffer.getInt(at + LAST_OFFSET_DELTA_OFFSET);
    int recordCount = buffer.getInt(at + RECORDS_COUNT_OFFSET);
    long baseOffset = buffer.getLong(at + BASE_OFFSET_OFFSET);
    String problem = null;
    if (magic != MAGIC) {
      problem = "magic byte " + magic + " (expected " + MAGIC + ")";
    } else if (size < HEADER_SIZE || size > Integer.MAX_VALUE) {
      problem = "batch size " + size + " below the " + HEADER_SIZE + "-byte header or too large";
    } else if (lastOffsetDelta < 0 || recordCount < 0 || baseOffset < 0) {
      problem =
          "base offset "
              + baseOffset
              + ", last offset delta "
              + lastOffsetDelta
              + ", record count "
              + recordCount;
    }
    if (problem != null) {
      throw new CorruptRecordException(
          "Corrupt batch header in " + file + " at position " + filePosition + ": " + problem);
    }
  }
}
