package sluice.actors.metadata;

import java.util.List;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.CborSerializable;

/**
 * A broker as it announces itself in Distributed Data under {@link BrokersKey#KEY}, keyed by its
 * broker id. A registration counts as a live broker only while a cluster member with {@code
 * address} is up, so entries of brokers that left are ignored rather than removed.
 *
 * <p>The broker writes it again whenever its data directory goes offline or comes back ({@code
 * sluice.actors.journal.DataDirHealth}), so the controller moves leadership off a broker that
 * cannot write, and lets it back into ISRs once it can (Kafka's offline log directories, which a
 * broker reports to its controller).
 *
 * @param address the broker's cluster member address, {@code akka://system@host:port}
 * @param offlineDirs the broker's data directories that take no writes now; empty when all work
 *     (null, from a broker that predates the field, reads as empty)
 */
public record BrokerRegistration(
    int brokerId, String host, int httpPort, String address, List<String> offlineDirs)
    implements CborSerializable {

  public BrokerRegistration {
    offlineDirs = offlineDirs == null ? List.of() : List.copyOf(offlineDirs);
  }

  /** A registration whose data directories all take writes. */
  public BrokerRegistration(int brokerId, String host, int httpPort, String address) {
    this(brokerId, host, httpPort, address, List.of());
  }

  /** Whether every data directory of the broker takes writes. */
  public boolean dataDirsOnline() {
    return offlineDirs.isEmpty();
  }

  public BrokerInfo info() {
    return new BrokerInfo(brokerId, host, httpPort);
  }
}
