package sluice.actors.metadata;

import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWRegister;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which partition registers a reader of the split layout ({@link MetadataLayout}) subscribes to:
 * the register of every partition of every listed topic, no other. Given each new topic list it
 * says which registers to subscribe to (new topics, grown topics) and which to drop (removed
 * topics, a topic created again under a new id); its owner sends the replicator's {@code Subscribe}
 * and {@code Unsubscribe}.
 *
 * <p>Invariant: after each {@link #follow}, the subscribed registers are exactly those of the list
 * it was given. Not thread-safe: used on its owner's actor thread.
 */
public final class PartitionSubscriptions {

  /** What to change: registers to subscribe to and to unsubscribe from. */
  public record Diff(
      List<Key<LWWRegister<PartitionAssignment>>> subscribe,
      List<Key<LWWRegister<PartitionAssignment>>> unsubscribe) {
    public Diff {
      subscribe = List.copyOf(subscribe);
      unsubscribe = List.copyOf(unsubscribe);
    }
  }

  /** The entry each subscribed topic had when its registers were subscribed, by name. */
  private final Map<String, TopicEntry> followed = new HashMap<>();

  /** The key ids of the subscribed registers. */
  private final Set<String> keyIds = new HashSet<>();

  /** Whether {@code key} is a register of a followed topic. */
  public boolean follows(Key<?> key) {
    return keyIds.contains(key.id());
  }

  /** Follows {@code entries} (the new topic list, by name) from now on. */
  public Diff follow(Map<String, TopicEntry> entries) {
    List<Key<LWWRegister<PartitionAssignment>>> subscribe = new ArrayList<>();
    List<Key<LWWRegister<PartitionAssignment>>> unsubscribe = new ArrayList<>();
    for (var it = followed.entrySet().iterator(); it.hasNext(); ) {
      var old = it.next();
      TopicEntry now = entries.get(old.getKey());
      if (now == null || !now.topicId().equals(old.getValue().topicId())) {
        unsubscribe.addAll(MetadataLayout.partitionKeys(old.getValue()));
        it.remove();
      } else if (now.partitionCount() < old.getValue().partitionCount()) {
        List<Key<LWWRegister<PartitionAssignment>>> keys =
            MetadataLayout.partitionKeys(old.getValue());
        unsubscribe.addAll(keys.subList(now.partitionCount(), keys.size()));
      }
    }
    for (TopicEntry entry : entries.values()) {
      TopicEntry old = followed.get(entry.name());
      int from = old == null ? 0 : Math.min(old.partitionCount(), entry.partitionCount());
      for (int p = from; p < entry.partitionCount(); p++) {
        subscribe.add(MetadataLayout.partitionKey(entry.topicId(), p));
      }
      followed.put(entry.name(), entry);
    }
    unsubscribe.forEach(key -> keyIds.remove(key.id()));
    subscribe.forEach(key -> keyIds.add(key.id()));
    return new Diff(subscribe, unsubscribe);
  }
}
