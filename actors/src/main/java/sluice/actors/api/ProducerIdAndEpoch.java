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
}
