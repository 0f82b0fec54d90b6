package sluice.actors.controller;

import akka.cluster.ddata.typed.javadsl.Replicator;
import java.time.Duration;
import sluice.actors.quorum.BrokerQuorum;
import sluice.actors.quorum.QuorumState;

/**
 * How many replicas the controller's metadata reads and writes must reach, taken from this broker's
 * quorum view at each one: {@link QuorumState#replicasToReach()}, a quorum of the configured
 * brokers and at least a majority of the current members. Distributed Data's {@code WriteMajority}
 * counts only the current members, so on an island of one it writes to itself; {@code WriteTo(n)}
 * with a fixed quorum cannot succeed there. A write that does not reach them stays in the local
 * replica and spreads later, which is safe because every register is ordered by controller epoch
 * ({@link EpochClock}). Stateless apart from the view; safe from any thread.
 */
final class MetadataQuorum {
  private final BrokerQuorum quorum;
  private final Duration writeTimeout;
  private final Duration readTimeout;

  MetadataQuorum(BrokerQuorum quorum, Duration writeTimeout, Duration readTimeout) {
    this.quorum = quorum;
    this.writeTimeout = writeTimeout;
    this.readTimeout = readTimeout;
  }

  QuorumState current() {
    return quorum.current();
  }

  BrokerQuorum view() {
    return quorum;
  }

  /** {@code WriteTo(n)}; {@code WriteLocal} when one replica is enough (Akka's rule for n = 1). */
  Replicator.WriteConsistency write() {
    int n = quorum.current().replicasToReach();
    return n == 1 ? Replicator.writeLocal() : new Replicator.WriteTo(n, writeTimeout);
  }

  /** {@code ReadFrom(n)}; {@code ReadLocal} when one replica is enough. */
  Replicator.ReadConsistency read() {
    int n = quorum.current().replicasToReach();
    return n == 1 ? Replicator.readLocal() : new Replicator.ReadFrom(n, readTimeout);
  }
}
