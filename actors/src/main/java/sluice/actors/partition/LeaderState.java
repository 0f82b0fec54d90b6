package sluice.actors.partition;

import java.util.HashMap;
import java.util.Map;
import sluice.actors.api.CborSerializable;
import sluice.actors.journal.LogEndSnapshot;
import sluice.storage.log.BatchHeader;

/**
 * What a partition replica knows from its batches, rebuilt from batch headers on recovery and
 * snapshotted: the log end offset and the producer state. The high watermark and the leader-epoch
 * cache are not here: the partition log keeps both ({@code PartitionLog.highWatermark()}, {@code
 * leaderEpochs()}) with their own checkpoint files, since the high watermark moves without a batch
 * (a follower fetches) and the epochs must survive a truncation.
 *
 * <p>The log end offset here is the <i>confirmed</i> one: batches whose write completed. While a
 * write is in flight the log's own end offset may be ahead of it, and a failed write rolls it back.
 *
 * <p>Immutable: the snapshot store serializes it on another thread. Snapshots written by earlier
 * versions (with a {@code highWatermark} and {@code epochs}) still load: unknown properties are
 * ignored.
 *
 * @param producers the last batch of each idempotent producer, by producer id
 */
public record LeaderState(long logEndOffset, Map<Long, ProducerState> producers)
    implements CborSerializable, LogEndSnapshot {

  /** The last batch an idempotent producer wrote. */
  public record ProducerState(
      long producerId, short producerEpoch, int lastSequence, long lastOffset, long lastTimestamp)
      implements CborSerializable {}

  public LeaderState {
    producers = Map.copyOf(producers);
  }

  public static LeaderState empty() {
    return startingAt(0);
  }

  /**
   * The state before the first batch of a log that starts at {@code logStartOffset}: what recovery
   * without a snapshot begins from, since replay starts at the log's first batch (a log restarted
   * empty at a leader's log start begins above 0).
   */
  public static LeaderState startingAt(long logStartOffset) {
    return new LeaderState(logStartOffset, Map.of());
  }

  /**
   * The state after the batch with this header.
   *
   * @throws IllegalStateException if the batch does not start at or after the log end offset
   */
  public LeaderState applied(BatchHeader batch) {
    if (batch.baseOffset() < logEndOffset) {
      throw new IllegalStateException(
          "Batch at offsets ["
              + batch.baseOffset()
              + ", "
              + batch.lastOffset()
              + "] is below the log end offset "
              + logEndOffset);
    }
    Map<Long, ProducerState> newProducers = producers;
    if (batch.producerId() >= 0) {
      newProducers = new HashMap<>(producers);
      int lastSequence =
          batch.baseSequence() < 0 ? -1 : batch.baseSequence() + batch.recordCount() - 1;
      newProducers.put(
          batch.producerId(),
          new ProducerState(
              batch.producerId(),
              batch.producerEpoch(),
              lastSequence,
              batch.lastOffset(),
              batch.maxTimestamp()));
    }
    return new LeaderState(batch.lastOffset() + 1, newProducers);
  }
}
