package sluice.actors.metadata;

import java.util.List;
import sluice.actors.api.CborSerializable;

/**
 * Who holds a partition. The controller bumps {@code leaderEpoch} on every leader change and {@code
 * partitionEpoch} on every change of this record (leader or ISR), so a change proposed against an
 * older epoch can be refused.
 *
 * @param replicas broker ids, the preferred leader first
 */
public record PartitionAssignment(
    int partition,
    List<Integer> replicas,
    int leader,
    int leaderEpoch,
    List<Integer> isr,
    int partitionEpoch)
    implements CborSerializable {

  public PartitionAssignment {
    replicas = List.copyOf(replicas);
    isr = List.copyOf(isr);
  }
}
