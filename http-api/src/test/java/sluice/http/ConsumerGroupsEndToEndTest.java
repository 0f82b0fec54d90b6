package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.json;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.group.coordinator.GroupGateway;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.HeartbeatResponse;

/**
 * The consumer-group resources on a real one-node broker: a member joins and commits through the
 * broker's group gateway (as a consumer front door would), records are produced over HTTP, and the
 * group, its consumer, assignments, lags and lag summary are read, its offsets reset and the group
 * deleted over HTTP.
 */
class ConsumerGroupsEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String GROUP = "billing";

  @TempDir static Path dataDir;
  private static OneNodeBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = OneNodeBroker.start("ConsumerGroupsEndToEndTest", dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static String groups() {
    return "/v3/clusters/" + broker.clusterId() + "/consumer-groups";
  }

  private static <R extends GroupRequest.Reply> R call(
      Class<R> type, Function<ActorRef<R>, GroupRequest<R>> request) {
    TestProbe<R> probe = TestProbe.create(broker.system());
    broker.groups().tell(new GroupGateway.Call(request.apply(probe.getRef()), 30_000));
    R reply = probe.expectMessageClass(type, TIMEOUT);
    assertThat(reply.error()).as("%s", reply).isNull();
    return reply;
  }

  private static HeartbeatResponse heartbeat(int epoch) {
    HeartbeatResponse response =
        call(
                GroupRequest.HeartbeatReply.class,
                replyTo ->
                    new GroupRequest.Heartbeat(
                        new HeartbeatRequest(
                            GROUP,
                            "member-1",
                            epoch,
                            null,
                            null,
                            30_000,
                            List.of("orders"),
                            null,
                            null,
                            Map.of(),
                            "billing-client",
                            "/127.0.0.1"),
                        replyTo))
            .response();
    assertThat(response.ok()).as("%s", response).isTrue();
    return response;
  }

  private static void produce(int partition, int records) throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < records; i++) {
      body.append(
          "{\"partition_id\": %d, \"value\": {\"type\": \"STRING\", \"data\": \"r%d\"}}\n"
              .formatted(partition, i));
    }
    HttpResponse<String> answer =
        broker.send(
            "POST", broker.topics() + "/orders/records", "application/json", body.toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
  }

  private static JsonNode ok(HttpResponse<String> answer) throws Exception {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return json(answer);
  }

  private static HttpResponse<String> reset(String body) throws Exception {
    return broker.send("POST", groups() + "/" + GROUP + "/offsets:reset", "application/json", body);
  }

  @Test
  void aGroupIsReadResetAndDeletedOverHttp() throws Exception {
    assertThat(ok(broker.get(groups())).get("data").isEmpty())
        .as("no groups, and no __consumer_offsets yet")
        .isTrue();
    HttpResponse<String> created =
        broker.send(
            "POST",
            broker.topics(),
            "application/json",
            "{\"topic_name\": \"orders\", \"partitions_count\": 2}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    produce(0, 5);
    produce(1, 3);

    HeartbeatResponse joined = heartbeat(0);
    assertThat(joined.assignment().values()).containsExactly(Set.of(0, 1));
    int epoch = joined.memberEpoch();
    GroupRequest.PartitionsReply committed =
        call(
            GroupRequest.PartitionsReply.class,
            replyTo ->
                new GroupRequest.CommitOffsets(
                    GROUP,
                    "member-1",
                    epoch,
                    List.of(
                        new GroupRequest.OffsetToCommit("orders", 0, 2, -1, ""),
                        new GroupRequest.OffsetToCommit("orders", 1, 1, -1, "")),
                    replyTo));
    assertThat(committed.partitions()).allSatisfy(p -> assertThat(p.error()).isNull());

    JsonNode group = ok(broker.get(groups() + "/" + GROUP));
    assertThat(group.get("consumer_group_id").textValue()).isEqualTo(GROUP);
    assertThat(group.get("state").textValue()).isEqualTo("STABLE");
    assertThat(group.get("partition_assignor").textValue()).isEqualTo("uniform");
    assertThat(group.get("coordinator").get("related").textValue())
        .endsWith("/v3/clusters/" + broker.clusterId() + "/brokers/1");
    assertThat(ok(broker.get(groups())).get("data").findValuesAsText("consumer_group_id"))
        .containsExactly(GROUP);

    JsonNode consumer = ok(broker.get(groups() + "/" + GROUP + "/consumers/member-1"));
    assertThat(consumer.get("client_id").textValue()).isEqualTo("billing-client");
    assertThat(consumer.get("host").textValue()).isEqualTo("/127.0.0.1");
    JsonNode assignments =
        ok(broker.get(groups() + "/" + GROUP + "/consumers/member-1/assignments")).get("data");
    assertThat(assignments.findValuesAsText("topic_name")).containsExactly("orders", "orders");

    JsonNode lags = ok(broker.get(groups() + "/" + GROUP + "/lags")).get("data");
    assertThat(lags.findValues("lag")).extracting(JsonNode::longValue).containsExactly(3L, 2L);
    assertThat(lags.findValues("log_end_offset"))
        .extracting(JsonNode::longValue)
        .containsExactly(5L, 3L);
    assertThat(lags.get(0).get("consumer_id").textValue()).isEqualTo("member-1");
    JsonNode summary = ok(broker.get(groups() + "/" + GROUP + "/lag-summary"));
    assertThat(summary.get("max_lag_partition_id").intValue()).isZero();
    assertThat(summary.get("max_lag").longValue()).isEqualTo(3);
    assertThat(summary.get("total_lag").longValue()).isEqualTo(5);

    String toEarliest = "{\"to\": \"earliest\", \"topics\": [{\"topic\": \"orders\"}]}";
    assertError(reset(toEarliest), 409, 40903, "has 1 member");
    assertError(broker.send("DELETE", groups() + "/" + GROUP, null, null), 409, 40903, "members");

    heartbeat(-1);
    JsonNode set = ok(reset(toEarliest));
    assertThat(set.get("offsets").findValues("offset"))
        .extracting(JsonNode::longValue)
        .containsExactly(0L, 0L);
    assertThat(ok(broker.get(groups() + "/" + GROUP + "/lag-summary")).get("total_lag").longValue())
        .isEqualTo(8);
    assertError(
        reset("{\"offsets\": [{\"topic\": \"orders\", \"partition\": 1, \"offset\": 4}]}"),
        400,
        400,
        "offset 4 of partition 1",
        "high watermark 3");
    assertError(
        reset("{\"offsets\": [{\"topic\": \"orders\", \"partition\": 2, \"offset\": 0}]}"),
        404,
        40402,
        "Partition 2");
    ok(reset("{\"offsets\": [{\"topic\": \"orders\", \"partition\": 1, \"offset\": 3}]}"));
    JsonNode lag = ok(broker.get(groups() + "/" + GROUP + "/lags/orders/partitions/1"));
    assertThat(lag.get("current_offset").longValue()).isEqualTo(3);
    assertThat(lag.get("lag").longValue()).isZero();
    assertThat(lag.get("consumer_id").textValue()).isEmpty();
    assertThat(ok(broker.get(groups() + "/" + GROUP)).get("state").textValue()).isEqualTo("EMPTY");

    HttpResponse<String> deleted = broker.send("DELETE", groups() + "/" + GROUP, null, null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertError(broker.get(groups() + "/" + GROUP), 404, 40405, "'billing'");
    assertThat(ok(broker.get(groups())).get("data").isEmpty()).isTrue();
  }
}
