package sluice.storage.record;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A view over a buffer holding exactly one Kafka v2 record batch (magic 2). All integers are
 * big-endian; the fixed header is 61 bytes:
 *
 * <pre>
 * offset size field
 *      0    8 base offset             offset of the first record; the leader assigns it
 *      8    4 batch length            bytes after this field (total size - 12)
 *     12    4 partition leader epoch  epoch of the leader that appended the batch, -1 if none
 *     16    1 magic                   always 2
 *     17    4 CRC                     CRC32C (Castagnoli) over bytes 21..end, stored unsigned
 *     21    2 attributes              bits 0-2 compression codec ({@link CompressionType} id),
 *                                     bit 3 timestamp type (1 = log append time),
 *                                     bit 4 transactional, bit 5 control batch,
 *                                     bit 6 base timestamp holds the compaction delete horizon
 *     23    4 last offset delta       last offset - base offset (kept when compaction removes
 *                                     records, so an emptied batch keeps its offset range)
 *     27    8 base timestamp          timestamp deltas of the records are relative to it
 *     35    8 max timestamp           largest record timestamp, or the log append time
 *     43    8 producer id             -1 if not idempotent
 *     51    2 producer epoch          -1 if not idempotent
 *     53    4 base sequence           -1 if not idempotent
 *     57    4 record count
 *     61    - records                 compressed as one stream when the codec is not NONE
 * </pre>
 *
 * Each record is written with zig-zag varints ({@link Varints}):
 *
 * <pre>
 * length: varint          bytes of the record after this field
 * attributes: int8        unused, 0
 * timestampDelta: varlong timestamp - base timestamp
 * offsetDelta: varint     offset - base offset
 * keyLength: varint       -1 for a null key
 * key: byte[keyLength]
 * valueLength: varint     -1 for a null value (a tombstone)
 * value: byte[valueLength]
 * headerCount: varint
 * headers:                per header: keyLength varint, UTF-8 key (never null),
 *                         valueLength varint (-1 for null), value bytes
 * </pre>
 *
 * <p>The base offset, batch length, leader epoch and magic lie outside the CRC, so the leader can
 * assign offsets and its epoch without recomputing it ({@link #setBaseOffset}, {@link
 * #setPartitionLeaderEpoch}); a flipped bit there is not detected by {@link #ensureValid()}.
 *
 * <p>The view shares the wrapped bytes: the mutators write through to them. Compressed records stay
 * compressed until {@link #records()} decodes them. {@link #wrap} checks only that the length field
 * fits the buffer; call {@link #ensureValid()} before trusting anything else. Not thread-safe while
 * being mutated; reads of an unchanging batch are safe from any thread.
 */
public final class RecordBatch {
  public static final int BASE_OFFSET_OFFSET = 0;
  public static final int LENGTH_OFFSET = BASE_OFFSET_OFFSET + Long.BYTES;
  public static final int PARTITION_LEADER_EPOCH_OFFSET = LENGTH_OFFSET + Integer.BYTES;
  public static final int MAGIC_OFFSET = PARTITION_LEADER_EPOCH_OFFSET + Integer.BYTES;
  public static final int CRC_OFFSET = MAGIC_OFFSET + Byte.BYTES;
  public static final int ATTRIBUTES_OFFSET = CRC_OFFSET + Integer.BYTES;
  public static final int LAST_OFFSET_DELTA_OFFSET = ATTRIBUTES_OFFSET + Short.BYTES;
  public static final int BASE_TIMESTAMP_OFFSET = LAST_OFFSET_DELTA_OFFSET + Integer.BYTES;
  public static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + Long.BYTES;
  public static final int PRODUCER_ID_OFFSET = MAX_TIMESTAMP_OFFSET + Long.BYTES;
  public static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + Long.BYTES;
  public static final int BASE_SEQUENCE_OFFSET = PRODUCER_EPOCH_OFFSET + Short.BYTES;
  public static final int RECORDS_COUNT_OFFSET = BASE_SEQUENCE_OFFSET + Integer.BYTES;
  public static final int RECORDS_OFFSET = RECORDS_COUNT_OFFSET + Integer.BYTES;

  /** Bytes before the batch length's coverage starts: base offset and length (12). */
  public static final int LOG_OVERHEAD = PARTITION_LEADER_EPOCH_OFFSET;

  /** Size of the fixed header, and of a batch without records (61). */
  public static final int HEADER_SIZE = RECORDS_OFFSET;

  public static final byte MAGIC = 2;
  public static final long NO_TIMESTAMP = -1L;
  public static final long NO_PRODUCER_ID = -1L;
  public static final short NO_PRODUCER_EPOCH = -1;
  public static final int NO_SEQUENCE = -1;
  public static final int NO_PARTITION_LEADER_EPOCH = -1;

  static final int COMPRESSION_CODEC_MASK = 0x07;
  static final int TIMESTAMP_TYPE_MASK = 0x08;
  static final int TRANSACTIONAL_MASK = 0x10;
  static final int CONTROL_MASK = 0x20;

  private final ByteBuffer buffer;

  private RecordBatch(ByteBuffer buffer) {
    this.buffer = buffer;
  }

  /**
   * A view over the bytes from the buffer's position to its limit, which must be exactly one batch.
   * The buffer's position is not changed.
   *
   * @throws CorruptRecordException if the bytes are shorter than a header or than the batch length
   *     field says
   * @throws IllegalArgumentException if bytes follow the batch
   */
  public static RecordBatch wrap(ByteBuffer buffer) {
    ByteBuffer bytes = buffer.slice();
    if (bytes.remaining() < HEADER_SIZE) {
      throw new CorruptRecordException(
          "Record batch of "
              + bytes.remaining()
              + " bytes is shorter than the "
              + HEADER_SIZE
              + "-byte v2 batch header");
    }
    int size = sizeOfBatchAt(bytes, 0);
    if (size < HEADER_SIZE) {
      throw new CorruptRecordException(
          "Record batch length field "
              + bytes.getInt(LENGTH_OFFSET)
              + " gives a batch size below the "
              + HEADER_SIZE
              + "-byte header");
    }
    if (size > bytes.remaining()) {
      throw new CorruptRecordException(
          "Record batch is truncated: its length field says "
              + size
              + " bytes but only "
              + bytes.remaining()
              + " are present");
    }
    if (size < bytes.remaining()) {
      throw new IllegalArgumentException(
          "Buffer holds "
              + bytes.remaining()
              + " bytes but the batch is "
              + size
              + "; use Batches.iterate for concatenated batches");
    }
    return new RecordBatch(bytes);
  }

  /** Total batch size implied by the length field at {@code position}, as a long-safe int. */
  static int sizeOfBatchAt(ByteBuffer bytes, int position) {
    long size = (long) LOG_OVERHEAD + bytes.getInt(position + LENGTH_OFFSET);
    return size > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) size;
  }

  public long baseOffset() {
    return buffer.getLong(BASE_OFFSET_OFFSET);
  }

  public long lastOffset() {
    return baseOffset() + lastOffsetDelta();
  }

  public int lastOffsetDelta() {
    return buffer.getInt(LAST_OFFSET_DELTA_OFFSET);
  }

  /** The next offset after this batch. */
  public long nextOffset() {
    return lastOffset() + 1;
  }

  public int sizeInBytes() {
    return buffer.limit();
  }

  public int partitionLeaderEpoch() {
    return buffer.getInt(PARTITION_LEADER_EPOCH_OFFSET);
  }

  public byte magic() {
    return buffer.get(MAGIC_OFFSET);
  }

  /** The stored CRC32C, unsigned. */
  public long checksum() {
    return Integer.toUnsignedLong(buffer.getInt(CRC_OFFSET));
  }

  /** The CRC32C of the bytes from the attributes to the end of the batch. */
  public long computeChecksum() {
    return crc32c(buffer);
  }

  public boolean isValid() {
    return magic() == MAGIC && checksum() == computeChecksum();
  }

  /**
   * Checks the magic byte and the CRC.
   *
   * @throws CorruptRecordException naming the mismatch and the batch's base offset
   */
  public void ensureValid() {
    if (magic() != MAGIC) {
      throw new CorruptRecordException(
          "Record batch at base offset "
              + baseOffset()
              + " has magic byte "
              + magic()
              + "; only magic "
              + MAGIC
              + " (Kafka v2 batches) is supported");
    }
    long stored = checksum();
    long computed = computeChecksum();
    if (stored != computed) {
      throw new CorruptRecordException(
          String.format(
              "Record batch at base offset %d (%d bytes) is corrupt: stored CRC32C 0x%08x,"
                  + " computed 0x%08x",
              baseOffset(), sizeInBytes(), stored, computed));
    }
  }

  /**
   * @throws CorruptRecordException if the codec bits hold 5, 6 or 7
   */
  public CompressionType compressionType() {
    int id = attributes() & COMPRESSION_CODEC_MASK;
    try {
      return CompressionType.forId(id);
    } catch (IllegalArgumentException e) {
      throw new CorruptRecordException(
          "Record batch at base offset " + baseOffset() + ": " + e.getMessage(), e);
    }
  }

  public TimestampType timestampType() {
    return (attributes() & TIMESTAMP_TYPE_MASK) == 0
        ? TimestampType.CREATE_TIME
        : TimestampType.LOG_APPEND_TIME;
  }

  public boolean isTransactional() {
    return (attributes() & TRANSACTIONAL_MASK) != 0;
  }

  public boolean isControl() {
    return (attributes() & CONTROL_MASK) != 0;
  }

  public long baseTimestamp() {
    return buffer.getLong(BASE_TIMESTAMP_OFFSET);
  }

  public long maxTimestamp() {
    return buffer.getLong(MAX_TIMESTAMP_OFFSET);
  }

  public long producerId() {
    return buffer.getLong(PRODUCER_ID_OFFSET);
  }

  public short producerEpoch() {
    return buffer.getShort(PRODUCER_EPOCH_OFFSET);
  }

  public int baseSequence() {
    return buffer.getInt(BASE_SEQUENCE_OFFSET);
  }

  public int recordCount() {
    return buffer.getInt(RECORDS_COUNT_OFFSET);
  }

  /** Sets the base offset; outside the CRC, so the checksum stays valid. */
  public void setBaseOffset(long baseOffset) {
    buffer.putLong(BASE_OFFSET_OFFSET, baseOffset);
  }

  /** Sets the partition leader epoch; outside the CRC, so the checksum stays valid. */
  public void setPartitionLeaderEpoch(int epoch) {
    buffer.putInt(PARTITION_LEADER_EPOCH_OFFSET, epoch);
  }

  /**
   * Sets the idempotent producer's id, epoch and the batch's base sequence, and recomputes the CRC
   * (the three lie inside it): a producer sends one planned batch under another epoch or sequence
   * without building it again.
   */
  public void setProducer(long producerId, short producerEpoch, int baseSequence) {
    buffer.putLong(PRODUCER_ID_OFFSET, producerId);
    buffer.putShort(PRODUCER_EPOCH_OFFSET, producerEpoch);
    buffer.putInt(BASE_SEQUENCE_OFFSET, baseSequence);
    buffer.putInt(CRC_OFFSET, (int) computeChecksum());
  }

  /**
   * Marks the batch as {@link TimestampType#LOG_APPEND_TIME} with this max timestamp, which every
   * record then reports, and recomputes the CRC. Record timestamps are left as written.
   */
  public void setLogAppendTime(long logAppendTime) {
    if (timestampType() == TimestampType.LOG_APPEND_TIME && maxTimestamp() == logAppendTime) {
      return;
    }
    buffer.putShort(ATTRIBUTES_OFFSET, (short) (attributes() | TIMESTAMP_TYPE_MASK));
    buffer.putLong(MAX_TIMESTAMP_OFFSET, logAppendTime);
    buffer.putInt(CRC_OFFSET, (int) computeChecksum());
  }

  /**
   * Decodes the records, decompressing them first if needed. Offsets are absolute; in a {@link
   * TimestampType#LOG_APPEND_TIME} batch every record reports the batch's max timestamp. Does not
   * check the CRC (see {@link #ensureValid()}).
   *
   * @throws CorruptRecordException if the records do not decode or their count differs from the
   *     header's
   */
  public List<Record> records() {
    int count = recordCount();
    if (count < 0) {
      throw corrupt("negative record count " + count, null);
    }
    CompressionType compression = compressionType();
    ByteBuffer payload = buffer.slice(RECORDS_OFFSET, sizeInBytes() - RECORDS_OFFSET);
    if (compression != CompressionType.NONE) {
      try {
        payload = Compression.decompress(compression, payload);
      } catch (CorruptRecordException e) {
        throw corrupt(e.getMessage(), e);
      }
    }
    Long logAppendTime = timestampType() == TimestampType.LOG_APPEND_TIME ? maxTimestamp() : null;
    try {
      return RecordDecoder.decode(payload, count, baseOffset(), baseTimestamp(), logAppendTime);
    } catch (CorruptRecordException e) {
      throw corrupt(e.getMessage(), e);
    }
  }

  /** A view of the batch's bytes (position 0, limit = size), sharing its content. */
  public ByteBuffer buffer() {
    return buffer.duplicate();
  }

  @Override
  public String toString() {
    return "RecordBatch(baseOffset="
        + baseOffset()
        + ", lastOffset="
        + lastOffset()
        + ", size="
        + sizeInBytes()
        + ", compression="
        + (attributes() & COMPRESSION_CODEC_MASK)
        + ", records="
        + recordCount()
        + ")";
  }

  private short attributes() {
    return buffer.getShort(ATTRIBUTES_OFFSET);
  }

  private CorruptRecordException corrupt(String problem, Throwable cause) {
    return new CorruptRecordException(
        "Record batch at base offset " + baseOffset() + ": " + problem, cause);
  }

  static long crc32c(ByteBuffer batch) {
    CRC32C crc = new CRC32C();
    crc.update(batch.slice(ATTRIBUTES_OFFSET, batch.limit() - ATTRIBUTES_OFFSET));
    return crc.getValue();
  }
}
