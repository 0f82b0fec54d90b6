package sluice.actors.metadata;

import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.LWWRegisterKey;

/**
 * The Distributed Data key holding the controller epoch: a number every controller raises by one
 * with a majority write when it starts, before it serves (Kafka's controller epoch). Durable, so
 * epochs keep growing across a restart of every broker. Written with {@link #CLOCK}, whose
 * timestamp is the epoch itself, so a merge always keeps the highest epoch.
 */
public final class ControllerEpochKey {
  public static final Key<LWWRegister<Integer>> KEY =
      LWWRegisterKey.create("sluice-controller-epoch");

  /** The register's timestamp is the epoch: the highest epoch wins every merge. */
  public static final LWWRegister.Clock<Integer> CLOCK = (currentTimestamp, epoch) -> epoch;

  private ControllerEpochKey() {}
}
