package sluice.bench.http;

import java.util.List;

/**
 * A partition as {@code GET /v3/clusters/{id}/topics/{t}/partitions/{p}} describes it: the leader's
 * broker id ({@code leader_id}, -1 when the partition has no leader) and the in-sync replicas
 * ({@code in_sync_replica_ids}).
 *
 * @param leaderId the leader's broker id, -1 for none
 * @param isr the in-sync replicas' broker ids
 */
public record PartitionMetadata(int leaderId, List<Integer> isr) {

  public PartitionMetadata {
    isr = List.copyOf(isr);
  }
}
