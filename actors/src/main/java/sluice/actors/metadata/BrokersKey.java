package sluice.actors.metadata;

import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;

/**
 * The Distributed Data key under which every broker registers itself ({@link BrokerRegistration}),
 * by broker id as a decimal string. Not durable: brokers register again on every start.
 */
public final class BrokersKey {
  public static final Key<LWWMap<String, BrokerRegistration>> KEY =
      LWWMapKey.create("sluice-brokers");

  private BrokersKey() {}
}
