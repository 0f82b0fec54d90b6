package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import akka.cluster.MemberStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ErrorCode;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

class AlterPartitionCheckTest {
  private static final Set<Integer> LIVE = Set.of(1, 2, 3);
  private static final PartitionAssignment P1 =
      new PartitionAssignment(1, List.of(2, 3, 1), 2, 4, List.of(2, 3), 9);
  private static final TopicMetadata TOPIC =
      new TopicMetadata(
          "t",
          "topic-id",
          false,
          Map.of(),
          List.of(new PartitionAssignment(0, List.of(1, 2, 3), 1, 0, List.of(1, 2, 3), 0), P1));

  private static Controller.AlterPartition request(
      String topicId,
      int partition,
      int leader,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> isr) {
    return new Controller.AlterPartition(
        "t", topicId, partition, leader, leaderEpoch, partitionEpoch, isr, null);
  }

  private static void assertRefused(
      Controller.AlterPartition request, ErrorCode code, String... mentions) {
    var result = AlterPartitionCheck.check(TOPIC, request, LIVE);
    assertThat(result.topic()).isNull();
    assertThat(result.partition()).isNull();
    assertThat(result.error().code()).isEqualTo(code);
    assertThat(result.error().message()).contains(mentions);
  }

  @Test
  void theCurrentEpochsStoreTheNewIsrWithTheNextPartitionEpoch() {
    var result =
        AlterPartitionCheck.check(TOPIC, request("topic-id", 1, 2, 4, 9, List.of(2, 3, 1)), LIVE);
    assertThat(result.error()).isNull();
    assertThat(result.partition())
        .isEqualTo(new PartitionAssignment(1, List.of(2, 3, 1), 2, 4, List.of(2, 3, 1), 10));
    assertThat(result.topic().partitions().get(1)).isEqualTo(result.partition());
    assertThat(result.topic().partitions().get(0)).isEqualTo(TOPIC.partitions().get(0));
    assertThat(result.topic().topicId()).isEqualTo("topic-id");
  }

  @Test
  void aShrinkingIsrIsAccepted() {
    var result =
        AlterPartitionCheck.check(TOPIC, request("topic-id", 1, 2, 4, 9, List.of(2)), LIVE);
    assertThat(result.partition().isr()).containsExactly(2);
    assertThat(result.partition().partitionEpoch()).isEqualTo(10);
  }

  @Test
  void aStaleLeaderEpochIsFenced() {
    assertRefused(
        request("topic-id", 1, 2, 3, 9, List.of(2)), ErrorCode.FENCED_LEADER_EPOCH, "3", "4");
  }

  @Test
  void aStalePartitionEpochIsAnInvalidUpdateVersion() {
    assertRefused(
        request("topic-id", 1, 2, 4, 8, List.of(2)), ErrorCode.INVALID_UPDATE_VERSION, "8", "9");
  }

  @Test
  void aProposalFromABrokerThatIsNotTheLeaderIsRefused() {
    assertRefused(request("topic-id", 1, 3, 4, 9, List.of(3)), ErrorCode.INVALID_REQUEST, "3");
  }

  @Test
  void anIsrWithANonReplicaOrWithoutTheLeaderOrEmptyIsRefused() {
    var twoReplicas =
        new TopicMetadata(
            "t",
            "topic-id",
            false,
            Map.of(),
            List.of(new PartitionAssignment(0, List.of(1, 2), 1, 0, List.of(1, 2), 0)));
    var strangers =
        AlterPartitionCheck.check(
            twoReplicas, request("topic-id", 0, 1, 0, 0, List.of(1, 3)), LIVE);
    assertThat(strangers.error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(strangers.error().message()).contains("[3]", "not replicas");
    assertRefused(
        request("topic-id", 1, 2, 4, 9, List.of(3, 1)),
        ErrorCode.INVALID_REQUEST,
        "does not hold the leader 2");
    assertRefused(request("topic-id", 1, 2, 4, 9, List.of()), ErrorCode.INVALID_REQUEST, "empty");
    assertRefused(
        request("topic-id", 1, 2, 4, 9, List.of(2, 2)), ErrorCode.INVALID_REQUEST, "repeats");
  }

  @Test
  void addingABrokerThatIsNotLiveIsRefused() {
    var result =
        AlterPartitionCheck.check(
            TOPIC, request("topic-id", 1, 2, 4, 9, List.of(2, 3, 1)), Set.of(2, 3));
    assertThat(result.error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.error().message()).contains("[1]", "not live");
  }

  @Test
  void addingABrokerWhoseDataDirIsOfflineIsRefusedThroughTheServingSet() {
    var brokers =
        new LiveBrokers(
            Map.of(
                "akka://s@h:1",
                MemberStatus.up(),
                "akka://s@h:2",
                MemberStatus.up(),
                "akka://s@h:3",
                MemberStatus.up()),
            Map.of(
                1, new BrokerRegistration(1, "h", 1, "akka://s@h:1", List.of("/data/1")),
                2, new BrokerRegistration(2, "h", 2, "akka://s@h:2"),
                3, new BrokerRegistration(3, "h", 3, "akka://s@h:3")));
    var result =
        AlterPartitionCheck.check(
            TOPIC, request("topic-id", 1, 2, 4, 9, List.of(2, 3, 1)), brokers.serving());
    assertThat(result.error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(result.error().message()).contains("[1]", "data directory is offline");
  }

  @Test
  void anUnknownTopicIdOrPartitionIsRefused() {
    assertRefused(
        request("other-id", 1, 2, 4, 9, List.of(2)),
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        "other-id",
        "topic-id");
    assertRefused(
        request("topic-id", 2, 2, 4, 9, List.of(2)), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "t-2");
    var none = AlterPartitionCheck.check(null, request("topic-id", 0, 1, 0, 0, List.of(1)), LIVE);
    assertThat(none.error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
}
