package sluice.actors.metadata;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which partitions changed between two {@link MetadataSnapshot}s, the rule by which the {@link
 * MetadataView} decides whom to tell. A partition changed when its assignment (replicas, leader,
 * epochs, ISR) differs, when it appeared or disappeared, or when its topic's id, configs or
 * internal flag differ (a topic deleted and created again, a config change): what a partition
 * leader or follower acts on. Partitions added to a topic change nothing for the others. Pure.
 */
public final class MetadataChanges {
  private MetadataChanges() {}

  /** The partitions that changed from {@code before} to {@code after}. */
  public static Set<PartitionId> partitions(MetadataSnapshot before, MetadataSnapshot after) {
    Set<PartitionId> changed = new HashSet<>();
    Set<String> names = new HashSet<>(before.topics().keySet());
    names.addAll(after.topics().keySet());
    for (String name : names) {
      TopicMetadata was = before.topics().get(name);
      TopicMetadata now = after.topics().get(name);
      if (Objects.equals(was, now)) {
        continue;
      }
      boolean wholeTopic = was == null || now == null || !sameTopic(was, now);
      int count = Math.max(partitionCount(was), partitionCount(now));
      for (int p = 0; p < count; p++) {
        if (wholeTopic || !was.partition(p).equals(now.partition(p))) {
          changed.add(new PartitionId(name, p));
        }
      }
    }
    return changed;
  }

  /** Whether the brokers' registrations differ. */
  public static boolean brokers(MetadataSnapshot before, MetadataSnapshot after) {
    return !before.brokers().equals(after.brokers());
  }

  /**
   * Of {@code changed}, the partitions that list {@code brokerId} as a replica in {@code before} or
   * {@code after}: those whose replica on that broker was added, moved, changed or removed.
   */
  public static Set<PartitionId> onBroker(
      Set<PartitionId> changed, MetadataSnapshot before, MetadataSnapshot after, int brokerId) {
    Set<PartitionId> onBroker = new HashSet<>();
    for (PartitionId id : changed) {
      if (hosts(before, id, brokerId) || hosts(after, id, brokerId)) {
        onBroker.add(id);
      }
    }
    return onBroker;
  }

  /** Every partition that lists {@code brokerId} as a replica in {@code snapshot}. */
  public static Set<PartitionId> hostedBy(MetadataSnapshot snapshot, int brokerId) {
    Set<PartitionId> hosted = new HashSet<>();
    for (Map.Entry<String, TopicMetadata> topic : snapshot.topics().entrySet()) {
      for (PartitionAssignment assignment : topic.getValue().partitions()) {
        if (assignment.replicas().contains(brokerId)) {
          hosted.add(new PartitionId(topic.getKey(), assignment.partition()));
        }
      }
    }
    return hosted;
  }

  private static boolean hosts(MetadataSnapshot snapshot, PartitionId id, int brokerId) {
    return snapshot
        .partition(id.topic(), id.partition())
        .map(assignment -> assignment.replicas().contains(brokerId))
        .orElse(false);
  }

  private static boolean sameTopic(TopicMetadata was, TopicMetadata now) {
    return was.topicId().equals(now.topicId())
        && was.internal() == now.internal()
        && was.configs().equals(now.configs());
  }

  private static int partitionCount(TopicMetadata topic) {
    return topic == null ? 0 : topic.partitions().size();
  }
}
