package sluice.actors.api;

/**
 * The answer to an {@code InitProducerId} (Kafka's InitProducerIdResponse): exactly one of {@code
 * producer} and {@code error} is non-null.
 */
public record InitProducerIdReply(ProducerIdAndEpoch producer, ApiError error)
    implements CborSerializable {
  public InitProducerIdReply {
    if ((producer == null) == (error == null)) {
      throw new IllegalArgumentException(
          "an InitProducerId answers a producer or an error, not " + producer + " and " + error);
    }
  }
}
