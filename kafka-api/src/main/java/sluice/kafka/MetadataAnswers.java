package sluice.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import sluice.actors.api.AdminRequest.ClusterDescription;
import sluice.actors.api.ApiError;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.TopicDescription;

/**
 * Builds a Metadata answer from the gateway's view: the live brokers that run a Kafka listener, the
 * cluster id, the controller's broker, and per topic asked for its partitions or its error. Pure.
 *
 * <p>A partition's leader is named only while its broker is live and serves Kafka; otherwise the
 * partition is answered {@code LEADER_NOT_AVAILABLE} with leader -1, so a client waits and asks
 * again instead of connecting to a broker that is gone. Replicas on brokers that are not live are
 * listed as offline replicas.
 */
final class MetadataAnswers {
  private MetadataAnswers() {}

  /** A topic asked for: its description, or why there is none. */
  record TopicAnswer(String name, TopicDescription topic, ApiError error) {}

  static MetadataResponseData answer(ClusterDescription cluster, List<TopicAnswer> topics) {
    MetadataResponseData data =
        new MetadataResponseData()
            .setClusterId(cluster.clusterId())
            .setControllerId(cluster.controllerId());
    Set<Integer> serving =
        cluster.brokers().stream()
            .filter(BrokerInfo::servesKafka)
            .map(BrokerInfo::brokerId)
            .collect(Collectors.toSet());
    for (BrokerInfo broker : cluster.brokers()) {
      if (broker.servesKafka()) {
        data.brokers()
            .add(
                new MetadataResponseBroker()
                    .setNodeId(broker.brokerId())
                    .setHost(broker.kafkaHost())
                    .setPort(broker.kafkaPort()));
      }
    }
    for (TopicAnswer answer : topics) {
      data.topics().add(topic(answer, serving));
    }
    return data;
  }

  private static MetadataResponseTopic topic(TopicAnswer answer, Set<Integer> serving) {
    MetadataResponseTopic topic = new MetadataResponseTopic().setName(answer.name());
    if (answer.topic() == null) {
      return topic.setErrorCode(KafkaErrors.code(answer.error())).setTopicId(Uuid.ZERO_UUID);
    }
    TopicDescription description = answer.topic();
    topic.setTopicId(topicId(description.topicId())).setIsInternal(description.internal());
    for (PartitionInfo partition : description.partitions()) {
      boolean leaderServes = partition.leader() >= 0 && serving.contains(partition.leader());
      List<Integer> offline = new ArrayList<>();
      for (int replica : partition.replicas()) {
        if (!serving.contains(replica)) {
          offline.add(replica);
        }
      }
      topic
          .partitions()
          .add(
              new MetadataResponsePartition()
                  .setPartitionIndex(partition.partition())
                  .setErrorCode(
                      leaderServes ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                  .setLeaderId(leaderServes ? partition.leader() : -1)
                  .setLeaderEpoch(partition.leaderEpoch())
                  .setReplicaNodes(List.copyOf(partition.replicas()))
                  .setIsrNodes(List.copyOf(partition.isr()))
                  .setOfflineReplicas(offline));
    }
    return topic;
  }

  /** Sluice's topic id (a UUID in its text form) as Kafka's; the zero id if it is not one. */
  static Uuid topicId(String id) {
    if (id == null) {
      return Uuid.ZERO_UUID;
    }
    try {
      UUID uuid = UUID.fromString(id);
      return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
    } catch (IllegalArgumentException e) {
      return Uuid.ZERO_UUID;
    }
  }
}
