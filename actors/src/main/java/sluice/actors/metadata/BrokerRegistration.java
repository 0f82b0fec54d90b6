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
 * @param kafkaHost the host Kafka clients are told to connect to (Metadata answers); null when the
 *     broker runs no Kafka listener, or predates the field
 * @param kafkaPort the port of the broker's Kafka listener; 0 when it runs none, or predates the
 *     field (a missing number reads as 0)
 */
public record BrokerRegistration(
    int brokerId,
    String host,
    int httpPort,
    String address,
    List<String> offlineDirs,
    String kafkaHost,
    int kafkaPort)
    implements CborSerializable {

  public BrokerRegistration {
    offlineDirs = offlineDirs == null ? List.of() : List.copyOf(offlineDirs);
    if (kafkaPort < 0 || kafkaPort > 65535) {
      throw new IllegalArgumentException(
          "A Kafka port is 1 to 65535, or 0 for none, not " + kafkaPort);
    }
  }

  /** A registration whose data directories all take writes, without a Kafka listener. */
  public BrokerRegistration(int brokerId, String host, int httpPort, String address) {
    this(brokerId, host, httpPort, address, List.of());
  }

  /** A registration without a Kafka listener. */
  public BrokerRegistration(
      int brokerId, String host, int httpPort, String address, List<String> offlineDirs) {
    this(brokerId, host, httpPort, address, offlineDirs, null, 0);
  }

  /** Whether every data directory of the broker takes writes. */
  public boolean dataDirsOnline() {
    return offlineDirs.isEmpty();
  }

  public BrokerInfo info() {
    return new BrokerInfo(brokerId, host, httpPort, kafkaHost, kafkaPort);
  }
}
