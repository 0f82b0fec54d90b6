package sluice.actors.gateway;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.RecordHeader;
import sluice.storage.record.Batches;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.Header;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.TimestampType;

/**
 * Turns the whole batches a partition leader serves into the records a consumer asked for: records
 * below the requested offset (the first batch may start before it) and control batches are left
 * out; compressed batches are decompressed. Stateless, safe from any thread.
 *
 * <p>A leader serves its segment bytes unchecked (only recovery checks CRCs), so a batch that fails
 * its CRC, magic or decoding ends the decoding there: the records of the valid batches before it
 * are still served, as Kafka's consumer returns the records before a corrupt batch and fails only
 * when that batch is the next one to read. Decoding never skips past a bad batch, so a consumer's
 * next fetch starts at it and gets the error.
 */
public final class BatchDecoder {
  private BatchDecoder() {}

  /**
   * The records of the valid prefix of {@code batches} from {@code fromOffset}, and the reason the
   * decoding stopped early, if it did.
   *
   * @param corruptOffset the base offset of the first batch that failed, or -1 if none did
   * @param corruption why it failed (the CRCs, magic or field at fault), or null if none did
   */
  public record Decoded(List<ConsumedRecord> records, long corruptOffset, String corruption) {}

  /**
   * @throws CorruptRecordException if the first batch that holds records at or after {@code
   *     fromOffset} (or anything before it) fails its CRC or cannot be decoded, naming its offset
   */
  public static List<ConsumedRecord> decode(
      String topic, int partition, byte[] batches, long fromOffset) {
    Decoded decoded = decodePrefix(topic, partition, batches, fromOffset);
    if (decoded.corruption() != null && decoded.records().isEmpty()) {
      throw new CorruptRecordException(decoded.corruption());
    }
    return decoded.records();
  }

  /**
   * Decodes batch after batch until the end or the first one that fails; never throws for a bad
   * batch. With no record before the bad batch, {@link Decoded#records()} is empty and the caller
   * must fail the fetch (an empty success would send the consumer back to the same offset).
   */
  public static Decoded decodePrefix(String topic, int partition, byte[] batches, long fromOffset) {
    List<ConsumedRecord> result = new ArrayList<>();
    if (batches == null || batches.length == 0) {
      return new Decoded(result, -1, null);
    }
    // the offset the next batch should start at: where a malformed length field is reported
    long next = fromOffset;
    try {
      for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(batches))) {
        next = batch.baseOffset();
        result.addAll(records(topic, partition, batch, fromOffset));
        next = batch.nextOffset();
      }
    } catch (CorruptRecordException e) {
      return new Decoded(result, next, e.getMessage());
    }
    return new Decoded(result, -1, null);
  }

  /** One batch's records from {@code fromOffset}, checked first (magic and CRC). */
  private static List<ConsumedRecord> records(
      String topic, int partition, RecordBatch batch, long fromOffset) {
    batch.ensureValid();
    List<ConsumedRecord> result = new ArrayList<>();
    if (batch.isControl() || batch.lastOffset() < fromOffset) {
      return result;
    }
    boolean logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
    List<Record> records;
    try {
      records = batch.records();
    } catch (CorruptRecordException e) {
      throw new CorruptRecordException(
          "Record batch at base offset " + batch.baseOffset() + " cannot be decoded: " + e, e);
    }
    for (Record record : records) {
      if (record.offset() < fromOffset) {
        continue;
      }
      result.add(
          new ConsumedRecord(
              topic,
              partition,
              record.offset(),
              record.timestamp(),
              logAppendTime,
              record.key(),
              record.value(),
              headers(record.headers())));
    }
    return result;
  }

  private static List<RecordHeader> headers(List<Header> headers) {
    List<RecordHeader> result = new ArrayList<>(headers.size());
    for (Header header : headers) {
      result.add(new RecordHeader(header.key(), header.value()));
    }
    return List.copyOf(result);
  }
}
