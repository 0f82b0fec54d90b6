package sluice.actors.controller;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.UUID;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * Checks a topic creation against the existing topics and live brokers, in the order Kafka does
 * (name, existence, partitions, replication factor, configs), and builds the new topic's metadata:
 * a fresh topic id and the replica assignment of {@link ReplicaAssigner}. Stateless.
 */
final class NewTopics {
  private NewTopics() {}

  /** Exactly one of {@code topic} and {@code error} is non-null. */
  record Validated(TopicMetadata topic, ApiError error) {}

  /**
   * The new topic's metadata, or why it cannot be created.
   *
   * @param internal whether the topic is one of the broker's own, named {@code __...}
   * @param topics the existing topics, by name
   * @param live the ids of the live brokers
   */
  static Validated validate(
      AdminRequest.CreateTopic request,
      boolean internal,
      Map<String, TopicMetadata> topics,
      SortedSet<Integer> live,
      int maxPartitions) {
    String name = request.name();
    Optional<ApiError> nameError = TopicNames.check(name, internal);
    if (nameError.isPresent()) {
      return new Validated(null, nameError.get());
    }
    if (topics.containsKey(name)) {
      return invalid(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '%s' already exists", name);
    }
    Optional<String> collision = TopicNames.collision(name, topics.keySet());
    if (collision.isPresent()) {
      return invalid(
          ErrorCode.INVALID_TOPIC_EXCEPTION,
          "Topic '%s' collides with existing topic '%s': names may not differ only by '.'"
              + " versus '_'",
          name,
          collision.get());
    }
    if (request.partitions() < 1 || request.partitions() > maxPartitions) {
      return invalid(
          ErrorCode.INVALID_PARTITIONS,
          "Number of partitions must be between 1 and %d, not %d",
          maxPartitions,
          request.partitions());
    }
    if (live.isEmpty()) {
      return invalid(
          ErrorCode.LEADER_NOT_AVAILABLE,
          "No live broker has registered with the controller yet; retry shortly");
    }
    int replicationFactor =
        request.replicationFactor() != null
            ? request.replicationFactor()
            : Math.min(3, live.size());
    if (replicationFactor < 1) {
      return invalid(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          "Replication factor must be at least 1, not %d",
          replicationFactor);
    }
    if (replicationFactor > live.size()) {
      return invalid(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          "Replication factor %d is larger than the %d live brokers %s",
          replicationFactor,
          live.size(),
          live);
    }
    var configs =
        TopicConfigs.validate(
            request.configs() == null ? Map.of() : request.configs(), replicationFactor);
    if (configs.error() != null) {
      return new Validated(null, configs.error());
    }
    List<PartitionAssignment> assignments =
        ReplicaAssigner.assign(request.partitions(), replicationFactor, live, topics.values());
    return new Validated(
        new TopicMetadata(
            name, UUID.randomUUID().toString(), internal, configs.configs(), assignments),
        null);
  }

  private static Validated invalid(ErrorCode code, String format, Object... args) {
    return new Validated(null, ApiError.of(code, format, args));
  }
}
