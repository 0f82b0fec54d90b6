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
import sluice.storage.record.RecordBatch;

/**
 * What one v2 batch says about itself in its fixed 61-byte header (layout in {@link
 * sluice.storage.record.RecordBatch}), read without touching the records: its offsets, leader
 * epoch, max timestamp, producer fields, record count and size. The one description of a batch the
 * log, its readers ({@link PartitionLog#batchHeadersFrom}) and the partition's state machine share;
 * the batch's sequence number in the log is not in the bytes, so it is not here ({@link
 * BatchCursor#sequence()} tells it). {@link #parse} checks what a reader must trust to walk a file:
 * the magic byte, a length that covers the header and a non-negative offset delta and record count.
 * The CRC is checked only by recovery.
 *
 * @param lastOffset the batch's base offset plus its last offset delta
 * @param sizeInBytes the whole batch, log overhead included
 */
public record BatchHeader(
    long baseOffset,
    long lastOffset,
    int partitionLeaderEpoch,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int recordCount,
    int sizeInBytes) {

  /** The offset right after the batch. */
  public long nextOffset() {
    return lastOffset + 1;
  }

  /** The header of a whole batch held in memory. */
  public static BatchHeader of(RecordBatch batch) {
    return new BatchHeader(
        batch.baseOffset(),
        batch.lastOffset(),
        batch.partitionLeaderEpoch(),
        batch.maxTimestamp(),
        batch.producerId(),
        batch.producerEpoch(),
        batch.baseSequence(),
        batch.recordCount(),
        batch.sizeInBytes());
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
    long baseOffset = buffer.getLong(at + BASE_OFFSET_OFFSET);
    return new BatchHeader(
        baseOffset,
        baseOffset + buffer.getInt(at + LAST_OFFSET_DELTA_OFFSET),
        buffer.getInt(at + PARTITION_LEADER_EPOCH_OFFSET),
        buffer.getLong(at + MAX_TIMESTAMP_OFFSET),
        buffer.getLong(at + PRODUCER_ID_OFFSET),
        buffer.getShort(at + PRODUCER_EPOCH_OFFSET),
        buffer.getInt(at + BASE_SEQUENCE_OFFSET),
        buffer.getInt(at + RECORDS_COUNT_OFFSET),
        LOG_OVERHEAD + buffer.getInt(at + LENGTH_OFFSET));
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
