package sluice.storage.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a partition knows of one idempotent producer (Kafka's {@code ProducerStateEntry}): its
 * latest epoch and the last {@link ProducerStates#BATCHES_RETAINED} batches it wrote in that epoch,
 * oldest first. Immutable.
 *
 * @param lastWrittenAt when this replica last appended one of the producer's batches (its clock,
 *     milliseconds since 1970): the producer expires {@code producer.id.expiration.ms} after it
 */
public record ProducerEntry(
    long producerId, short producerEpoch, List<BatchMetadata> batches, long lastWrittenAt) {

  public ProducerEntry {
    if (batches.isEmpty() || batches.size() > ProducerStates.BATCHES_RETAINED) {
      throw new IllegalArgumentException(
          "A producer entry holds 1 to "
              + ProducerStates.BATCHES_RETAINED
              + " batches, not "
              + batches.size());
    }
    batches = List.copyOf(batches);
  }

  /** The last sequence the producer wrote. */
  public int lastSequence() {
    return batches.get(batches.size() - 1).lastSequence();
  }

  /** The batch of this epoch with exactly these sequences, if it is still remembered. */
  public Optional<BatchMetadata> find(short epoch, int firstSequence, int lastSequence) {
    if (epoch != producerEpoch) {
      return Optional.empty();
    }
    for (BatchMetadata batch : batches) {
      if (batch.firstSequence() == firstSequence && batch.lastSequence() == lastSequence) {
        return Optional.of(batch);
      }
    }
    return Optional.empty();
  }

  /**
   * The entry after the producer wrote {@code batch} in {@code epoch} at {@code now}: a new epoch
   * forgets the former epoch's batches; beyond the retained number the oldest goes.
   */
  ProducerEntry with(short epoch, BatchMetadata batch, long now) {
    List<BatchMetadata> kept = new ArrayList<>(ProducerStates.BATCHES_RETAINED);
    if (epoch == producerEpoch) {
      int from = Math.max(0, batches.size() + 1 - ProducerStates.BATCHES_RETAINED);
      kept.addAll(batches.subList(from, batches.size()));
    }
    kept.add(batch);
    return new ProducerEntry(producerId, epoch, kept, now);
  }

  static ProducerEntry first(long producerId, short epoch, BatchMetadata batch, long now) {
    return new ProducerEntry(producerId, epoch, List.of(batch), now);
  }
}
