package sluice.http;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.Query;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.TopicDescription;

/**
 * The REST Proxy v3 resource shapes ({@code kind}, {@code metadata.self}, relationships as {@code
 * {"related": url}}), built from the gateway's descriptions. URLs are absolute, on the scheme, host
 * and port the request came in on. Partitions carry fields the REST Proxy does not have: from the
 * controller's metadata {@code leader_id} (-1 and a null {@code leader} link when the partition has
 * no leader), {@code leader_epoch}, {@code replica_ids} (preferred leader first) and {@code
 * in_sync_replica_ids}; from the leader {@code log_start_offset}, {@code high_watermark} and {@code
 * log_end_offset} (null when the partition's leader could not be asked).
 */
final class V3Resources {
  private final String base;
  private final String clusterId;

  private V3Resources(String base, String clusterId) {
    this.base = base;
    this.clusterId = clusterId;
  }

  static V3Resources of(HttpRequest request, String clusterId) {
    String base = request.getUri().path("").query(Query.EMPTY).toString() + "/v3/clusters/";
    return new V3Resources(base, clusterId);
  }

  record Relationship(String related) {}

  record ResourceMetadata(String self, String resourceName) {}

  record CollectionMetadata(String self, String next) {}

  record ResourceList<T>(String kind, CollectionMetadata metadata, List<T> data) {}

  record ClusterData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      Relationship controller,
      Relationship acls,
      Relationship brokers,
      Relationship brokerConfigs,
      Relationship consumerGroups,
      Relationship topics,
      Relationship partitionReassignments) {}

  record BrokerData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      int brokerId,
      String host,
      int port,
      String rack,
      Relationship configs,
      Relationship partitionReplicas) {}

  record TopicData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String topicName,
      boolean isInternal,
      int replicationFactor,
      int partitionsCount,
      Relationship partitions,
      Relationship configs,
      Relationship partitionReassignments) {}

  record PartitionData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String topicName,
      int partitionId,
      Relationship leader,
      Relationship replicas,
      Relationship reassignment,
      int leaderId,
      int leaderEpoch,
      List<Integer> replicaIds,
      List<Integer> inSyncReplicaIds,
      Long logStartOffset,
      Long highWatermark,
      Long logEndOffset) {}

  record ReplicaData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String topicName,
      int partitionId,
      int brokerId,
      boolean isLeader,
      boolean isInSync,
      Relationship broker) {}

  record ConfigSynonym(String name, String value, String source) {}

  record TopicConfigData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String topicName,
      String name,
      String value,
      boolean isDefault,
      boolean isReadOnly,
      boolean isSensitive,
      String source,
      List<ConfigSynonym> synonyms) {}

  String clusterUrl() {
    return base + clusterId;
  }

  private String topicUrl(String topic) {
    return clusterUrl() + "/topics/" + topic;
  }

  private String partitionUrl(String topic, int partition) {
    return topicUrl(topic) + "/partitions/" + partition;
  }

  private String crn(String suffix) {
    return "crn:///kafka=" + clusterId + suffix;
  }

  <T> ResourceList<T> list(String kind, String self, List<T> data) {
    return new ResourceList<>(kind, new CollectionMetadata(self, null), data);
  }

  String clustersUrl() {
    return base.substring(0, base.length() - 1);
  }

  ClusterData cluster(int controllerId) {
    String url = clusterUrl();
    return new ClusterData(
        "KafkaCluster",
        new ResourceMetadata(url, crn("")),
        clusterId,
        new Relationship(url + "/brokers/" + controllerId),
        new Relationship(url + "/acls"),
        new Relationship(url + "/brokers"),
        new Relationship(url + "/broker-configs"),
        new Relationship(url + "/consumer-groups"),
        new Relationship(url + "/topics"),
        new Relationship(url + "/topics/-/partitions/-/reassignment"));
  }

  String brokersUrl() {
    return clusterUrl() + "/brokers";
  }

  BrokerData broker(BrokerInfo broker) {
    String url = brokersUrl() + "/" + broker.brokerId();
    return new BrokerData(
        "KafkaBroker",
        new ResourceMetadata(url, crn("/broker=" + broker.brokerId())),
        clusterId,
        broker.brokerId(),
        broker.host(),
        broker.httpPort(),
        null,
        new Relationship(url + "/configs"),
        new Relationship(url + "/partition-replicas"));
  }

  String topicsUrl() {
    return clusterUrl() + "/topics";
  }

  TopicData topic(TopicDescription topic) {
    String url = topicUrl(topic.name());
    return new TopicData(
        "KafkaTopic",
        new ResourceMetadata(url, crn("/topic=" + topic.name())),
        clusterId,
        topic.name(),
        topic.internal(),
        topic.replicationFactor(),
        topic.partitions().size(),
        new Relationship(url + "/partitions"),
        new Relationship(url + "/configs"),
        new Relationship(url + "/partitions/-/reassignment"));
  }

  String configsUrl(String topic) {
    return topicUrl(topic) + "/configs";
  }

  /** The topic's own configs (those it sets), sorted by name. */
  List<TopicConfigData> configs(TopicDescription topic) {
    return new TreeMap<>(topic.configs())
        .entrySet().stream().map(e -> config(topic.name(), e)).toList();
  }

  private TopicConfigData config(String topic, Map.Entry<String, String> entry) {
    String url = configsUrl(topic) + "/" + entry.getKey();
    String source = "DYNAMIC_TOPIC_CONFIG";
    return new TopicConfigData(
        "KafkaTopicConfig",
        new ResourceMetadata(url, crn("/topic=" + topic + "/config=" + entry.getKey())),
        clusterId,
        topic,
        entry.getKey(),
        entry.getValue(),
        false,
        false,
        false,
        source,
        List.of(new ConfigSynonym(entry.getKey(), entry.getValue(), source)));
  }

  String partitionsUrl(String topic) {
    return topicUrl(topic) + "/partitions";
  }

  PartitionData partition(String topic, PartitionInfo partition, PartitionOffsets offsets) {
    String url = partitionUrl(topic, partition.partition());
    return new PartitionData(
        "KafkaPartition",
        new ResourceMetadata(url, crn("/topic=" + topic + "/partition=" + partition.partition())),
        clusterId,
        topic,
        partition.partition(),
        partition.leader() < 0 ? null : new Relationship(url + "/replicas/" + partition.leader()),
        new Relationship(url + "/replicas"),
        new Relationship(url + "/reassignment"),
        partition.leader(),
        partition.leaderEpoch(),
        partition.replicas(),
        partition.isr(),
        offsets == null ? null : offsets.logStartOffset(),
        offsets == null ? null : offsets.highWatermark(),
        offsets == null ? null : offsets.logEndOffset());
  }

  String replicasUrl(String topic, int partition) {
    return partitionUrl(topic, partition) + "/replicas";
  }

  List<ReplicaData> replicas(String topic, PartitionInfo partition) {
    return partition.replicas().stream()
        .map(
            brokerId -> {
              String url = replicasUrl(topic, partition.partition()) + "/" + brokerId;
              return new ReplicaData(
                  "KafkaReplica",
                  new ResourceMetadata(
                      url,
                      crn(
                          "/topic="
                              + topic
                              + "/partition="
                              + partition.partition()
                              + "/replica="
                              + brokerId)),
                  clusterId,
                  topic,
                  partition.partition(),
                  brokerId,
                  brokerId == partition.leader(),
                  partition.isr().contains(brokerId),
                  new Relationship(brokersUrl() + "/" + brokerId));
            })
        .toList();
  }
}
