package sluice.actors.replica;

import java.util.Map;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.replica.PartitionFollower.Assignment;

/**
 * What the topic metadata asks of this broker for one partition it replicates: the topic's id and
 * configs, and the partition's leader and leader epoch. Pure: read from a snapshot of the metadata
 * (topic name to {@link TopicMetadata}).
 */
record WantedReplica(
    String topic,
    int partition,
    String topicId,
    int leader,
    int leaderEpoch,
    Map<String, String> configs) {

  /** This broker's replica of {@code topicPartition} per {@code topics}, or null if it has none. */
  static WantedReplica of(Map<String, TopicMetadata> topics, String topicPartition, int brokerId) {
    int dash = topicPartition.lastIndexOf('-');
    TopicMetadata topic = topics.get(topicPartition.substring(0, dash));
    if (topic == null) {
      return null;
    }
    int partition = Integer.parseInt(topicPartition.substring(dash + 1));
    PartitionAssignment assignment = topic.partition(partition).orElse(null);
    if (assignment == null || !assignment.replicas().contains(brokerId)) {
      return null;
    }
    return new WantedReplica(
        topic.name(),
        partition,
        topic.topicId(),
        assignment.leader(),
        assignment.leaderEpoch(),
        topic.configs());
  }

  /** Whether broker {@code brokerId} runs a follower: the leader is another, live, broker. */
  boolean followedBy(int brokerId) {
    return leader >= 0 && leader != brokerId;
  }

  Assignment assignment() {
    return new Assignment(topic, partition, topicId, leader, leaderEpoch);
  }
}
