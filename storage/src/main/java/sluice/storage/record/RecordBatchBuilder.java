package sluice.storage.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Writes one v2 batch (layout in {@link RecordBatch}). Records are encoded as they are appended;
 * {@link #build()} compresses them if asked and fills in the header and the CRC. Offsets are
 * consecutive from the base offset unless given with {@link #appendWithOffset}; the base timestamp
 * is the first record's unless given to the constructor. Producer fields and the partition leader
 * epoch default to -1 (none).
 *
 * <p>Single use and not thread-safe: one thread appends, then builds once.
 */
public final class RecordBatchBuilder {
  private static final int MAX_BATCH_SIZE = Integer.MAX_VALUE - 64;
  private static final byte[][] NO_HEADER_KEYS = new byte[0][];

  private final CompressionType compression;
  private final long baseOffset;
  private long baseTimestamp;
  private boolean baseTimestampSet;
  private long maxTimestamp = RecordBatch.NO_TIMESTAMP;
  private long lastOffset = -1;
  private long explicitLastOffset = -1;
  private int recordCount;
  private long producerId = RecordBatch.NO_PRODUCER_ID;
  private short producerEpoch = RecordBatch.NO_PRODUCER_EPOCH;
  private int baseSequence = RecordBatch.NO_SEQUENCE;
  private int partitionLeaderEpoch = RecordBatch.NO_PARTITION_LEADER_EPOCH;
  private boolean transactional;
  private boolean control;
  private ByteBuffer records = ByteBuffer.allocate(256);
  private boolean built;

  /** A builder whose base timestamp will be the first appended record's timestamp. */
  public RecordBatchBuilder(CompressionType compression, long baseOffset) {
    this.compression = Objects.requireNonNull(compression, "compression");
    if (baseOffset < 0) {
      throw new IllegalArgumentException("Base offset must be >= 0, got " + baseOffset);
    }
    this.baseOffset = baseOffset;
  }

  /**
   * A builder with a fixed base timestamp: record timestamps are stored as deltas from it (also the
   * base timestamp of a batch built without records).
   */
  public RecordBatchBuilder(CompressionType compression, long baseOffset, long baseTimestamp) {
    this(compression, baseOffset);
    this.baseTimestamp = baseTimestamp;
    this.baseTimestampSet = true;
  }

  /** Sets the idempotent-producer fields: id, epoch and the sequence of the first record. */
  public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    return this;
  }

  public RecordBatchBuilder partitionLeaderEpoch(int epoch) {
    this.partitionLeaderEpoch = epoch;
    return this;
  }

  public RecordBatchBuilder transactional(boolean transactional) {
    this.transactional = transactional;
    return this;
  }

  public RecordBatchBuilder control(boolean control) {
    this.control = control;
    return this;
  }

  /**
   * Extends the batch's offset range to {@code lastOffset} beyond its last record, as compaction
   * does when it removes records but keeps the batch; allows building a batch without records.
   */
  public RecordBatchBuilder lastOffset(long lastOffset) {
    checkOffsetDelta(lastOffset);
    this.explicitLastOffset = lastOffset;
    return this;
  }

  /**
   * Appends a record at the next offset.
   *
   * @param timestamp epoch milliseconds, or -1 for none
   * @param key may be null
   * @param value may be null (a tombstone)
   * @param headers header keys must not be null
   */
  public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    long offset = lastOffset < 0 ? baseOffset : lastOffset + 1;
    return appendWithOffset(offset, timestamp, key, value, headers);
  }

  /**
   * Appends a record at an explicit offset, above every offset appended so far (compaction keeps
   * the original offsets of the records it retains).
   */
  public RecordBatchBuilder appendWithOffset(
      long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
    if (built) {
      throw new IllegalStateException("Batch already built; a builder is single use");
    }
    Objects.requireNonNull(headers, "headers (use List.of() for none)");
    if (lastOffset >= 0 && offset <= lastOffset) {
      throw new IllegalArgumentException(
          "Offset " + offset + " must be above the last appended offset " + lastOffset);
    }
    int offsetDelta = checkOffsetDelta(offset);
    if (timestamp < 0 && timestamp != RecordBatch.NO_TIMESTAMP) {
      throw new IllegalArgumentException(
          "Invalid timestamp " + timestamp + ": must be >= 0 or -1 (no timestamp)");
    }
    if (!baseTimestampSet) {
      baseTimestamp = timestamp;
      baseTimestampSet = true;
    }
    long timestampDelta = timestamp - baseTimestamp;
    byte[][] headerKeys = headerKeys(headers);
    int bodySize = bodySize(timestampDelta, offsetDelta, key, value, headerKeys, headers);
    ensureCapacity(Varints.sizeOfVarint(bodySize) + bodySize);
    Varints.writeVarint(bodySize, records);
    records.put((byte) 0);
    Varints.writeVarlong(timestampDelta, records);
    Varints.writeVarint(offsetDelta, records);
    writeBytes(key);
    writeBytes(value);
    Varints.writeVarint(headers.size(), records);
    for (int i = 0; i < headerKeys.length; i++) {
      writeBytes(headerKeys[i]);
      writeBytes(headers.get(i).value());
    }
    maxTimestamp = Math.max(maxTimestamp, timestamp);
    lastOffset = offset;
    recordCount++;
    return this;
  }

  /**
   * The size of the batch if built uncompressed after {@link #append}{@code (timestamp, key, value,
   * headers)}, without appending: lets a caller close a batch before it outgrows a limit.
   */
  public long uncompressedSizeWith(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    long offset = lastOffset < 0 ? baseOffset : lastOffset + 1;
    long timestampDelta = baseTimestampSet ? timestamp - baseTimestamp : 0;
    int bodySize =
        bodySize(
            timestampDelta, checkOffsetDelta(offset), key, value, headerKeys(headers), headers);
    return (long) uncompressedSizeInBytes() + Varints.sizeOfVarint(bodySize) + bodySize;
  }

  private static byte[][] headerKeys(List<Header> headers) {
    Objects.requireNonNull(headers, "headers (use List.of() for none)");
    byte[][] headerKeys = headers.isEmpty() ? NO_HEADER_KEYS : new byte[headers.size()][];
    for (int i = 0; i < headerKeys.length; i++) {
      Header header = Objects.requireNonNull(headers.get(i), "header " + i);
      headerKeys[i] = header.key().getBytes(StandardCharsets.UTF_8);
    }
    return headerKeys;
  }

  /** A record's size after its length varint: attributes, deltas, key, value, headers. */
  private static int bodySize(
      long timestampDelta,
      int offsetDelta,
      byte[] key,
      byte[] value,
      byte[][] headerKeys,
      List<Header> headers) {
    int bodySize =
        1
            + Varints.sizeOfVarlong(timestampDelta)
            + Varints.sizeOfVarint(offsetDelta)
            + sizeOfBytes(key)
            + sizeOfBytes(value)
            + Varints.sizeOfVarint(headerKeys.length);
    for (int i = 0; i < headerKeys.length; i++) {
      bodySize += sizeOfBytes(headerKeys[i]) + sizeOfBytes(headers.get(i).value());
    }
    return bodySize;
  }

  public int recordCount() {
    return recordCount;
  }

  /** The size of the batch if built uncompressed now: an upper bound for most codecs. */
  public int uncompressedSizeInBytes() {
    return RecordBatch.HEADER_SIZE + records.position();
  }

  /**
   * The batch: a heap buffer at position 0 whose limit is the batch size.
   *
   * @throws IllegalStateException if nothing was appended and no {@link #lastOffset} was given, or
   *     if called twice
   */
  public ByteBuffer build() {
    if (built) {
      throw new IllegalStateException("Batch already built; a builder is single use");
    }
    if (recordCount == 0 && explicitLastOffset < 0) {
      throw new IllegalStateException(
          "Cannot build a batch without records unless its last offset is set");
    }
    if (explicitLastOffset >= 0 && explicitLastOffset < lastOffset) {
      throw new IllegalStateException(
          "Last offset " + explicitLastOffset + " is below the last record's offset " + lastOffset);
    }
    built = true;
    byte[] payload = records.array();
    int payloadLength = records.position();
    if (compression != CompressionType.NONE) {
      payload = Compression.compress(compression, payload, 0, payloadLength);
      payloadLength = payload.length;
    }
    ByteBuffer batch = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + payloadLength);
    long last = Math.max(lastOffset, explicitLastOffset);
    batch.putLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
    batch.putInt(RecordBatch.LENGTH_OFFSET, batch.capacity() - RecordBatch.LOG_OVERHEAD);
    batch.putInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
    batch.put(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
    batch.putShort(RecordBatch.ATTRIBUTES_OFFSET, attributes());
    batch.putInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, (int) (last - baseOffset));
    batch.putLong(
        RecordBatch.BASE_TIMESTAMP_OFFSET,
        baseTimestampSet ? baseTimestamp : RecordBatch.NO_TIMESTAMP);
    batch.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
    batch.putLong(RecordBatch.PRODUCER_ID_OFFSET, producerId);
    batch.putShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
    batch.putInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
    batch.putInt(RecordBatch.RECORDS_COUNT_OFFSET, recordCount);
    batch.put(RecordBatch.RECORDS_OFFSET, payload, 0, payloadLength);
    batch.putInt(RecordBatch.CRC_OFFSET, (int) RecordBatch.crc32c(batch));
    return batch;
  }

  private short attributes() {
    int attributes = compression.id();
    if (transactional) {
      attributes |= RecordBatch.TRANSACTIONAL_MASK;
    }
    if (control) {
      attributes |= RecordBatch.CONTROL_MASK;
    }
    return (short) attributes;
  }

  private int checkOffsetDelta(long offset) {
    long delta = offset - baseOffset;
    if (delta < 0 || delta > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Offset "
              + offset
              + " is outside the batch's range: base offset "
              + baseOffset
              + " to base offset + "
              + Integer.MAX_VALUE);
    }
    return (int) delta;
  }

  private static int sizeOfBytes(byte[] bytes) {
    return bytes == null ? 1 : Varints.sizeOfVarint(bytes.length) + bytes.length;
  }

  private void writeBytes(byte[] bytes) {
    if (bytes == null) {
      Varints.writeVarint(-1, records);
    } else {
      Varints.writeVarint(bytes.length, records);
      records.put(bytes);
    }
  }

  private void ensureCapacity(int needed) {
    long required = (long) records.position() + needed;
    if (required + RecordBatch.HEADER_SIZE > MAX_BATCH_SIZE) {
      throw new IllegalStateException(
          "Batch would exceed " + MAX_BATCH_SIZE + " bytes with a record of " + needed);
    }
    if (required > records.capacity()) {
      long grown = Math.max(required, (long) records.capacity() * 2);
      ByteBuffer larger = ByteBuffer.allocate((int) Math.min(grown, MAX_BATCH_SIZE));
      records.flip();
      larger.put(records);
      records = larger;
    }
  }
}
