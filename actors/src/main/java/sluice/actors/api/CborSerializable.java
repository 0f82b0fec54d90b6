package sluice.actors.api;

/**
 * Marker for every message that may cross the network between brokers or from a client. Bound to
 * Akka's Jackson CBOR serializer in {@code reference.conf}.
 */
public interface CborSerializable {}
