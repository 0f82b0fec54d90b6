package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.json;
import static sluice.http.RouteHarness.topic;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.actors.gateway.Gateway;

class V2RoutesTest {
  @RegisterExtension
  static final RouteHarness harness = RouteHarness.perTest("sluice.http.acks = 1");

  private static final String BINARY = "application/vnd.kafka.binary.v2+json";
  private static final String JSON = "application/vnd.kafka.json.v2+json";

  private Gateway.Produce answerProduce(List<ApiError> errors) {
    Gateway.Produce produce = harness.expect(Gateway.Produce.class);
    List<RecordResult> results = new ArrayList<>();
    for (int i = 0; i < produce.records().size(); i++) {
      Integer partition = produce.records().get(i).partition();
      ApiError error = i < errors.size() ? errors.get(i) : null;
      results.add(
          new RecordResult(
              "orders", partition == null ? 0 : partition, error == null ? 20 + i : -1, 5L, error));
    }
    produce.replyTo().tell(new Gateway.ProduceReply(results));
    return produce;
  }

  @Test
  void binaryRecordsAreDecodedFromBase64AndAnsweredWithOffsets() throws Exception {
    var response =
        harness.send(
            "POST",
            "/topics/orders",
            BINARY,
            "{\"records\": [{\"key\": \"a2V5\", \"value\": \"dmFsdWU=\"}, {\"value\": \"eA==\", \"partition\": 1}]}");
    harness.answerTopicInView(topic("orders", 2));
    Gateway.Produce produce = answerProduce(List.of());
    assertThat(produce.acks()).isEqualTo(Acks.LEADER);
    ProduceRecord first = produce.records().get(0);
    assertThat(first.key()).asString().isEqualTo("key");
    assertThat(first.value()).asString().isEqualTo("value");
    assertThat(first.partition()).isNull();
    assertThat(produce.records().get(1).partition()).isEqualTo(1);

    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.kafka.v2+json");
    JsonNode body = json(answer);
    assertThat(body.get("offsets").get(0).get("partition").intValue()).isEqualTo(0);
    assertThat(body.get("offsets").get(0).get("offset").longValue()).isEqualTo(20);
    assertThat(body.get("offsets").get(0).get("error_code").isNull()).isTrue();
    assertThat(body.get("offsets").get(1).get("partition").intValue()).isEqualTo(1);
    assertThat(body.has("key_schema_id")).isTrue();
    assertThat(body.get("key_schema_id").isNull()).isTrue();
    assertThat(body.get("value_schema_id").isNull()).isTrue();
  }

  @Test
  void jsonRecordsAreStoredAsJsonTextOnTheUrlsPartition() throws Exception {
    var response =
        harness.send(
            "POST",
            "/topics/orders/partitions/1?acks=all",
            JSON,
            "{\"records\": [{\"key\": {\"id\": 1}, \"value\": [1, \"two\"]}]}");
    harness.answerTopicInView(topic("orders", 2));
    Gateway.Produce produce = answerProduce(List.of());
    assertThat(produce.acks()).isEqualTo(Acks.ALL);
    ProduceRecord record = produce.records().get(0);
    assertThat(record.partition()).isEqualTo(1);
    assertThat(record.key()).asString().isEqualTo("{\"id\":1}");
    assertThat(record.value()).asString().isEqualTo("[1,\"two\"]");
    assertThat(await(response).statusCode()).isEqualTo(200);
  }

  @Test
  void recordsTheBrokerRefusedCarryTheRestProxysProducerErrorCodes() throws Exception {
    var response =
        harness.send(
            "POST",
            "/topics/orders",
            BINARY,
            "{\"records\": [{\"value\": \"eA==\"}, {\"value\": \"eQ==\"}]}");
    harness.answerTopicInView(topic("orders", 1));
    answerProduce(
        List.of(
            new ApiError(ErrorCode.NOT_ENOUGH_REPLICAS, "only 1 in sync"),
            new ApiError(ErrorCode.INVALID_RECORD, "bad record")));
    JsonNode offsets = json(await(response)).get("offsets");
    assertThat(offsets.get(0).get("error_code").intValue()).isEqualTo(50003);
    assertThat(offsets.get(0).get("error").textValue()).isEqualTo("only 1 in sync");
    assertThat(offsets.get(0).get("offset").isNull()).isTrue();
    assertThat(offsets.get(1).get("error_code").intValue()).isEqualTo(50002);
  }

  @Test
  void badV2BodiesAreRefusedAndNothingIsSent() throws Exception {
    assertError(
        await(harness.send("POST", "/topics/orders", "application/json", "{\"records\": []}")),
        415,
        415,
        "'application/json'",
        BINARY,
        JSON);
    assertError(
        await(harness.send("POST", "/topics/orders", BINARY, "{\"records\": []}")),
        400,
        400,
        "records must be a non-empty array");
    assertError(
        await(
            harness.send("POST", "/topics/orders", BINARY, "{\"records\": [{\"value\": \"@@\"}]}")),
        400,
        400,
        "records[0].value",
        "base64",
        "'@@'");
    assertError(
        await(
            harness.send(
                "POST", "/topics/orders", BINARY, "{\"value_schema_id\": 3, \"records\": [{}]}")),
        400,
        400,
        "value_schema_id",
        "Schema Registry");
    assertError(
        await(
            harness.send(
                "POST",
                "/topics/orders/partitions/1",
                BINARY,
                "{\"records\": [{\"value\": \"eA==\", \"partition\": 0}]}")),
        400,
        400,
        "records[0].partition is 0",
        "partition 1");
    assertError(
        await(harness.send("POST", "/topics/orders/partitions/x", BINARY, "{}")),
        400,
        400,
        "Partition",
        "'x'");
    assertError(
        await(harness.send("POST", "/topics/orders?acks=many", BINARY, "{}")),
        400,
        400,
        "acks",
        "'many'");
    assertError(
        await(harness.send("POST", "/topics/orders", BINARY, "[1,")), 400, 400, "Malformed");
    harness.assertNothingMoreSent();
  }

  @Test
  void aPartitionOutOfRangeOrAnOversizedRecordWritesNothing() throws Exception {
    var response =
        harness.send(
            "POST",
            "/topics/orders/partitions/4",
            BINARY,
            "{\"records\": [{\"value\": \"eA==\"}]}");
    harness.answerTopicInView(topic("orders", 2));
    assertError(await(response), 404, 40402, "Partition 4");

    String big = "A".repeat(400);
    var tooBig =
        harness.send(
            "POST",
            "/topics/orders",
            BINARY,
            "{\"records\": [{\"value\": \"eA==\"}, {\"value\": \"" + big + "\"}]}");
    harness.answerTopicInView(topic("orders", 2, Map.of("max.message.bytes", "300")));
    assertError(await(tooBig), 413, 413, "records[1] is too large", "max.message.bytes=300");
    harness.assertNothingMoreSent();
  }

  @Test
  void topicsAndPartitionsAreDescribedInTheV2Shape() throws Exception {
    var list = harness.get("/topics");
    harness
        .expectAdmin(AdminRequest.ListTopics.class)
        .replyTo()
        .tell(new AdminRequest.TopicList(List.of(topic("b", 1), topic("a", 1))));
    HttpResponse<String> listed = await(list);
    assertThat(listed.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.kafka.v2+json");
    assertThat(listed.body()).isEqualTo("[\"a\",\"b\"]");

    var one = harness.get("/topics/a");
    harness.answerTopic(topic("a", 2, Map.of("retention.ms", "5")));
    JsonNode topic = json(await(one));
    assertThat(topic.get("name").textValue()).isEqualTo("a");
    assertThat(topic.get("configs").get("retention.ms").textValue()).isEqualTo("5");
    JsonNode partition = topic.get("partitions").get(1);
    assertThat(partition.get("partition").intValue()).isEqualTo(1);
    assertThat(partition.get("leader").intValue()).isEqualTo(1);
    assertThat(partition.get("replicas").get(0).get("broker").intValue()).isEqualTo(1);
    assertThat(partition.get("replicas").get(0).get("leader").booleanValue()).isTrue();
    assertThat(partition.get("replicas").get(0).get("in_sync").booleanValue()).isTrue();

    var partitions = harness.get("/topics/a/partitions");
    harness.answerTopic(topic("a", 2));
    assertThat(json(await(partitions)).size()).isEqualTo(2);

    var p1 = harness.get("/topics/a/partitions/1");
    harness.answerTopic(topic("a", 2));
    assertThat(json(await(p1)).get("partition").intValue()).isEqualTo(1);

    var missing = harness.get("/topics/nope");
    harness
        .expectAdmin(AdminRequest.DescribeTopic.class)
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null, new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no topic 'nope'")));
    assertError(await(missing), 404, 40401, "'nope'");
  }

  @Test
  void partitionOffsetsAreTheLogStartAndTheHighWatermark() throws Exception {
    var response = harness.get("/topics/a/partitions/0/offsets");
    harness.answerTopicInView(topic("a", 1));
    harness
        .expect(Gateway.GetOffsets.class)
        .replyTo()
        .tell(new Gateway.OffsetsReply(new PartitionOffsets(4, 9, 11), null));
    JsonNode offsets = json(await(response));
    assertThat(offsets.get("beginning_offset").longValue()).isEqualTo(4);
    assertThat(offsets.get("end_offset").longValue()).isEqualTo(9);
  }
}
