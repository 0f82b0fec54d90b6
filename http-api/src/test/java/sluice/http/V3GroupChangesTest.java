package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.json;
import static sluice.http.RouteHarness.topic;
import static sluice.http.V3GroupRoutesTest.GROUPS;
import static sluice.http.V3GroupRoutesTest.g1;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.GroupState;
import sluice.actors.group.state.TopicPartition;

/** The Sluice extensions: deleting an empty group and resetting a group's offsets. */
class V3GroupChangesTest {
  @RegisterExtension static final RouteHarness harness = RouteHarness.perTest("");

  private static final GroupAnswers groups = new GroupAnswers(harness);

  private static final String RESET = GROUPS + "/g0/offsets:reset";

  /**
   * Answers the partitions' leaders: log start 3, high watermark 20; timestamps find 12 or none.
   */
  private static void answerOffsets(int asks) {
    for (int i = 0; i < asks; i++) {
      Gateway.Command command = harness.gateway.receiveMessage();
      if (command instanceof Gateway.GetOffsets get) {
        get.replyTo().tell(new Gateway.OffsetsReply(new PartitionOffsets(3, 20, 21), null));
      } else if (command instanceof Gateway.OffsetForTime find) {
        assertThat(find.timestamp()).isEqualTo(1_700_000_000_000L);
        find.replyTo().tell(new Gateway.OffsetForTimeReply(find.partition() == 0 ? 12 : -1, null));
      } else {
        throw new AssertionError("unexpected " + command);
      }
    }
  }

  private static GroupRequest.CommitOffsets expectCommit() {
    GroupRequest.CommitOffsets commit = groups.expect(GroupRequest.CommitOffsets.class);
    assertThat(commit.groupId()).isEqualTo("g0");
    assertThat(commit.memberId()).isNull();
    assertThat(commit.memberEpoch()).isNegative();
    return commit;
  }

  private static void accept(GroupRequest.CommitOffsets commit) {
    List<GroupRequest.PartitionOutcome> outcomes = new ArrayList<>();
    commit
        .offsets()
        .forEach(
            o ->
                outcomes.add(
                    new GroupRequest.PartitionOutcome(
                        new TopicPartition(o.topic(), o.partition()), null, null)));
    commit.replyTo().tell(new GroupRequest.PartitionsReply(outcomes, null));
  }

  private static List<String> committed(GroupRequest.CommitOffsets commit) {
    return commit.offsets().stream()
        .map(o -> o.topic() + "-" + o.partition() + "@" + o.offset())
        .toList();
  }

  private static GroupRequest.DescribedGroup emptyGroup() {
    return new GroupRequest.DescribedGroup(
        "g0", GroupState.EMPTY, 2, 2, "uniform", List.of(), Map.of(), List.of());
  }

  @Test
  void deletingAnEmptyGroupAnswers204() throws Exception {
    var response = harness.send("DELETE", GROUPS + "/g0", null, null);
    harness.answerCluster();
    GroupRequest.DeleteGroup delete = groups.expect(GroupRequest.DeleteGroup.class);
    assertThat(delete.groupId()).isEqualTo("g0");
    delete.replyTo().tell(new GroupRequest.DeleteReply(null, null, null));
    assertThat(await(response).statusCode()).isEqualTo(204);
  }

  @Test
  void deletingAGroupWithMembersIs409AndAnUnknownOne404() throws Exception {
    var members = harness.send("DELETE", GROUPS + "/g1", null, null);
    harness.answerCluster();
    groups
        .expect(GroupRequest.DeleteGroup.class)
        .replyTo()
        .tell(new GroupRequest.DeleteReply(GroupError.NON_EMPTY_GROUP, "2 members", null));
    assertError(await(members), 409, 40903, "'g1' has members", "stop its consumers");

    var unknown = harness.send("DELETE", GROUPS + "/nope", null, null);
    groups
        .expect(GroupRequest.DeleteGroup.class)
        .replyTo()
        .tell(new GroupRequest.DeleteReply(GroupError.GROUP_ID_NOT_FOUND, "no group", null));
    assertError(await(unknown), 404, 40405, "'nope'");
  }

  @Test
  void resetToEarliestCommitsEveryPartitionsLogStart() throws Exception {
    var response =
        harness.postJson(RESET, "{\"to\": \"earliest\", \"topics\": [{\"topic\": \"orders\"}]}");
    harness.answerCluster();
    groups.noSuchGroup("g0");
    harness.answerTopicInView(topic("orders", 2));
    answerOffsets(2);
    GroupRequest.CommitOffsets commit = expectCommit();
    assertThat(committed(commit)).containsExactly("orders-0@3", "orders-1@3");
    accept(commit);
    var answer = await(response);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode body = json(answer);
    assertThat(body.get("consumer_group_id").textValue()).isEqualTo("g0");
    assertThat(body.get("offsets").toString())
        .isEqualTo(
            "[{\"topic\":\"orders\",\"partition\":0,\"offset\":3},"
                + "{\"topic\":\"orders\",\"partition\":1,\"offset\":3}]");
  }

  @Test
  void resetToLatestCommitsTheHighWatermarkOfTheNamedPartitions() throws Exception {
    var response =
        harness.postJson(
            RESET,
            "{\"to\": \"latest\", \"topics\": [{\"topic\": \"orders\", \"partitions\": [1]}]}");
    harness.answerCluster();
    groups.describe(emptyGroup());
    harness.answerTopicInView(topic("orders", 2));
    answerOffsets(1);
    GroupRequest.CommitOffsets commit = expectCommit();
    assertThat(committed(commit)).containsExactly("orders-1@20");
    accept(commit);
    assertThat(await(response).statusCode()).isEqualTo(200);
  }

  @Test
  void resetToATimestampTakesTheFirstLaterOffsetOrTheHighWatermark() throws Exception {
    var response =
        harness.postJson(
            RESET,
            "{\"to\": \"timestamp\", \"timestamp\": 1700000000000,"
                + " \"topics\": [{\"topic\": \"orders\"}]}");
    harness.answerCluster();
    groups.describe(emptyGroup());
    harness.answerTopicInView(topic("orders", 2));
    answerOffsets(4);
    GroupRequest.CommitOffsets commit = expectCommit();
    assertThat(committed(commit)).containsExactly("orders-0@12", "orders-1@20");
    accept(commit);
    assertThat(await(response).statusCode()).isEqualTo(200);
  }

  @Test
  void resetToExplicitOffsetsWithinTheLog() throws Exception {
    var response =
        harness.postJson(
            RESET,
            "{\"offsets\": [{\"topic\": \"orders\", \"partition\": 1, \"offset\": 20},"
                + " {\"topic\": \"orders\", \"partition\": 0, \"offset\": 3}]}");
    harness.answerCluster();
    groups.describe(emptyGroup());
    harness.answerTopicInView(topic("orders", 2));
    answerOffsets(2);
    GroupRequest.CommitOffsets commit = expectCommit();
    assertThat(committed(commit)).containsExactly("orders-1@20", "orders-0@3");
    accept(commit);
    assertThat(json(await(response)).get("offsets").findValuesAsText("partition"))
        .containsExactly("0", "1");
  }

  @ParameterizedTest
  @CsvSource({
    "21, 'offset 21 of partition 0', 'from the log start offset 3 to the high" + " watermark 20'",
    "2, 'offset 2 of partition 0', 'log start offset 3'"
  })
  void anOffsetOutsideTheLogIs400AndNothingIsCommitted(long offset, String what, String range)
      throws Exception {
    var response =
        harness.postJson(
            RESET,
            "{\"offsets\": [{\"topic\": \"orders\", \"partition\": 0, \"offset\": "
                + offset
                + "}]}");
    harness.answerCluster();
    groups.describe(emptyGroup());
    harness.answerTopicInView(topic("orders", 2));
    answerOffsets(1);
    assertError(await(response), 400, 400, "offsets[0]", what, range);
    groups.assertNothingSent();
  }

  @Test
  void anUnknownTopicOrPartitionIs404AndNothingIsCommitted() throws Exception {
    var unknownTopic =
        harness.postJson(RESET, "{\"to\": \"latest\", \"topics\": [{\"topic\": \"nope\"}]}");
    harness.answerCluster();
    groups.describe(emptyGroup());
    harness
        .expectTopicInView()
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null,
                new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'nope' not found.")));
    assertError(await(unknownTopic), 404, 40401, "'nope'");
    groups.assertNothingSent();

    var unknownPartition =
        harness.postJson(
            RESET, "{\"offsets\": [{\"topic\": \"orders\", \"partition\": 5, \"offset\": 0}]}");
    groups.describe(emptyGroup());
    harness.answerTopicInView(topic("orders", 2));
    assertError(await(unknownPartition), 404, 40402, "Partition 5", "'orders'", "2 partitions");
    groups.assertNothingSent();
    harness.assertNothingMoreSent();
  }

  @Test
  void aGroupWithMembersIsNotResetAndNothingIsAskedOfTheLeaders() throws Exception {
    var response =
        harness.postJson(
            RESET.replace("g0", "g1"),
            "{\"to\": \"latest\", \"topics\": [{\"topic\": \"orders\"}]}");
    harness.answerCluster();
    groups.describe(g1());
    assertError(await(response), 409, 40903, "'g1' has 2 members", "offsets can be reset");
    harness.assertNothingMoreSent();
    groups.assertNothingSent();
  }

  @Test
  void aMemberJoiningBeforeTheCommitMakesTheCoordinatorRefuseIt() throws Exception {
    var response =
        harness.postJson(RESET, "{\"to\": \"latest\", \"topics\": [{\"topic\": \"orders\"}]}");
    harness.answerCluster();
    groups.describe(emptyGroup());
    harness.answerTopicInView(topic("orders", 1));
    answerOffsets(1);
    GroupRequest.CommitOffsets commit = expectCommit();
    commit
        .replyTo()
        .tell(
            new GroupRequest.PartitionsReply(
                List.of(
                    new GroupRequest.PartitionOutcome(
                        new TopicPartition("orders", 0),
                        GroupError.UNKNOWN_MEMBER_ID,
                        "member null is not in group g0")),
                null));
    assertError(await(response), 409, 40903, "'g0' has members");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}| exactly one of 'to'",
        "{\"to\": \"latest\", \"offsets\": []}| exactly one of 'to'",
        "{\"to\": \"soon\", \"topics\": [{\"topic\": \"t\"}]}| to must be earliest, latest or"
            + " timestamp, not 'soon'",
        "{\"to\": \"timestamp\", \"topics\": [{\"topic\": \"t\"}]}| timestamp must be a"
            + " non-negative integer, not missing",
        "{\"to\": \"timestamp\", \"timestamp\": -1, \"topics\": [{\"topic\": \"t\"}]}| timestamp"
            + " must be a non-negative integer, not -1",
        "{\"to\": \"earliest\", \"timestamp\": 5, \"topics\": [{\"topic\": \"t\"}]}| 'timestamp'"
            + " goes only with",
        "{\"to\": \"earliest\"}| topics must be a non-empty array, not missing",
        "{\"to\": \"earliest\", \"topics\": []}| topics must be a non-empty array",
        "{\"to\": \"earliest\", \"topics\": [{\"topic\": \"t\"}, {\"topic\": \"t\"}]}| topic 't'"
            + " is named twice",
        "{\"to\": \"earliest\", \"topics\": [{\"topic\": \"t\", \"partitions\": [0, 0]}]}|"
            + " partition 0 of topic 't' is named twice",
        "{\"to\": \"earliest\", \"topics\": [{\"topic\": \"t\", \"partitions\": [-1]}]}|"
            + " topics[0].partitions[0] must be an integer from 0",
        "{\"to\": \"earliest\", \"topics\": [{\"topic\": \"\"}]}| topics[0].topic must not be"
            + " empty",
        "{\"offsets\": [{\"topic\": \"t\", \"partition\": 0, \"offset\": -5}]}| offsets[0].offset"
            + " must be a non-negative integer, not -5",
        "{\"offsets\": [{\"topic\": \"t\", \"partition\": -1, \"offset\": 5}]}|"
            + " offsets[0].partition must be an integer from 0",
        "{\"offsets\": [{\"topic\": \"t\", \"partition\": 0, \"offset\": 1},"
            + " {\"topic\": \"t\", \"partition\": 0, \"offset\": 2}]}| offsets[1]: partition 0 of"
            + " topic 't' is named twice",
        "{\"offsets\": [{\"topic\": \"t\", \"partition\": 0, \"offset\": 1}], \"topics\": []}|"
            + " 'topics' goes with 'to'",
        "{\"offsets\": [{\"topic\": \"t\", \"partition\": 0, \"offset\": 1, \"x\": 1}]}|"
            + " offsets[0] has an unknown field 'x'",
        "{\"to\": \"latest\", \"topics\": [{\"topic\": \"t\"}], \"dry_run\": true}| unknown field"
            + " 'dry_run'",
        "[1]| The request body must be a JSON object"
      })
  void aMalformedResetIs400NamingTheProblemAndAsksNothing(String body, String message)
      throws Exception {
    assertError(await(harness.postJson(RESET, body)), 400, 400, message.strip());
    harness.assertNothingMoreSent();
    groups.assertNothingSent();
  }

  @Test
  void aResetThatIsNotJsonIs415() throws Exception {
    assertError(await(harness.send("POST", RESET, "text/plain", "{}")), 415, 415, "text/plain");
    harness.assertNothingMoreSent();
  }
}
