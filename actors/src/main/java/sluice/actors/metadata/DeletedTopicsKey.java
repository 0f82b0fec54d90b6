package sluice.actors.metadata;

import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;
import akka.cluster.ddata.SelfUniqueAddress;
import java.util.Comparator;
import java.util.Map;
import sluice.actors.api.CborSerializable;

/**
 * The Distributed Data key under which the controller records deleted topics, by topic id: the
 * positive evidence a broker needs before it deletes a replica log it finds on disk at start (one
 * whose topic was deleted while the broker was down). Absence from the topic list ({@link
 * MetadataLayout}) proves nothing, since a broker's view of the topics may be incomplete; an id
 * recorded here is gone for good, because the controller records it only once a majority of brokers
 * acknowledged the topic's removal, and a topic created again gets a new id.
 *
 * <p>Durable, written with a majority by the controller alone. Only the newest {@code keep}
 * deletions are kept (entries are small, but the map travels whole in gossip): a broker down for
 * more deletions than that may keep the logs of the oldest ones.
 */
public final class DeletedTopicsKey {
  public static final Key<LWWMap<String, DeletedTopic>> KEY =
      LWWMapKey.create("sluice-deleted-topics");

  /** A deleted topic: its name and id, and when the controller recorded the deletion. */
  public record DeletedTopic(String name, String topicId, long deletedAtMillis)
      implements CborSerializable {}

  private DeletedTopicsKey() {}

  /**
   * {@code map} with the deletion of {@code name} (id {@code topicId}) at {@code nowMillis} added
   * and, beyond {@code keep} entries, the oldest removed. Deletion times only grow (a clock that
   * went back, or two deletions in one millisecond, still order them as they were recorded).
   */
  public static LWWMap<String, DeletedTopic> record(
      LWWMap<String, DeletedTopic> map,
      SelfUniqueAddress node,
      String name,
      String topicId,
      long nowMillis,
      int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, not " + keep);
    }
    long latest =
        map.getEntries().values().stream()
            .mapToLong(DeletedTopic::deletedAtMillis)
            .max()
            .orElse(Long.MIN_VALUE);
    DeletedTopic deleted = new DeletedTopic(name, topicId, Math.max(nowMillis, latest + 1));
    LWWMap<String, DeletedTopic> result = map.put(node, topicId, deleted);
    var oldestFirst =
        result.getEntries().entrySet().stream()
            .sorted(
                Comparator.comparingLong(
                        (Map.Entry<String, DeletedTopic> e) -> e.getValue().deletedAtMillis())
                    .thenComparing(Map.Entry::getKey))
            .map(Map.Entry::getKey)
            .toList();
    for (int i = 0; i < oldestFirst.size() - keep; i++) {
      result = result.remove(node, oldestFirst.get(i));
    }
    return result;
  }
}
