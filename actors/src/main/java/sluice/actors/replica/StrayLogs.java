package sluice.actors.replica;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sluice.actors.controller.TopicNames;
import sluice.actors.journal.Logs.StoredLog;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;

/**
 * Which partition directories on this broker are stray: replica logs of a topic deleted while the
 * broker was down (Kafka deletes such logs at start). Pure and stateless; the {@link
 * ReplicaManager} decides when to ask and deletes what comes back.
 *
 * <p>The rule asks for positive evidence, never for absence from a view of the metadata, which may
 * be incomplete (a broker's replica before gossip caught up, a durable copy that was lost): a
 * directory is stray only if its {@code partition.metadata} records a topic id the controller
 * recorded as deleted ({@link sluice.actors.metadata.DeletedTopicsKey}, written once a majority
 * confirmed the removal; ids are never reused). And even then it is kept if any topic in the
 * current metadata has that id, if the partition is in use here (a follower, a lease, a replica the
 * metadata asks for), or if its topic name is internal ({@code __} prefix): internal topics are
 * never deleted, so such a record can only be a mistake.
 */
final class StrayLogs {
  private StrayLogs() {}

  /** A stray directory and the recorded deletion that makes it one. */
  record Stray(StoredLog log, DeletedTopic deletion) {}

  /**
   * The stray directories among {@code stored}.
   *
   * @param deleted the recorded deletions, by topic id
   * @param liveTopicIds the ids of every topic in the current metadata
   * @param inUse the {@code topic-partition}s this broker runs or is asked to run something for
   */
  static List<Stray> select(
      Collection<StoredLog> stored,
      Map<String, DeletedTopic> deleted,
      Set<String> liveTopicIds,
      Set<String> inUse) {
    List<Stray> strays = new ArrayList<>();
    for (StoredLog log : stored) {
      DeletedTopic deletion = log.topicId() == null ? null : deleted.get(log.topicId());
      if (deletion == null
          || liveTopicIds.contains(log.topicId())
          || inUse.contains(log.topicPartition())
          || log.topicPartition().startsWith(TopicNames.INTERNAL_PREFIX)) {
        continue;
      }
      strays.add(new Stray(log, deletion));
    }
    return strays;
  }
}
