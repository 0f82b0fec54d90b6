package sluice.actors.journal;

import java.nio.ByteBuffer;
import sluice.actors.api.CborSerializable;
import sluice.storage.log.BatchInfo;
import sluice.storage.record.RecordBatch;

/**
 * What a partition leader's state needs from one record batch: its offsets, leader epoch, max
 * timestamp and producer fields. Never the records themselves.
 */
public record BatchHeader(
    long baseOffset,
    long lastOffset,
    int leaderEpoch,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int recordCount)
    implements CborSerializable {

  /** The header of a whole batch held in memory. */
  public static BatchHeader of(RecordBatch batch) {
    return new BatchHeader(
        batch.baseOffset(),
        batch.lastOffset(),
        batch.partitionLeaderEpoch(),
        batch.maxTimestamp(),
        batch.producerId(),
        batch.producerEpoch(),
        batch.baseSequence(),
        batch.recordCount());
  }

  /** The header of a batch as the log lists it, read without its payload. */
  public static BatchHeader of(BatchInfo info) {
    return new BatchHeader(
        info.baseOffset(),
        info.lastOffset(),
        info.leaderEpoch(),
        info.maxTimestamp(),
        info.producerId(),
        info.producerEpoch(),
        info.baseSequence(),
        info.recordCount());
  }

  static BatchHeader of(byte[] batch) {
    return of(RecordBatch.wrap(ByteBuffer.wrap(batch)));
  }
}
