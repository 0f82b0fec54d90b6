package sluice.actors.metadata;

import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.LWWRegisterKey;
import sluice.actors.api.CborSerializable;

/**
 * The Distributed Data key of the producer id mark (Kafka's {@code ProducerIdsRecord}, KIP-730):
 * the first producer id no controller has reserved yet. Every id below it may have been handed to a
 * broker in a block; none at or above it has been. Written by the controller alone, with a quorum,
 * before it answers a block; read at controller start from a quorum.
 *
 * <p>The register's timestamp is the mark itself ({@link #CLOCK}), so every merge keeps the highest
 * mark, whichever controller wrote it and whatever the clocks say: the mark only grows, on every
 * replica. A superseded controller's late write can only raise it (wasting ids), never lower it.
 * Durable, so it survives a restart of every broker.
 */
public final class ProducerIdsKey {
  public static final Key<LWWRegister<ProducerIdsRecord>> KEY =
      LWWRegisterKey.create("sluice-producer-ids");

  /**
   * The mark and who raised it last (for the logs and for operators: the controller epoch and the
   * broker the last block went to).
   *
   * @param nextProducerId the first id not reserved yet
   */
  public record ProducerIdsRecord(long nextProducerId, int controllerEpoch, int brokerId)
      implements CborSerializable {
    public ProducerIdsRecord {
      if (nextProducerId < 0) {
        throw new IllegalArgumentException(
            "the next producer id must not be negative, not " + nextProducerId);
      }
    }
  }

  /** The register's timestamp is the mark: the highest mark wins every merge. */
  public static final LWWRegister.Clock<ProducerIdsRecord> CLOCK =
      (currentTimestamp, record) -> record.nextProducerId();

  private ProducerIdsKey() {}
}
