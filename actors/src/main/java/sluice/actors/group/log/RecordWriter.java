package sluice.actors.group.log;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the primitives of the record layout, big-endian: int8, int16, int32, int64, and strings as
 * an int16 byte length and UTF-8 (-1 for null), Kafka's non-flexible string. A string that is not
 * valid Unicode (an unpaired surrogate) or is longer than {@link #MAX_STRING_BYTES} in UTF-8 is
 * refused with an {@link IllegalArgumentException} rather than written as something else, so what
 * is read back is what was written. Not thread-safe: one writer per record.
 */
final class RecordWriter {
  /** The longest string an int16 length holds. */
  static final int MAX_STRING_BYTES = Short.MAX_VALUE;

  private ByteBuffer buffer = ByteBuffer.allocate(64);

  RecordWriter int8(byte value) {
    room(Byte.BYTES).put(value);
    return this;
  }

  RecordWriter int16(short value) {
    room(Short.BYTES).putShort(value);
    return this;
  }

  RecordWriter int32(int value) {
    room(Integer.BYTES).putInt(value);
    return this;
  }

  RecordWriter int64(long value) {
    room(Long.BYTES).putLong(value);
    return this;
  }

  /** {@code value}, which must not be null; {@code field} names it in an error. */
  RecordWriter string(String field, String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is null");
    }
    return nullableString(field, value);
  }

  RecordWriter nullableString(String field, String value) {
    if (value == null) {
      return int16((short) -1);
    }
    byte[] utf8 = utf8(field, value);
    if (utf8.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          field
              + " is "
              + utf8.length
              + " bytes in UTF-8, over the "
              + MAX_STRING_BYTES
              + " a record string holds");
    }
    int16((short) utf8.length);
    room(utf8.length).put(utf8);
    return this;
  }

  byte[] toBytes() {
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static byte[] utf8(String field, String value) {
    try {
      ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(value));
      return Arrays.copyOf(encoded.array(), encoded.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(field + " is not valid Unicode: " + e.getMessage(), e);
    }
  }

  private ByteBuffer room(int bytes) {
    if (buffer.remaining() < bytes) {
      int capacity = Math.max(buffer.capacity() * 2, buffer.position() + bytes);
      buffer = ByteBuffer.allocate(capacity).put(buffer.flip());
    }
    return buffer;
  }
}
