package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.TopicDescription;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.log.MemberState;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.group.state.GroupDescription.MemberDescription;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.GroupState;

/** The read-only consumer-group resources: shapes, links, lags and every error. */
class V3GroupRoutesTest {
  @RegisterExtension static final RouteHarness harness = RouteHarness.perTest("");

  private static final GroupAnswers groups = new GroupAnswers(harness);

  static final String GROUPS = "/v3/clusters/cluster-1/consumer-groups";

  static MemberDescription member(String id, String instance, Map<String, Set<Integer>> owns) {
    return new MemberDescription(
        id,
        instance,
        null,
        "client-" + id,
        "/10.0.0." + id.length(),
        3,
        MemberState.STABLE,
        Set.of("orders"),
        null,
        owns,
        owns);
  }

  /** Group g1: m1 owns orders 0 and 1, m2 owns orders 2; offsets of orders 0, 1, 2 and gone 0. */
  static GroupRequest.DescribedGroup g1() {
    return new GroupRequest.DescribedGroup(
        "g1",
        GroupState.STABLE,
        3,
        3,
        "uniform",
        List.of(
            member("m2", "static-2", Map.of("id-orders", Set.of(2))),
            member("m1", null, Map.of("id-orders", Set.of(0, 1)))),
        Map.of("id-orders", "orders"),
        List.of(
            committed("gone", 0, 5),
            committed("orders", 0, 10),
            committed("orders", 1, 40),
            committed("orders", 2, 7)));
  }

  static GroupRequest.CommittedOffset committed(String topic, int partition, long offset) {
    return new GroupRequest.CommittedOffset(topic, partition, offset, -1, "", 0L);
  }

  /** Answers the view's look-up of {@code __consumer_offsets}: 4 partitions, p led by 10 + p. */
  static void answerOffsetsTopic() {
    Gateway.TopicInView lookUp = harness.expectTopicInView();
    assertThat(lookUp.topic()).isEqualTo("__consumer_offsets");
    lookUp
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                new TopicDescription(
                    "__consumer_offsets",
                    "id-offsets",
                    true,
                    1,
                    Map.of(),
                    IntStream.range(0, 4)
                        .mapToObj(p -> new PartitionInfo(p, 10 + p, 0, List.of(1), List.of(1)))
                        .toList()),
                null));
  }

  /** Answers the GetOffsets asks for the committed partitions: HW 50 for orders, gone fails. */
  static void answerHighWatermarks(int asks) {
    for (int i = 0; i < asks; i++) {
      Gateway.GetOffsets get = harness.expect(Gateway.GetOffsets.class);
      if (get.topic().equals("gone")) {
        get.replyTo()
            .tell(
                new Gateway.OffsetsReply(
                    null, new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no topic gone")));
      } else {
        get.replyTo().tell(new Gateway.OffsetsReply(new PartitionOffsets(0, 50, 50), null));
      }
    }
  }

  @Test
  void aGroupHasTheRestProxyShapeWithItsCoordinatorAndLinks() throws Exception {
    var response = harness.get(GROUPS + "/g1");
    harness.answerCluster();
    groups.describe(g1());
    answerOffsetsTopic();
    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode group = json(answer);
    String url = harness.base + GROUPS + "/g1";
    assertThat(group.get("kind").textValue()).isEqualTo("KafkaConsumerGroup");
    assertThat(group.get("metadata").get("self").textValue()).isEqualTo(url);
    assertThat(group.get("metadata").get("resource_name").textValue())
        .isEqualTo("crn:///kafka=cluster-1/consumer-group=g1");
    assertThat(group.get("cluster_id").textValue()).isEqualTo("cluster-1");
    assertThat(group.get("consumer_group_id").textValue()).isEqualTo("g1");
    assertThat(group.get("is_simple").booleanValue()).isFalse();
    assertThat(group.get("partition_assignor").textValue()).isEqualTo("uniform");
    assertThat(group.get("state").textValue()).isEqualTo("STABLE");
    assertThat(group.get("type").textValue()).isEqualTo("CONSUMER");
    assertThat(group.get("is_mixed_consumer_group").booleanValue()).isFalse();
    int leader = 10 + OffsetsTopic.partitionFor("g1", 4);
    assertThat(group.get("coordinator").get("related").textValue())
        .isEqualTo(harness.base + "/v3/clusters/cluster-1/brokers/" + leader);
    assertThat(group.get("consumers").get("related").textValue()).isEqualTo(url + "/consumers");
    assertThat(group.get("lag_summary").get("related").textValue()).isEqualTo(url + "/lag-summary");
  }

  @Test
  void everyStateHasTheRestProxyName() {
    assertThat(
            java.util.Arrays.stream(GroupState.values()).map(V3GroupResources::stateName).toList())
        .containsExactly("EMPTY", "ASSIGNING", "RECONCILING", "STABLE", "DEAD");
  }

  @Test
  void aGroupWhoseCoordinatorIsUnknownHasANullCoordinator() throws Exception {
    var response = harness.get(GROUPS + "/g1");
    harness.answerCluster();
    groups.describe(g1());
    harness
        .expectTopicInView()
        .replyTo()
        .tell(new AdminRequest.TopicReply(null, new ApiError(ErrorCode.REQUEST_TIMED_OUT, "slow")));
    JsonNode group = json(await(response));
    assertThat(group.get("coordinator").isNull()).isTrue();
    assertThat(group.get("state").textValue()).isEqualTo("STABLE");
  }

  @Test
  void groupsAreListedByIdAndAGroupGoneSinceTheListingIsLeftOut() throws Exception {
    var response = harness.get(GROUPS);
    harness.answerCluster();
    groups
        .expect(GroupRequest.ListGroups.class)
        .replyTo()
        .tell(
            new GroupRequest.GroupsReply(
                List.of(
                    new GroupRequest.GroupListing("g1", GroupState.STABLE),
                    new GroupRequest.GroupListing("gone", GroupState.EMPTY),
                    new GroupRequest.GroupListing("a0", GroupState.EMPTY)),
                null));
    for (int i = 0; i < 3; i++) {
      GroupRequest.DescribeGroup describe = groups.expect(GroupRequest.DescribeGroup.class);
      switch (describe.groupId()) {
        case "g1" -> describe.replyTo().tell(new GroupRequest.DescribeReply(g1(), null, null));
        case "a0" ->
            describe
                .replyTo()
                .tell(
                    new GroupRequest.DescribeReply(
                        new GroupRequest.DescribedGroup(
                            "a0", GroupState.EMPTY, 1, 1, "range", List.of(), Map.of(), List.of()),
                        null,
                        null));
        default ->
            describe
                .replyTo()
                .tell(new GroupRequest.DescribeReply(null, GroupError.GROUP_ID_NOT_FOUND, null));
      }
    }
    answerOffsetsTopic();
    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode body = json(answer);
    assertThat(body.get("kind").textValue()).isEqualTo("KafkaConsumerGroupList");
    assertThat(body.get("metadata").get("self").textValue()).isEqualTo(harness.base + GROUPS);
    assertThat(body.get("data").findValuesAsText("consumer_group_id")).containsExactly("a0", "g1");
    assertThat(body.get("data").get(0).get("state").textValue()).isEqualTo("EMPTY");
    assertThat(body.get("data").get(0).get("partition_assignor").textValue()).isEqualTo("range");
  }

  @Test
  void aListingSomeCoordinatorCouldNotAnswerIs503RatherThanAPartialList() throws Exception {
    var response = harness.get(GROUPS);
    harness.answerCluster();
    groups
        .expect(GroupRequest.ListGroups.class)
        .replyTo()
        .tell(
            new GroupRequest.GroupsReply(
                List.of(new GroupRequest.GroupListing("g1", GroupState.STABLE)),
                new ApiError(
                    ErrorCode.COORDINATOR_NOT_AVAILABLE, "__consumer_offsets-7 did not answer")));
    assertError(await(response), 503, 50003, "__consumer_offsets-7");
    groups.assertNothingSent();
  }

  @Test
  void consumersAreTheMembersWithTheirIds() throws Exception {
    var list = harness.get(GROUPS + "/g1/consumers");
    harness.answerCluster();
    groups.describe(g1());
    JsonNode body = json(await(list));
    assertThat(body.get("kind").textValue()).isEqualTo("KafkaConsumerList");
    assertThat(body.get("data").findValuesAsText("consumer_id")).containsExactly("m1", "m2");

    var one = harness.get(GROUPS + "/g1/consumers/m2");
    groups.describe(g1());
    JsonNode consumer = json(await(one));
    String url = harness.base + GROUPS + "/g1/consumers/m2";
    assertThat(consumer.get("kind").textValue()).isEqualTo("KafkaConsumer");
    assertThat(consumer.get("metadata").get("self").textValue()).isEqualTo(url);
    assertThat(consumer.get("metadata").get("resource_name").textValue())
        .isEqualTo("crn:///kafka=cluster-1/consumer-group=g1/consumer=m2");
    assertThat(consumer.get("consumer_group_id").textValue()).isEqualTo("g1");
    assertThat(consumer.get("instance_id").textValue()).isEqualTo("static-2");
    assertThat(consumer.get("client_id").textValue()).isEqualTo("client-m2");
    assertThat(consumer.get("host").textValue()).isEqualTo("/10.0.0.2");
    assertThat(consumer.get("assignments").get("related").textValue())
        .isEqualTo(url + "/assignments");
  }

  @Test
  void assignmentsAreTheMembersCurrentPartitionsByTopicName() throws Exception {
    var list = harness.get(GROUPS + "/g1/consumers/m1/assignments");
    harness.answerCluster();
    groups.describe(g1());
    JsonNode body = json(await(list));
    assertThat(body.get("kind").textValue()).isEqualTo("KafkaConsumerAssignmentList");
    assertThat(body.get("data").findValuesAsText("topic_name")).containsExactly("orders", "orders");
    assertThat(body.get("data").findValues("partition_id"))
        .extracting(JsonNode::intValue)
        .containsExactly(0, 1);

    var one = harness.get(GROUPS + "/g1/consumers/m1/assignments/orders/partitions/1");
    groups.describe(g1());
    JsonNode assignment = json(await(one));
    assertThat(assignment.get("kind").textValue()).isEqualTo("KafkaConsumerAssignment");
    assertThat(assignment.get("metadata").get("resource_name").textValue())
        .isEqualTo(
            "crn:///kafka=cluster-1/consumer-group=g1/consumer=m1/assignment=orders/partition=1");
    assertThat(assignment.get("consumer_id").textValue()).isEqualTo("m1");
    assertThat(assignment.get("partition").get("related").textValue())
        .isEqualTo(harness.base + "/v3/clusters/cluster-1/topics/orders/partitions/1");
    assertThat(assignment.get("lag").get("related").textValue())
        .isEqualTo(harness.base + GROUPS + "/g1/lags/orders/partitions/1");

    var notAssigned = harness.get(GROUPS + "/g1/consumers/m1/assignments/orders/partitions/2");
    groups.describe(g1());
    assertError(await(notAssigned), 404, 404, "'m1'", "partition 2", "'orders'");
  }

  @Test
  void lagsListCommittedPartitionsByLagWithTheirOwnersLeavingOutUnreadableOnes() throws Exception {
    var response = harness.get(GROUPS + "/g1/lags");
    harness.answerCluster();
    groups.describe(g1());
    answerHighWatermarks(4);
    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode data = json(answer).get("data");
    assertThat(json(answer).get("kind").textValue()).isEqualTo("KafkaConsumerLagList");
    assertThat(data.findValues("partition_id"))
        .extracting(JsonNode::intValue)
        .containsExactly(2, 0, 1);
    JsonNode top = data.get(0);
    assertThat(top.get("kind").textValue()).isEqualTo("KafkaConsumerLag");
    assertThat(top.get("metadata").get("resource_name").textValue())
        .isEqualTo("crn:///kafka=cluster-1/consumer-group=g1/lag=orders/partition=2");
    assertThat(top.get("current_offset").longValue()).isEqualTo(7);
    assertThat(top.get("log_end_offset").longValue()).isEqualTo(50);
    assertThat(top.get("lag").longValue()).isEqualTo(43);
    assertThat(top.get("consumer_id").textValue()).isEqualTo("m2");
    assertThat(top.get("instance_id").textValue()).isEqualTo("static-2");
    assertThat(top.get("client_id").textValue()).isEqualTo("client-m2");
    assertThat(data.get(2).get("lag").longValue()).isEqualTo(10);
  }

  @Test
  void lagSummaryNamesTheMaximumAndTheTotal() throws Exception {
    var response = harness.get(GROUPS + "/g1/lag-summary");
    harness.answerCluster();
    groups.describe(g1());
    answerHighWatermarks(4);
    JsonNode summary = json(await(response));
    assertThat(summary.get("kind").textValue()).isEqualTo("KafkaConsumerGroupLagSummary");
    assertThat(summary.get("metadata").get("resource_name").textValue())
        .isEqualTo("crn:///kafka=cluster-1/consumer-group=g1/lag-summary");
    assertThat(summary.get("max_lag_consumer_id").textValue()).isEqualTo("m2");
    assertThat(summary.get("max_lag_instance_id").textValue()).isEqualTo("static-2");
    assertThat(summary.get("max_lag_client_id").textValue()).isEqualTo("client-m2");
    assertThat(summary.get("max_lag_topic_name").textValue()).isEqualTo("orders");
    assertThat(summary.get("max_lag_partition_id").intValue()).isEqualTo(2);
    assertThat(summary.get("max_lag").longValue()).isEqualTo(43);
    assertThat(summary.get("total_lag").longValue()).isEqualTo(43 + 40 + 10);
    assertThat(summary.get("max_lag_consumer").get("related").textValue())
        .isEqualTo(harness.base + GROUPS + "/g1/consumers/m2");
    assertThat(summary.get("max_lag_partition").get("related").textValue())
        .isEqualTo(harness.base + "/v3/clusters/cluster-1/topics/orders/partitions/2");
  }

  @Test
  void onePartitionsLagAndItsErrors() throws Exception {
    var response = harness.get(GROUPS + "/g1/lags/orders/partitions/1");
    harness.answerCluster();
    groups.describe(g1());
    Gateway.GetOffsets get = harness.expect(Gateway.GetOffsets.class);
    assertThat(get.topic()).isEqualTo("orders");
    assertThat(get.partition()).isEqualTo(1);
    get.replyTo().tell(new Gateway.OffsetsReply(new PartitionOffsets(0, 30, 31), null));
    JsonNode lag = json(await(response));
    assertThat(lag.get("current_offset").longValue()).isEqualTo(40);
    assertThat(lag.get("log_end_offset").longValue()).isEqualTo(30);
    assertThat(lag.get("lag").longValue()).as("never negative").isZero();
    assertThat(lag.get("consumer_id").textValue()).isEqualTo("m1");
    assertThat(lag.get("instance_id").isNull()).isTrue();

    var uncommitted = harness.get(GROUPS + "/g1/lags/orders/partitions/3");
    groups.describe(g1());
    assertError(await(uncommitted), 404, 404, "no committed offset", "partition 3");

    var unreadable = harness.get(GROUPS + "/g1/lags/orders/partitions/0");
    groups.describe(g1());
    harness
        .expect(Gateway.GetOffsets.class)
        .replyTo()
        .tell(
            new Gateway.OffsetsReply(
                null, new ApiError(ErrorCode.NOT_LEADER_OR_FOLLOWER, "leader moved")));
    assertError(await(unreadable), 503, 50003, "leader moved");

    assertError(await(harness.get(GROUPS + "/g1/lags/orders/partitions/x")), 400, 400, "'x'");
  }

  @Test
  void anUnownedPartitionsLagHasEmptyIdsAndTheSummaryNoConsumerLink() throws Exception {
    var group =
        new GroupRequest.DescribedGroup(
            "g2",
            GroupState.EMPTY,
            4,
            4,
            "uniform",
            List.of(),
            Map.of(),
            List.of(committed("orders", 0, 10)));
    var response = harness.get(GROUPS + "/g2/lag-summary");
    harness.answerCluster();
    groups.describe(group);
    answerHighWatermarks(1);
    JsonNode summary = json(await(response));
    assertThat(summary.get("max_lag_consumer_id").textValue()).isEmpty();
    assertThat(summary.get("max_lag_client_id").textValue()).isEmpty();
    assertThat(summary.get("max_lag_instance_id").isNull()).isTrue();
    assertThat(summary.get("max_lag_consumer").isNull()).isTrue();
    assertThat(summary.get("max_lag").longValue()).isEqualTo(40);
  }

  @Test
  void aGroupWithoutCommittedOffsetsHasNoLags() throws Exception {
    var group =
        new GroupRequest.DescribedGroup(
            "g3", GroupState.EMPTY, 1, 1, "uniform", List.of(), Map.of(), List.of());
    var lags = harness.get(GROUPS + "/g3/lags");
    harness.answerCluster();
    groups.describe(group);
    assertError(await(lags), 404, 404, "'g3'", "no committed offsets");
    var summary = harness.get(GROUPS + "/g3/lag-summary");
    groups.describe(group);
    assertError(await(summary), 404, 404, "'g3'", "no committed offsets");
  }

  @Test
  void anUnknownGroupIs404WithTheRestProxysCodeOnEveryResource() throws Exception {
    List<String> paths =
        List.of(
            "/nope",
            "/nope/consumers",
            "/nope/consumers/m1",
            "/nope/consumers/m1/assignments",
            "/nope/consumers/m1/assignments/orders/partitions/0",
            "/nope/lags",
            "/nope/lags/orders/partitions/0",
            "/nope/lag-summary");
    for (String path : paths) {
      var response = harness.get(GROUPS + path);
      if (path.equals(paths.get(0))) {
        harness.answerCluster();
      }
      groups.noSuchGroup("nope");
      assertError(await(response), 404, 40405, "Consumer group 'nope' not found");
    }
  }

  @Test
  void anUnknownConsumerIs404() throws Exception {
    var response = harness.get(GROUPS + "/g1/consumers/m9");
    harness.answerCluster();
    groups.describe(g1());
    assertError(await(response), 404, 404, "Consumer 'm9' not found", "'g1'");
    var assignments = harness.get(GROUPS + "/g1/consumers/m9/assignments");
    groups.describe(g1());
    assertError(await(assignments), 404, 404, "Consumer 'm9' not found");
  }

  @Test
  void anotherClusterIs404AndTheGroupsAreNotAsked() throws Exception {
    var response = harness.get("/v3/clusters/other/consumer-groups/g1");
    harness.answerCluster();
    assertError(await(response), 404, 404, "'other'");
    groups.assertNothingSent();
  }

  @Test
  void aCoordinatorErrorIsTheBrokersError() throws Exception {
    var response = harness.get(GROUPS + "/g1");
    harness.answerCluster();
    groups
        .expect(GroupRequest.DescribeGroup.class)
        .replyTo()
        .tell(
            new GroupRequest.DescribeReply(
                null, null, new ApiError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, "loading 12")));
    assertError(await(response), 503, 50003, "loading 12");
  }
}
