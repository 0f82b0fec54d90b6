package sluice.storage.record;

import java.nio.ByteBuffer;

/**
 * Zig-zag variable-length integers as used inside v2 records (the same encoding as protobuf's
 * {@code sint32}/{@code sint64}): the value is zig-zag mapped so small negative numbers stay short,
 * then written 7 bits per byte, least significant group first, with the high bit set on every byte
 * but the last. An int takes 1-5 bytes, a long 1-10.
 *
 * <p>Readers throw {@link CorruptRecordException} on a varint longer than its type allows or cut
 * off by the end of the buffer. Stateless and safe from any thread.
 */
public final class Varints {
  private Varints() {}

  /** Reads a zig-zag varint at the buffer's position and advances it. */
  public static int readVarint(ByteBuffer buffer) {
    int raw = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      byte b = readByte(buffer, "varint");
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new CorruptRecordException(
        "Varint longer than 5 bytes ending at position " + buffer.position());
  }

  /** Reads a zig-zag varlong at the buffer's position and advances it. */
  public static long readVarlong(ByteBuffer buffer) {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      byte b = readByte(buffer, "varlong");
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new CorruptRecordException(
        "Varlong longer than 10 bytes ending at position " + buffer.position());
  }

  /** Writes a zig-zag varint at the buffer's position and advances it. */
  public static void writeVarint(int value, ByteBuffer buffer) {
    int raw = (value << 1) ^ (value >> 31);
    while ((raw & ~0x7f) != 0) {
      buffer.put((byte) ((raw & 0x7f) | 0x80));
      raw >>>= 7;
    }
    buffer.put((byte) raw);
  }

  /** Writes a zig-zag varlong at the buffer's position and advances it. */
  public static void writeVarlong(long value, ByteBuffer buffer) {
    long raw = (value << 1) ^ (value >> 63);
    while ((raw & ~0x7fL) != 0) {
      buffer.put((byte) ((raw & 0x7f) | 0x80));
      raw >>>= 7;
    }
    buffer.put((byte) raw);
  }

  /** The number of bytes {@link #writeVarint} writes for this value (1-5). */
  public static int sizeOfVarint(int value) {
    int raw = (value << 1) ^ (value >> 31);
    int bytes = 1;
    while ((raw & ~0x7f) != 0) {
      bytes++;
      raw >>>= 7;
    }
    return bytes;
  }

  /** The number of bytes {@link #writeVarlong} writes for this value (1-10). */
  public static int sizeOfVarlong(long value) {
    long raw = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((raw & ~0x7fL) != 0) {
      bytes++;
      raw >>>= 7;
    }
    return bytes;
  }

  private static byte readByte(ByteBuffer buffer, String what) {
    if (!buffer.hasRemaining()) {
      throw new CorruptRecordException(
          "Truncated " + what + ": buffer ends at position " + buffer.position());
    }
    return buffer.get();
  }
}
