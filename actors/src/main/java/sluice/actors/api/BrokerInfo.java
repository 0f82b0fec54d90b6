package sluice.actors.api;

/** A live broker: its id and where its HTTP API listens. */
public record BrokerInfo(int brokerId, String host, int httpPort) implements CborSerializable {}
