package sluice.kafka;

/**
 * Thrown to end a client's connection, as Kafka ends it: on a request it cannot parse, an API or
 * version it does not serve, or an error in an acks=0 produce (the only way to tell such a client).
 * The message says why, and is logged with the client's address.
 */
final class ConnectionClosed extends RuntimeException {
  ConnectionClosed(String reason) {
    super(reason, null, false, false);
  }
}
