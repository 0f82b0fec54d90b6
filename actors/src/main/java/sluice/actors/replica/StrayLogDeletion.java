package sluice.actors.replica;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.TopicMetadata;

/**
 * The {@link ReplicaManager}'s deletion of stray replica logs: those of topics deleted while this
 * broker was down, which no metadata names. It keeps the deleted topics the controller recorded
 * ({@link sluice.actors.metadata.DeletedTopicsKey}) and, once the manager has read the topic
 * metadata and whenever that record changes, deletes every directory {@link StrayLogs} selects,
 * naming each in the log. Absence from the metadata alone never deletes anything.
 *
 * <p>A failure is logged and retried at the next change: the manager must live on, it holds the
 * leases of every partition here. Not thread-safe: owned by the manager's actor.
 */
final class StrayLogDeletion {
  private final Logs logs;
  private final Logger log;
  private Map<String, DeletedTopic> deleted = Map.of();

  StrayLogDeletion(Logs logs, Logger log) {
    this.logs = logs;
    this.log = log;
  }

  /** The controller's record of deleted topics changed: {@code deleted}, by topic id. */
  void deletedTopicsChanged(Map<String, DeletedTopic> deleted) {
    this.deleted = deleted;
  }

  /**
   * Deletes the stray logs among the partition directories here.
   *
   * @param topics the current topic metadata, by name
   * @param inUse the {@code topic-partition}s this broker runs or is asked to run something for
   */
  void run(Map<String, TopicMetadata> topics, Set<String> inUse) {
    if (deleted.isEmpty()) {
      return;
    }
    try {
      Set<String> liveIds = new HashSet<>();
      topics.values().forEach(topic -> liveIds.add(topic.topicId()));
      for (StrayLogs.Stray stray : StrayLogs.select(logs.storedLogs(), deleted, liveIds, inUse)) {
        DeletedTopic deletion = stray.deletion();
        if (logs.deleteStray(stray.log().topicPartition(), deletion.topicId())) {
          log.info(
              "Deleted the stray replica log {}: topic '{}' (id {}) was deleted at {} while"
                  + " this broker was away",
              logs.partitionDir(stray.log().topicPartition()),
              deletion.name(),
              deletion.topicId(),
              Instant.ofEpochMilli(deletion.deletedAtMillis()));
        }
      }
    } catch (RuntimeException e) {
      log.error("Looking for stray replica logs failed", e);
    }
  }
}
