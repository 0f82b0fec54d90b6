package sluice.actors.group.coordinator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import sluice.actors.group.log.GroupRecord;
import sluice.storage.record.Batches;
import sluice.storage.record.CompressionType;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.RecordBatchBuilder;

/**
 * The coordinator's records as Kafka v2 batches and back. A decision's records go out as one
 * uncompressed batch stamped with the coordinator's partition leader epoch, so the partition leader
 * refuses it once leadership moved on ({@code FENCED_LEADER_EPOCH}); reading takes whole batches
 * from a fetch, checked (CRC) before any record is decoded. Stateless.
 */
final class OffsetsBatches {
  private OffsetsBatches() {}

  /** What a fetch's batches held from the asked offset, and where the next read starts. */
  record Read(List<GroupRecord> records, long nextOffset) {}

  /** One batch of {@code records}, in order, base offset 0, timestamps {@code timestamp}. */
  static byte[] encode(List<GroupRecord> records, int leaderEpoch, long timestamp) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one record");
    }
    RecordBatchBuilder builder =
        new RecordBatchBuilder(CompressionType.NONE, 0, timestamp)
            .partitionLeaderEpoch(leaderEpoch);
    for (GroupRecord record : records) {
      builder.append(timestamp, record.keyBytes(), record.valueBytes(), List.of());
    }
    ByteBuffer built = builder.build();
    byte[] bytes = new byte[built.remaining()];
    built.duplicate().get(bytes);
    return bytes;
  }

  /**
   * The records of {@code batches} at or after {@code fromOffset}, control batches skipped.
   *
   * @throws sluice.storage.record.CorruptRecordException if a batch fails its checks
   * @throws IllegalStateException if a record is not one Sluice writes (naming the offset; the
   *     cause is the {@link sluice.actors.group.log.CorruptGroupRecordException})
   */
  static Read decode(byte[] batches, long fromOffset) {
    List<GroupRecord> records = new ArrayList<>();
    long next = fromOffset;
    for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(batches))) {
      batch.ensureValid();
      if (!batch.isControl()) {
        for (Record record : batch.records()) {
          if (record.offset() >= fromOffset) {
            records.add(decode(record));
          }
        }
      }
      next = Math.max(next, batch.nextOffset());
    }
    return new Read(records, next);
  }

  private static GroupRecord decode(Record record) {
    if (record.key() == null) {
      throw new IllegalStateException(
          "__consumer_offsets holds a record without a key at offset "
              + record.offset()
              + "; only coordinators write this topic");
    }
    try {
      return GroupRecord.decode(record.key(), record.value());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "__consumer_offsets record at offset " + record.offset() + ": " + e.getMessage(), e);
    }
  }
}
