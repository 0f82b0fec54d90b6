package sluice.http;

import java.util.List;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.GroupDescription.MemberDescription;
import sluice.actors.group.state.GroupState;
import sluice.actors.group.state.TopicPartition;
import sluice.http.V3Resources.Relationship;
import sluice.http.V3Resources.ResourceMetadata;

/**
 * The REST Proxy v3 consumer-group resource shapes ({@code KafkaConsumerGroup}, {@code
 * KafkaConsumer}, {@code KafkaConsumerAssignment}, {@code KafkaConsumerLag}, {@code
 * KafkaConsumerGroupLagSummary}), with the REST Proxy's fields, links and resource names, built
 * from a coordinator's {@link GroupRequest.DescribedGroup}. URLs hang off {@link
 * V3Resources#clusterUrl()}.
 *
 * <p>Every Sluice group is a consumer-protocol (KIP-848) group: {@code type} is {@code CONSUMER},
 * {@code is_simple} and {@code is_mixed_consumer_group} false, as Kafka's admin client describes
 * such a group; our {@link GroupState} names are the REST Proxy's ({@code EMPTY}, {@code
 * ASSIGNING}, {@code RECONCILING}, {@code STABLE}, {@code DEAD}). A consumer carries {@code host}
 * besides the REST Proxy's fields (its entity holds the host but does not render it).
 */
final class V3GroupResources {
  private final V3Resources resources;
  private final String clusterId;

  V3GroupResources(V3Resources resources, String clusterId) {
    this.resources = resources;
    this.clusterId = clusterId;
  }

  record ConsumerGroupData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String consumerGroupId,
      boolean isSimple,
      String partitionAssignor,
      String state,
      String type,
      boolean isMixedConsumerGroup,
      Relationship coordinator,
      Relationship consumers,
      Relationship lagSummary) {}

  record ConsumerData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String consumerGroupId,
      String consumerId,
      String instanceId,
      String clientId,
      String host,
      Relationship assignments) {}

  record ConsumerAssignmentData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String consumerGroupId,
      String consumerId,
      String topicName,
      int partitionId,
      Relationship partition,
      Relationship lag) {}

  record ConsumerLagData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String consumerGroupId,
      String topicName,
      int partitionId,
      long currentOffset,
      long logEndOffset,
      long lag,
      String consumerId,
      String instanceId,
      String clientId) {}

  record ConsumerGroupLagSummaryData(
      String kind,
      ResourceMetadata metadata,
      String clusterId,
      String consumerGroupId,
      String maxLagConsumerId,
      String maxLagInstanceId,
      String maxLagClientId,
      String maxLagTopicName,
      int maxLagPartitionId,
      long maxLag,
      long totalLag,
      Relationship maxLagConsumer,
      Relationship maxLagPartition) {}

  String groupsUrl() {
    return resources.clusterUrl() + "/consumer-groups";
  }

  private String groupUrl(String group) {
    return groupsUrl() + "/" + group;
  }

  String consumersUrl(String group) {
    return groupUrl(group) + "/consumers";
  }

  private String consumerUrl(String group, String consumer) {
    return consumersUrl(group) + "/" + consumer;
  }

  String assignmentsUrl(String group, String consumer) {
    return consumerUrl(group, consumer) + "/assignments";
  }

  String lagsUrl(String group) {
    return groupUrl(group) + "/lags";
  }

  private String partitionUrl(String topic, int partition) {
    return resources.topicsUrl() + "/" + topic + "/partitions/" + partition;
  }

  private String crn(String suffix) {
    return "crn:///kafka=" + clusterId + suffix;
  }

  /**
   * The REST Proxy's state name for ours: the same names, as Kafka's {@code GroupState} of a
   * consumer-protocol group renders them.
   */
  static String stateName(GroupState state) {
    return switch (state) {
      case EMPTY -> "EMPTY";
      case ASSIGNING -> "ASSIGNING";
      case RECONCILING -> "RECONCILING";
      case STABLE -> "STABLE";
      case DEAD -> "DEAD";
    };
  }

  /**
   * @param coordinatorId the broker leading the group's {@code __consumer_offsets} partition, or -1
   *     when it is not known (then {@code coordinator} is null)
   */
  ConsumerGroupData group(GroupRequest.DescribedGroup group, int coordinatorId) {
    String id = group.groupId();
    return new ConsumerGroupData(
        "KafkaConsumerGroup",
        new ResourceMetadata(groupUrl(id), crn("/consumer-group=" + id)),
        clusterId,
        id,
        false,
        group.assignor(),
        stateName(group.state()),
        "CONSUMER",
        false,
        coordinatorId < 0 ? null : new Relationship(resources.brokersUrl() + "/" + coordinatorId),
        new Relationship(consumersUrl(id)),
        new Relationship(groupUrl(id) + "/lag-summary"));
  }

  ConsumerData consumer(String group, MemberDescription member) {
    String url = consumerUrl(group, member.memberId());
    return new ConsumerData(
        "KafkaConsumer",
        new ResourceMetadata(
            url, crn("/consumer-group=" + group + "/consumer=" + member.memberId())),
        clusterId,
        group,
        member.memberId(),
        member.instanceId(),
        member.clientId(),
        member.clientHost(),
        new Relationship(assignmentsUrl(group, member.memberId())));
  }

  ConsumerAssignmentData assignment(String group, String consumer, TopicPartition tp) {
    String url =
        assignmentsUrl(group, consumer) + "/" + tp.topic() + "/partitions/" + tp.partition();
    return new ConsumerAssignmentData(
        "KafkaConsumerAssignment",
        new ResourceMetadata(
            url,
            crn(
                "/consumer-group="
                    + group
                    + "/consumer="
                    + consumer
                    + "/assignment="
                    + tp.topic()
                    + "/partition="
                    + tp.partition())),
        clusterId,
        group,
        consumer,
        tp.topic(),
        tp.partition(),
        new Relationship(partitionUrl(tp.topic(), tp.partition())),
        new Relationship(lagsUrl(group) + "/" + tp.topic() + "/partitions/" + tp.partition()));
  }

  List<ConsumerAssignmentData> assignments(
      String group, String consumer, List<TopicPartition> partitions) {
    return partitions.stream().map(tp -> assignment(group, consumer, tp)).toList();
  }

  ConsumerLagData lag(String group, GroupLags.PartitionLag lag) {
    String url = lagsUrl(group) + "/" + lag.topic() + "/partitions/" + lag.partition();
    return new ConsumerLagData(
        "KafkaConsumerLag",
        new ResourceMetadata(
            url,
            crn(
                "/consumer-group="
                    + group
                    + "/lag="
                    + lag.topic()
                    + "/partition="
                    + lag.partition())),
        clusterId,
        group,
        lag.topic(),
        lag.partition(),
        lag.currentOffset(),
        lag.logEndOffset(),
        lag.lag(),
        lag.owner().consumerId(),
        lag.owner().instanceId(),
        lag.owner().clientId());
  }

  /** {@code max_lag_consumer} is null when no member owns the partition with the most lag. */
  ConsumerGroupLagSummaryData lagSummary(String group, GroupLags.Summary summary) {
    GroupLags.PartitionLag max = summary.max();
    String url = groupUrl(group) + "/lag-summary";
    return new ConsumerGroupLagSummaryData(
        "KafkaConsumerGroupLagSummary",
        new ResourceMetadata(url, crn("/consumer-group=" + group + "/lag-summary")),
        clusterId,
        group,
        max.owner().consumerId(),
        max.owner().instanceId(),
        max.owner().clientId(),
        max.topic(),
        max.partition(),
        max.lag(),
        summary.totalLag(),
        max.owner().isNobody()
            ? null
            : new Relationship(consumerUrl(group, max.owner().consumerId())),
        new Relationship(partitionUrl(max.topic(), max.partition())));
  }
}
