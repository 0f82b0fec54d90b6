package sluice.actors.gateway;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.RecordHeader;
import sluice.storage.record.Batches;
import sluice.storage.record.Header;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.TimestampType;

/**
 * Turns the whole batches a partition leader serves into the records a consumer asked for: records
 * below the requested offset (the first batch may start before it) and control batches are left
 * out; compressed batches are decompressed. Stateless, safe from any thread.
 */
public final class BatchDecoder {
  private BatchDecoder() {}

  /**
   * @throws sluice.storage.record.CorruptRecordException if a batch fails its CRC or cannot be
   *     decoded
   */
  public static List<ConsumedRecord> decode(
      String topic, int partition, byte[] batches, long fromOffset) {
    List<ConsumedRecord> result = new ArrayList<>();
    if (batches == null || batches.length == 0) {
      return result;
    }
    for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(batches))) {
      batch.ensureValid();
      if (batch.isControl() || batch.lastOffset() < fromOffset) {
        continue;
      }
      boolean logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
      for (Record record : batch.records()) {
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
