package sluice.actors.partition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sluice.actors.api.CborSerializable;
import sluice.actors.journal.BatchHeader;

/**
 * What a partition leader knows from its batches, rebuilt from batch headers on recovery and
 * snapshotted: the log end offset, the high watermark (equal to the log end offset while the
 * replication factor is 1), the leader-epoch cache and the producer state.
 *
 * <p>Immutable: the snapshot store serializes it on another thread.
 *
 * @param epochs the leader-epoch cache: for each epoch, the first offset written in it (KIP-101),
 *     ascending
 * @param producers the last batch of each idempotent producer, by producer id
 */
public record LeaderState(
    long logEndOffset,
    long highWatermark,
    List<EpochStart> epochs,
    Map<Long, ProducerState> producers)
    implements CborSerializable {

  /** The first offset written in a leader epoch. */
  public record EpochStart(int epoch, long startOffset) implements CborSerializable {}

  /** The last batch an idempotent producer wrote. */
  public record ProducerState(
      long producerId, short producerEpoch, int lastSequence, long lastOffset, long lastTimestamp)
      implements CborSerializable {}

  public LeaderState {
    epochs = List.copyOf(epochs);
    producers = Map.copyOf(producers);
  }

  public static LeaderState empty() {
    return new LeaderState(0, 0, List.of(), Map.of());
  }

  /** The latest leader epoch that wrote a batch, or -1 if none did. */
  public int latestEpoch() {
    return epochs.isEmpty() ? -1 : epochs.get(epochs.size() - 1).epoch();
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
    long newEnd = batch.lastOffset() + 1;
    List<EpochStart> newEpochs = epochs;
    if (batch.leaderEpoch() > latestEpoch()) {
      newEpochs = new ArrayList<>(epochs);
      newEpochs.add(new EpochStart(batch.leaderEpoch(), batch.baseOffset()));
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
    return new LeaderState(newEnd, newEnd, newEpochs, newProducers);
  }
}
