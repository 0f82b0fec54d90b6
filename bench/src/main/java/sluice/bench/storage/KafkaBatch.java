package sluice.bench.storage;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.TimestampType;

/**
 * The batch every storage benchmark writes: as many records with a {@value #VALUE_BYTES}-byte
 * random value (no key, no headers) as fit in one {@value #BATCH_BYTES}-byte Kafka v2 batch,
 * uncompressed, CreateTime, built by kafka-clients' own {@link MemoryRecordsBuilder} exactly as the
 * Kafka producer builds a full batch ({@code batch.size=16384}).
 *
 * <p>Sluice stores the Kafka v2 layout unchanged, so the same bytes go to Sluice, to Kafka's {@code
 * LogSegment} and to the raw file. Immutable after construction; {@link #bytes()} returns a fresh
 * copy so each writer owns its buffer.
 */
public final class KafkaBatch {

  /** Bytes of each record's value. */
  public static final int VALUE_BYTES = 100;

  /** The producer's default {@code batch.size}. */
  public static final int BATCH_BYTES = 16 * 1024;

  private final byte[] bytes;
  private final int recordCount;

  private KafkaBatch(byte[] bytes, int recordCount) {
    this.bytes = bytes;
    this.recordCount = recordCount;
  }

  /** Builds the batch with base offset 0; {@code seed} fixes the random values. */
  public static KafkaBatch build(long seed, long timestamp) {
    SplittableRandom random = new SplittableRandom(seed);
    ByteBuffer buffer = ByteBuffer.allocate(BATCH_BYTES);
    MemoryRecordsBuilder builder =
        MemoryRecords.builder(buffer, Compression.NONE, TimestampType.CREATE_TIME, 0L, BATCH_BYTES);
    byte[] value = new byte[VALUE_BYTES];
    int count = 0;
    while (true) {
      random.nextBytes(value);
      if (!builder.hasRoomFor(timestamp, null, value, Record.EMPTY_HEADERS)) {
        break;
      }
      builder.append(timestamp, null, value);
      count++;
    }
    MemoryRecords records = builder.build();
    ByteBuffer built = records.buffer();
    byte[] out = new byte[built.remaining()];
    built.get(out);
    return new KafkaBatch(out, count);
  }

  /** A copy of the batch bytes (base offset 0). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Records in the batch. */
  public int recordCount() {
    return recordCount;
  }

  /** Size of the batch in bytes (at most {@value #BATCH_BYTES}). */
  public int sizeInBytes() {
    return bytes.length;
  }
}
