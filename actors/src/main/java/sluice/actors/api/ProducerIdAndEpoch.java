package sluice.actors.api;

/**
 * A producer's identity as a partition sees it in the batches it writes (Kafka's {@code
 * ProducerIdAndEpoch}): the id the controller allocated and the epoch, which a newer incarnation of
 * the producer raises to fence its older self (KIP-360).
 */
public record ProducerIdAndEpoch(long producerId, short epoch) implements CborSerializable {
  public ProducerIdAndEpoch {
    if (producerId < 0 || epoch < 0) {
      throw new IllegalArgumentException(
          "a producer id and epoch are not negative, not " + producerId + " and " + epoch);
    }
  }

  /**
   * Whether the epoch can no longer be bumped, so the producer needs a new id (Kafka's {@code
   * isEpochExhausted}: a bump must stay below {@code Short.MAX_VALUE}).
   */
  public boolean epochExhausted() {
    return epoch >= Short.MAX_VALUE - 1;
  }

  /** The same id with the next epoch; not for an exhausted epoch. */
  public ProducerIdAndEpoch bumped() {
    if (epochExhausted()) {
      throw new IllegalStateException("producer " + producerId + " has exhausted its epochs");
    }
    return new ProducerIdAndEpoch(producerId, (short) (epoch + 1));
  }
}
