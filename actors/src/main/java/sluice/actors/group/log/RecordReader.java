package sluice.actors.group.log;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link RecordWriter} writes, and refuses anything else with a {@link
 * CorruptGroupRecordException} that names the record, the field and the position: a field cut
 * short, a negative length or count, a count larger than the bytes left could hold, bytes that are
 * not UTF-8, bytes left after the last field. Not thread-safe: one reader per record.
 */
final class RecordReader {
  private final ByteBuffer buffer;
  private String record;

  /**
   * @param record what is read, for errors: "key", "offset commit value"
   */
  RecordReader(byte[] bytes, String record) {
    this.buffer = ByteBuffer.wrap(bytes);
    this.record = record;
  }

  /** Names what is read from here on, once its type is known: "offset commit key". */
  void describe(String record) {
    this.record = record;
  }

  byte int8(String field) {
    need(field, Byte.BYTES);
    return buffer.get();
  }

  short int16(String field) {
    need(field, Short.BYTES);
    return buffer.getShort();
  }

  int int32(String field) {
    need(field, Integer.BYTES);
    return buffer.getInt();
  }

  long int64(String field) {
    need(field, Long.BYTES);
    return buffer.getLong();
  }

  String string(String field) {
    String value = nullableString(field);
    if (value == null) {
      throw corrupt(field + " is null at position " + (buffer.position() - Short.BYTES));
    }
    return value;
  }

  String nullableString(String field) {
    int start = buffer.position();
    short length = int16(field + " length");
    if (length == -1) {
      return null;
    }
    if (length < 0) {
      throw corrupt(field + " has length " + length + " at position " + start);
    }
    need(field, length);
    ByteBuffer utf8 = buffer.slice().limit(length);
    buffer.position(buffer.position() + length);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(utf8).toString();
    } catch (CharacterCodingException e) {
      throw corrupt(field + " at position " + start + " is not UTF-8: " + e.getMessage());
    }
  }

  /**
   * The int32 count of an array whose elements take at least {@code minElementBytes} each, checked
   * against the bytes left so a corrupt count cannot make the caller allocate gigabytes.
   */
  int count(String field, int minElementBytes) {
    int start = buffer.position();
    int count = int32(field + " count");
    if (count < 0 || (long) count * minElementBytes > buffer.remaining()) {
      throw corrupt(
          field
              + " count "
              + count
              + " at position "
              + start
              + " does not fit the "
              + buffer.remaining()
              + " bytes left");
    }
    return count;
  }

  /**
   * {@code next} if it sorts after {@code previous} (null before the first element), else an error:
   * the sets Sluice writes are written in ascending order.
   */
  String ascending(String field, String previous, String next) {
    if (previous != null && previous.compareTo(next) >= 0) {
      throw corrupt(
          field + " " + next + " follows " + previous + " (they must be ascending, no duplicate)");
    }
    return next;
  }

  /** Checks that every byte was read. */
  void end() {
    if (buffer.hasRemaining()) {
      throw corrupt(
          buffer.remaining() + " trailing bytes after the last field, at position " + position());
    }
  }

  int position() {
    return buffer.position();
  }

  CorruptGroupRecordException corrupt(String problem) {
    return new CorruptGroupRecordException(record + ": " + problem);
  }

  private void need(String field, int bytes) {
    if (buffer.remaining() < bytes) {
      throw corrupt(
          field
              + " needs "
              + bytes
              + " bytes at position "
              + buffer.position()
              + ", only "
              + buffer.remaining()
              + " left");
    }
  }
}
