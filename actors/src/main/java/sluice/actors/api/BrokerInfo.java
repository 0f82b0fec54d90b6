package sluice.actors.api;

/**
 * A live broker: its id, where its HTTP API listens and where its Kafka-protocol listener listens.
 *
 * @param kafkaHost the host Kafka clients are told to connect to; null when the broker runs no
 *     Kafka listener
 * @param kafkaPort the Kafka listener's port, 0 when the broker runs none (a registration written
 *     before the field existed reads as 0)
 */
public record BrokerInfo(int brokerId, String host, int httpPort, String kafkaHost, int kafkaPort)
    implements CborSerializable {

  /** A broker without a Kafka listener. */
  public BrokerInfo(int brokerId, String host, int httpPort) {
    this(brokerId, host, httpPort, null, 0);
  }

  /** Whether Kafka clients can reach this broker. */
  public boolean servesKafka() {
    return kafkaHost != null && kafkaPort > 0;
  }
}
