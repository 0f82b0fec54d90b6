package sluice.actors.metadata;

import sluice.actors.api.BrokerInfo;
import sluice.actors.api.CborSerializable;

/**
 * A broker as it announces itself in Distributed Data under {@link BrokersKey#KEY}, keyed by its
 * broker id. A registration counts as a live broker only while a cluster member with {@code
 * address} is up, so entries of brokers that left are ignored rather than removed.
 *
 * @param address the broker's cluster member address, {@code akka://system@host:port}
 */
public record BrokerRegistration(int brokerId, String host, int httpPort, String address)
    implements CborSerializable {

  public BrokerInfo info() {
    return new BrokerInfo(brokerId, host, httpPort);
  }
}
