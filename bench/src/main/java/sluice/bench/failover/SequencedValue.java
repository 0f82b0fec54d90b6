package sluice.bench.failover;

import java.nio.ByteBuffer;

/**
 * Record values that carry their sequence number, so a partition read back can be checked against
 * what was acknowledged: bytes 0-7 are the sequence number (big-endian, non-negative), the rest up
 * to the record size is the byte {@code 's'}. Stateless; thread-safe.
 */
public final class SequencedValue {

  /** Bytes needed for the sequence number. */
  public static final int MIN_SIZE = Long.BYTES;

  private SequencedValue() {}

  /** A value of {@code size} bytes holding {@code seq}. */
  public static byte[] encode(long seq, int size) {
    if (seq < 0) {
      throw new IllegalArgumentException("sequence number must be >= 0, got " + seq);
    }
    if (size < MIN_SIZE) {
      throw new IllegalArgumentException(
          "a sequenced value needs at least " + MIN_SIZE + " bytes, got " + size);
    }
    ByteBuffer value = ByteBuffer.allocate(size);
    value.putLong(seq);
    while (value.hasRemaining()) {
      value.put((byte) 's');
    }
    return value.array();
  }

  /** The sequence number in {@code value}; a value too short is an error naming its length. */
  public static long decode(byte[] value) {
    if (value == null || value.length < MIN_SIZE) {
      throw new IllegalArgumentException(
          "not a sequenced value: "
              + (value == null ? "null" : value.length + " bytes")
              + ", need at least "
              + MIN_SIZE);
    }
    long seq = ByteBuffer.wrap(value).getLong();
    if (seq < 0) {
      throw new IllegalArgumentException("not a sequenced value: negative sequence number " + seq);
    }
    return seq;
  }
}
