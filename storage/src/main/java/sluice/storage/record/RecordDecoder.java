package sluice.storage.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the (decompressed) records section of a v2 batch; the record layout is documented on
 * {@link RecordBatch}. Every length is checked against the bytes that remain, so damaged input
 * fails with a {@link CorruptRecordException} naming the record and field, never with an allocation
 * sized by garbage. Stateless and safe from any thread.
 */
final class RecordDecoder {
  private RecordDecoder() {}

  /**
   * @param logAppendTime the timestamp every record reports, or null for create-time batches
   * @throws CorruptRecordException (without the batch's base offset, which the caller adds)
   */
  static List<Record> decode(
      ByteBuffer payload, int count, long baseOffset, long baseTimestamp, Long logAppendTime) {
    List<Record> records = new ArrayList<>(Math.min(count, payload.remaining()));
    for (int i = 0; i < count; i++) {
      try {
        records.add(readRecord(payload, baseOffset, baseTimestamp, logAppendTime));
      } catch (CorruptRecordException | BufferUnderflowException e) {
        String problem = e instanceof CorruptRecordException ? e.getMessage() : "fields overrun it";
        throw new CorruptRecordException("record " + i + " of " + count + ": " + problem, e);
      }
    }
    if (payload.hasRemaining()) {
      throw new CorruptRecordException(
          payload.remaining() + " bytes follow the last of " + count + " records");
    }
    return records;
  }

  private static Record readRecord(
      ByteBuffer payload, long baseOffset, long baseTimestamp, Long logAppendTime) {
    int length = Varints.readVarint(payload);
    if (length < 0 || length > payload.remaining()) {
      throw new CorruptRecordException(
          "length " + length + " but " + payload.remaining() + " bytes remain in the batch");
    }
    ByteBuffer in = payload.slice(payload.position(), length);
    payload.position(payload.position() + length);
    in.get(); // attributes: unused in v2
    long timestampDelta = Varints.readVarlong(in);
    int offsetDelta = Varints.readVarint(in);
    byte[] key = readBytes(in, "key");
    byte[] value = readBytes(in, "value");
    int headerCount = Varints.readVarint(in);
    if (headerCount < 0) {
      throw new CorruptRecordException("negative header count " + headerCount);
    }
    List<Header> headers = new ArrayList<>(Math.min(headerCount, in.remaining()));
    for (int h = 0; h < headerCount; h++) {
      byte[] headerKey = readBytes(in, "header key");
      if (headerKey == null) {
        throw new CorruptRecordException("header " + h + " has a null key");
      }
      byte[] headerValue = readBytes(in, "header value");
      headers.add(new Header(new String(headerKey, StandardCharsets.UTF_8), headerValue));
    }
    if (in.hasRemaining()) {
      throw new CorruptRecordException(in.remaining() + " bytes beyond its last header");
    }
    long timestamp = logAppendTime != null ? logAppendTime : baseTimestamp + timestampDelta;
    return new Record(baseOffset + offsetDelta, timestamp, key, value, headers);
  }

  private static byte[] readBytes(ByteBuffer in, String what) {
    int length = Varints.readVarint(in);
    if (length == -1) {
      return null;
    }
    if (length < -1 || length > in.remaining()) {
      throw new CorruptRecordException(
          what + " length " + length + " but " + in.remaining() + " bytes remain in the record");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }
}
