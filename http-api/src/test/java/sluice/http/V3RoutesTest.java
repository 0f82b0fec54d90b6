package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.json;
import static sluice.http.RouteHarness.topic;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.TopicDescription;
import sluice.actors.gateway.Gateway;

class V3RoutesTest {
  @RegisterExtension static final RouteHarness harness = RouteHarness.perTest("");

  private static final String TOPICS = "/v3/clusters/cluster-1/topics";

  private void answerTopicError(ErrorCode code, String message) {
    harness
        .expectAdmin(AdminRequest.DescribeTopic.class)
        .replyTo()
        .tell(new AdminRequest.TopicReply(null, new ApiError(code, message)));
  }

  @Test
  void listClustersNamesThisClusterWithLinksOnTheRequestsHost() throws Exception {
    var response = harness.get("/v3/clusters");
    harness.answerCluster();
    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode body = json(answer);
    assertThat(body.get("kind").textValue()).isEqualTo("KafkaClusterList");
    assertThat(body.get("metadata").get("self").textValue())
        .isEqualTo(harness.base + "/v3/clusters");
    JsonNode cluster = body.get("data").get(0);
    assertThat(cluster.get("kind").textValue()).isEqualTo("KafkaCluster");
    assertThat(cluster.get("cluster_id").textValue()).isEqualTo("cluster-1");
    assertThat(cluster.get("metadata").get("resource_name").textValue())
        .isEqualTo("crn:///kafka=cluster-1");
    assertThat(cluster.get("controller").get("related").textValue())
        .isEqualTo(harness.base + "/v3/clusters/cluster-1/brokers/1");
    assertThat(cluster.get("topics").get("related").textValue())
        .isEqualTo(harness.base + "/v3/clusters/cluster-1/topics");
  }

  @Test
  void getClusterAnswersThisClusterAnd404ForAnother() throws Exception {
    var response = harness.get("/v3/clusters/cluster-1");
    harness.answerCluster();
    harness.answerCluster();
    assertThat(json(await(response)).get("cluster_id").textValue()).isEqualTo("cluster-1");
    assertError(await(harness.get("/v3/clusters/nope")), 404, 404, "'nope'");
  }

  @Test
  void brokersAreListedAndDescribed() throws Exception {
    var list = harness.get("/v3/clusters/cluster-1/brokers");
    harness.answerCluster();
    harness.answerCluster();
    JsonNode broker = json(await(list)).get("data").get(0);
    assertThat(broker.get("broker_id").intValue()).isEqualTo(1);
    assertThat(broker.get("host").textValue()).isEqualTo("127.0.0.1");
    assertThat(broker.get("port").intValue()).isEqualTo(8080);

    var one = harness.get("/v3/clusters/cluster-1/brokers/1");
    harness.answerCluster();
    assertThat(json(await(one)).get("kind").textValue()).isEqualTo("KafkaBroker");
    var missing = harness.get("/v3/clusters/cluster-1/brokers/9");
    harness.answerCluster();
    assertError(await(missing), 404, 404, "Broker '9'");
  }

  @Test
  void createTopicPassesNameCountsAndConfigsAndAnswers201() throws Exception {
    var response =
        harness.postJson(
            TOPICS,
            """
            {"topic_name": "orders", "partitions_count": 3, "replication_factor": 1,
             "configs": [{"name": "cleanup.policy", "value": "compact"},
                         {"name": "retention.ms", "value": null}]}
            """);
    harness.answerCluster();
    AdminRequest.CreateTopic create = harness.expectAdmin(AdminRequest.CreateTopic.class);
    assertThat(create.name()).isEqualTo("orders");
    assertThat(create.partitions()).isEqualTo(3);
    assertThat(create.replicationFactor()).isEqualTo(1);
    assertThat(create.configs()).isEqualTo(Map.of("cleanup.policy", "compact"));
    create
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                topic("orders", 3, Map.of("cleanup.policy", "compact")), null));

    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(201);
    JsonNode topic = json(answer);
    assertThat(topic.get("kind").textValue()).isEqualTo("KafkaTopic");
    assertThat(topic.get("topic_name").textValue()).isEqualTo("orders");
    assertThat(topic.get("partitions_count").intValue()).isEqualTo(3);
    assertThat(topic.get("replication_factor").intValue()).isEqualTo(1);
    assertThat(topic.get("is_internal").booleanValue()).isFalse();
    assertThat(topic.get("partitions").get("related").textValue())
        .isEqualTo(harness.base + TOPICS + "/orders/partitions");
  }

  @Test
  void createTopicDefaultsToOnePartitionAndTheBrokersReplicationFactor() throws Exception {
    var response = harness.postJson(TOPICS, "{\"topic_name\": \"t\"}");
    harness.answerCluster();
    AdminRequest.CreateTopic create = harness.expectAdmin(AdminRequest.CreateTopic.class);
    assertThat(create.partitions()).isEqualTo(1);
    assertThat(create.replicationFactor()).isNull();
    create.replyTo().tell(new AdminRequest.TopicReply(topic("t", 1), null));
    assertThat(await(response).statusCode()).isEqualTo(201);
  }

  @Test
  void theControllersRefusalOfANameOrConfigIs40002WithItsMessage() throws Exception {
    var response =
        harness.postJson(
            TOPICS,
            "{\"topic_name\": \"bad name\", \"configs\": [{\"name\": \"retention.ms\", \"value\": \"-7\"}]}");
    harness.answerCluster();
    harness
        .expectAdmin(AdminRequest.CreateTopic.class)
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null,
                new ApiError(
                    ErrorCode.INVALID_TOPIC_EXCEPTION,
                    "Topic name 'bad name' has ' ', allowed are [a-zA-Z0-9._-]")));
    assertError(await(response), 400, 40002, "'bad name'");

    var exists = harness.postJson(TOPICS, "{\"topic_name\": \"orders\"}");
    harness
        .expectAdmin(AdminRequest.CreateTopic.class)
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null,
                new ApiError(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists")));
    assertError(await(exists), 400, 40002, "already exists");
  }

  @Test
  void badCreateBodiesAreRefusedBeforeTheController() throws Exception {
    assertError(
        await(harness.postJson(TOPICS, "{\"partitions_count\": 1}")), 400, 400, "topic_name");
    assertError(
        await(harness.postJson(TOPICS, "{\"topic_name\": \"t\", \"partitions_count\": 0}")),
        400,
        400,
        "partitions_count",
        "0");
    assertError(
        await(harness.postJson(TOPICS, "{\"topic_name\": \"t\", \"replication_factor\": \"3\"}")),
        400,
        400,
        "replication_factor",
        "'3'");
    assertError(
        await(
            harness.postJson(
                TOPICS,
                "{\"topic_name\": \"t\", \"configs\": [{\"name\": \"a\", \"value\": \"1\"},"
                    + " {\"name\": \"a\", \"value\": \"2\"}]}")),
        400,
        400,
        "'a' is given twice");
    assertError(
        await(harness.postJson(TOPICS, "{\"topic_name\": \"t\", \"validate_only\": true}")),
        400,
        400,
        "validate_only");
    assertError(await(harness.postJson(TOPICS, "{\"topic_name\": ")), 400, 400, "Malformed JSON");
    assertError(
        await(harness.send("POST", TOPICS, "text/plain", "{\"topic_name\": \"t\"}")),
        415,
        415,
        "'text/plain'");
    harness.assertNothingMoreSent();
  }

  @Test
  void topicsAreListedSortedAndDescribed() throws Exception {
    var list = harness.get(TOPICS);
    harness.answerCluster();
    harness
        .expectAdmin(AdminRequest.ListTopics.class)
        .replyTo()
        .tell(new AdminRequest.TopicList(List.of(topic("b", 1), topic("a", 2))));
    JsonNode body = json(await(list));
    assertThat(body.get("kind").textValue()).isEqualTo("KafkaTopicList");
    assertThat(body.get("data").get(0).get("topic_name").textValue()).isEqualTo("a");
    assertThat(body.get("data").get(1).get("topic_name").textValue()).isEqualTo("b");

    var one = harness.get(TOPICS + "/a");
    harness.answerTopic(topic("a", 2));
    assertThat(json(await(one)).get("partitions_count").intValue()).isEqualTo(2);
  }

  @Test
  void anUnknownTopicIs40401() throws Exception {
    var response = harness.get(TOPICS + "/missing");
    harness.answerCluster();
    answerTopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'missing' does not exist");
    assertError(await(response), 404, 40401, "'missing'");
  }

  @Test
  void deleteAnswers204AndAnUnknownTopic40401() throws Exception {
    var response = harness.send("DELETE", TOPICS + "/orders", null, null);
    harness.answerCluster();
    AdminRequest.DeleteTopic delete = harness.expectAdmin(AdminRequest.DeleteTopic.class);
    assertThat(delete.name()).isEqualTo("orders");
    delete.replyTo().tell(new AdminRequest.TopicReply(topic("orders", 1), null));
    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(204);
    assertThat(answer.body()).isEmpty();

    var missing = harness.send("DELETE", TOPICS + "/gone", null, null);
    harness
        .expectAdmin(AdminRequest.DeleteTopic.class)
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null,
                new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'gone' does not exist")));
    assertError(await(missing), 404, 40401, "'gone'");
  }

  @Test
  void patchingPartitionsCountAddsPartitionsAndAnswersTheGrownTopic() throws Exception {
    var response =
        harness.send("PATCH", TOPICS + "/orders", "application/json", "{\"partitions_count\": 4}");
    harness.answerCluster();
    AdminRequest.CreatePartitions grow = harness.expectAdmin(AdminRequest.CreatePartitions.class);
    assertThat(grow.name()).isEqualTo("orders");
    assertThat(grow.partitions()).isEqualTo(4);
    grow.replyTo().tell(new AdminRequest.TopicReply(topic("orders", 4), null));
    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode topic = json(answer);
    assertThat(topic.get("kind").textValue()).isEqualTo("KafkaTopic");
    assertThat(topic.get("partitions_count").intValue()).isEqualTo(4);
  }

  @Test
  void aRefusedPartitionCountIs40002WithTheControllersMessage() throws Exception {
    var response =
        harness.send("PATCH", TOPICS + "/orders", "application/json", "{\"partitions_count\": 2}");
    harness.answerCluster();
    harness
        .expectAdmin(AdminRequest.CreatePartitions.class)
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null,
                new ApiError(
                    ErrorCode.INVALID_PARTITIONS,
                    "Topic 'orders' has 3 partition(s); the new count must be greater, not 2")));
    assertError(await(response), 400, 40002, "'orders'", "3 partition", "not 2");

    var unknown =
        harness.send("PATCH", TOPICS + "/nope", "application/json", "{\"partitions_count\": 2}");
    harness
        .expectAdmin(AdminRequest.CreatePartitions.class)
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null,
                new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'nope' does not exist")));
    assertError(await(unknown), 404, 40401, "'nope'");
  }

  @Test
  void aBadPartitionCountBodyIs400AndReachesNoBroker() throws Exception {
    assertError(
        await(harness.send("PATCH", TOPICS + "/orders", "application/json", "{}")),
        400,
        400,
        "partitions_count is required");
    assertError(
        await(
            harness.send(
                "PATCH",
                TOPICS + "/orders",
                "application/json",
                "{\"partitions_count\": \"many\"}")),
        400,
        400,
        "partitions_count");
    assertError(
        await(
            harness.send(
                "PATCH", TOPICS + "/orders", "application/json", "{\"partitions_count\": 0}")),
        400,
        400,
        "partitions_count");
    assertError(
        await(
            harness.send(
                "PATCH",
                TOPICS + "/orders",
                "application/json",
                "{\"partitions_count\": 3, \"configs\": []}")),
        400,
        400,
        "configs");
    assertError(
        await(harness.send("PATCH", TOPICS + "/orders", "text/plain", "{\"partitions_count\": 3}")),
        415,
        415,
        "text/plain");
    harness.assertNothingMoreSent();
  }

  @Test
  void topicConfigsListWhatTheTopicSets() throws Exception {
    var response = harness.get(TOPICS + "/orders/configs");
    harness.answerCluster();
    harness.answerTopic(
        topic("orders", 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact")));
    JsonNode data = json(await(response)).get("data");
    assertThat(data.get(0).get("name").textValue()).isEqualTo("cleanup.policy");
    assertThat(data.get(0).get("value").textValue()).isEqualTo("compact");
    assertThat(data.get(1).get("name").textValue()).isEqualTo("retention.ms");
    assertThat(data.get(1).get("source").textValue()).isEqualTo("DYNAMIC_TOPIC_CONFIG");
  }

  @Test
  void partitionsCarryTheirOffsetsAndNullWhenTheLeaderCannotBeAsked() throws Exception {
    var response = harness.get(TOPICS + "/orders/partitions");
    harness.answerCluster();
    harness.answerTopic(topic("orders", 2));
    for (int i = 0; i < 2; i++) {
      Gateway.GetOffsets offsets = harness.expect(Gateway.GetOffsets.class);
      offsets
          .replyTo()
          .tell(
              offsets.partition() == 0
                  ? new Gateway.OffsetsReply(new PartitionOffsets(3, 10, 12), null)
                  : new Gateway.OffsetsReply(
                      null, new ApiError(ErrorCode.LEADER_NOT_AVAILABLE, "no leader")));
    }
    JsonNode data = json(await(response)).get("data");
    JsonNode first = data.get(0);
    assertThat(first.get("kind").textValue()).isEqualTo("KafkaPartition");
    assertThat(first.get("partition_id").intValue()).isEqualTo(0);
    assertThat(first.get("log_start_offset").longValue()).isEqualTo(3);
    assertThat(first.get("high_watermark").longValue()).isEqualTo(10);
    assertThat(first.get("log_end_offset").longValue()).isEqualTo(12);
    assertThat(first.get("leader").get("related").textValue())
        .isEqualTo(harness.base + TOPICS + "/orders/partitions/0/replicas/1");
    assertThat(data.get(1).get("high_watermark").isNull()).isTrue();
  }

  @Test
  void aPartitionIsDescribedWithoutOffsetsWhenItsLeaderDoesNotAnswerInTime() throws Exception {
    var response = harness.get(TOPICS + "/orders/partitions/0");
    harness.answerCluster();
    harness.answerTopic(topic("orders", 1));
    harness.expect(Gateway.GetOffsets.class); // never answered: the leader's broker is gone

    JsonNode partition = json(await(response));
    assertThat(partition.get("leader_id").intValue()).isEqualTo(1);
    assertThat(partition.get("high_watermark").isNull()).isTrue();
    assertThat(partition.get("log_end_offset").isNull()).isTrue();
  }

  @Test
  void onePartitionIsDescribedAndAMissingOneIs40402() throws Exception {
    var response = harness.get(TOPICS + "/orders/partitions/1");
    harness.answerCluster();
    harness.answerTopic(topic("orders", 2));
    Gateway.GetOffsets offsets = harness.expect(Gateway.GetOffsets.class);
    assertThat(offsets.partition()).isEqualTo(1);
    offsets.replyTo().tell(new Gateway.OffsetsReply(new PartitionOffsets(0, 5, 5), null));
    assertThat(json(await(response)).get("high_watermark").longValue()).isEqualTo(5);

    var missing = harness.get(TOPICS + "/orders/partitions/2");
    harness.answerTopic(topic("orders", 2));
    assertError(await(missing), 404, 40402, "Partition 2", "'orders'");
    assertError(
        await(harness.get(TOPICS + "/orders/partitions/-1")), 400, 400, "Partition", "'-1'");
  }

  @Test
  void aPartitionShowsItsLeaderReplicasIsrEpochAndTheLeadersOffsets() throws Exception {
    var response = harness.get(TOPICS + "/orders/partitions/0");
    harness.answerCluster();
    harness.answerTopic(
        new TopicDescription(
            "orders",
            "id",
            false,
            3,
            Map.of(),
            List.of(new PartitionInfo(0, 3, 7, List.of(2, 3, 1), List.of(3, 1)))));
    harness
        .expect(Gateway.GetOffsets.class)
        .replyTo()
        .tell(new Gateway.OffsetsReply(new PartitionOffsets(4, 9, 11), null));
    JsonNode partition = json(await(response));
    assertThat(partition.get("leader_id").intValue()).isEqualTo(3);
    assertThat(partition.get("leader_epoch").intValue()).isEqualTo(7);
    assertThat(partition.get("replica_ids").toString()).isEqualTo("[2,3,1]");
    assertThat(partition.get("in_sync_replica_ids").toString()).isEqualTo("[3,1]");
    assertThat(partition.get("high_watermark").longValue()).isEqualTo(9);
    assertThat(partition.get("log_end_offset").longValue()).isEqualTo(11);
    assertThat(partition.get("leader").get("related").textValue())
        .isEqualTo(harness.base + TOPICS + "/orders/partitions/0/replicas/3");
    assertThat(partition.get("replicas").get("related").textValue())
        .isEqualTo(harness.base + TOPICS + "/orders/partitions/0/replicas");
  }

  @Test
  void aPartitionWithoutALeaderHasNoLeaderLinkAndLeaderIdMinusOne() throws Exception {
    var response = harness.get(TOPICS + "/orders/partitions/0");
    harness.answerCluster();
    harness.answerTopic(
        new TopicDescription(
            "orders",
            "id",
            false,
            1,
            Map.of(),
            List.of(new PartitionInfo(0, -1, 2, List.of(2), List.of()))));
    harness
        .expect(Gateway.GetOffsets.class)
        .replyTo()
        .tell(
            new Gateway.OffsetsReply(
                null, new ApiError(ErrorCode.LEADER_NOT_AVAILABLE, "no leader")));
    JsonNode partition = json(await(response));
    assertThat(partition.get("leader_id").intValue()).isEqualTo(-1);
    assertThat(partition.get("leader").isNull()).isTrue();
    assertThat(partition.get("in_sync_replica_ids").toString()).isEqualTo("[]");
    assertThat(partition.get("high_watermark").isNull()).isTrue();
  }

  @Test
  void replicasSayWhichIsLeaderAndInSync() throws Exception {
    var response = harness.get(TOPICS + "/orders/partitions/0/replicas");
    harness.answerCluster();
    harness.answerTopic(
        new TopicDescription(
            "orders",
            "id",
            false,
            2,
            Map.of(),
            List.of(new PartitionInfo(0, 2, 1, List.of(2, 3), List.of(2)))));
    JsonNode data = json(await(response)).get("data");
    assertThat(data.get(0).get("broker_id").intValue()).isEqualTo(2);
    assertThat(data.get(0).get("is_leader").booleanValue()).isTrue();
    assertThat(data.get(0).get("is_in_sync").booleanValue()).isTrue();
    assertThat(data.get(1).get("broker_id").intValue()).isEqualTo(3);
    assertThat(data.get(1).get("is_leader").booleanValue()).isFalse();
    assertThat(data.get(1).get("is_in_sync").booleanValue()).isFalse();
  }
}
