package sluice.actors.metadata;

import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.LWWRegisterKey;

/**
 * The Distributed Data key holding the cluster id, written once by the first controller and kept
 * durably. Written with {@link LWWRegister#reverseClock()} so that the first value wins.
 */
public final class ClusterIdKey {
  public static final Key<LWWRegister<String>> KEY = LWWRegisterKey.create("sluice-cluster-id");

  private ClusterIdKey() {}
}
