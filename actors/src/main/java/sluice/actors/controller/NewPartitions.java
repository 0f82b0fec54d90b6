package sluice.actors.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * Checks a request to add partitions to a topic (Kafka's CreatePartitions) in the order Kafka does
 * (topic, count, brokers) and builds the grown topic: the existing partitions unchanged, the new
 * ones assigned by {@link ReplicaAssigner} with the topic's replication factor, as at creation.
 * Stateless.
 */
final class NewPartitions {
  private NewPartitions() {}

  /** Exactly one of {@code topic} and {@code error} is non-null. */
  record Validated(TopicMetadata topic, ApiError error) {}

  /**
   * The topic with {@code partitions} partitions, or why it cannot have them.
   *
   * @param topics the existing topics, by name
   * @param live the ids of the live brokers
   */
  static Validated validate(
      String name,
      int partitions,
      Map<String, TopicMetadata> topics,
      SortedSet<Integer> live,
      int maxPartitions) {
    TopicMetadata topic = topics.get(name);
    if (topic == null) {
      return invalid(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '%s' does not exist", name);
    }
    if (topic.internal()) {
      return invalid(
          ErrorCode.INVALID_TOPIC_EXCEPTION,
          "Topic '%s' is internal: its partition count cannot be changed",
          name);
    }
    int current = topic.partitions().size();
    if (partitions <= current) {
      return invalid(
          ErrorCode.INVALID_PARTITIONS,
          "Topic '%s' has %d partition(s); the new count must be greater, not %d (partitions can"
              + " only be added)",
          name,
          current,
          partitions);
    }
    if (partitions > maxPartitions) {
      return invalid(
          ErrorCode.INVALID_PARTITIONS,
          "Topic '%s' can have at most %d partitions, not %d",
          name,
          maxPartitions,
          partitions);
    }
    int replicationFactor = topic.partitions().get(0).replicas().size();
    if (replicationFactor > live.size()) {
      return invalid(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          "Topic '%s' has replication factor %d, larger than the %d live brokers %s",
          name,
          replicationFactor,
          live.size(),
          live);
    }
    List<PartitionAssignment> grown = new ArrayList<>(topic.partitions());
    grown.addAll(
        ReplicaAssigner.assign(
            current, partitions - current, replicationFactor, live, topics.values()));
    return new Validated(
        new TopicMetadata(topic.name(), topic.topicId(), topic.internal(), topic.configs(), grown),
        null);
  }

  private static Validated invalid(ErrorCode code, String format, Object... args) {
    return new Validated(null, ApiError.of(code, format, args));
  }
}
