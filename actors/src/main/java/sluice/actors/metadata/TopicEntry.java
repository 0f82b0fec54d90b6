package sluice.actors.metadata;

import java.util.List;
import java.util.Map;
import sluice.actors.api.CborSerializable;

/**
 * A topic as listed under {@link MetadataLayout#TOPIC_LIST}: everything but its partitions'
 * assignments, which live in one register each ({@link MetadataLayout#partitionKey}). Changes only
 * when the topic is created, grows or is removed, never on an ISR change or election.
 *
 * @param topicId a UUID, new for every creation; part of every register's key
 * @param partitionCount the number of partition registers, 0 to {@code partitionCount - 1}
 */
public record TopicEntry(
    String name, String topicId, boolean internal, Map<String, String> configs, int partitionCount)
    implements CborSerializable {

  public TopicEntry {
    configs = Map.copyOf(configs);
    if (partitionCount < 0) {
      throw new IllegalArgumentException(
          "topic " + name + " has a negative partition count " + partitionCount);
    }
  }

  /** The entry of {@code topic}. */
  public static TopicEntry of(TopicMetadata topic) {
    return new TopicEntry(
        topic.name(),
        topic.topicId(),
        topic.internal(),
        topic.configs(),
        topic.partitions().size());
  }

  /** The whole topic, with {@code partitions} (one per partition, in order). */
  public TopicMetadata with(List<PartitionAssignment> partitions) {
    if (partitions.size() != partitionCount) {
      throw new IllegalArgumentException(
          String.format(
              "topic %s has %d partitions, not %d", name, partitionCount, partitions.size()));
    }
    return new TopicMetadata(name, topicId, internal, configs, partitions);
  }
}
