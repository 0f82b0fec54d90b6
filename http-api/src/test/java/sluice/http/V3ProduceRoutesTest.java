package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.json;
import static sluice.http.RouteHarness.topic;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.actors.gateway.Gateway;

class V3ProduceRoutesTest {
  @RegisterExtension static final RouteHarness harness = RouteHarness.perTest("");

  private static final String RECORDS = "/v3/clusters/cluster-1/topics/orders/records";

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers the produce with offsets from {@code firstOffset}, on partition 0 unless set. */
  private Gateway.Produce answerProduce(long firstOffset) {
    return answerProduce(harness, firstOffset);
  }

  /** As {@link #answerProduce(long)}, for the gateway of {@code server}. */
  private static Gateway.Produce answerProduce(RouteHarness server, long firstOffset) {
    Gateway.Produce produce = server.expect(Gateway.Produce.class);
    List<RecordResult> results = new ArrayList<>();
    for (int i = 0; i < produce.records().size(); i++) {
      Integer partition = produce.records().get(i).partition();
      results.add(
          new RecordResult(
              produce.topic(),
              partition == null ? 0 : partition,
              firstOffset + i,
              1_700_000_000_000L,
              null));
    }
    produce.replyTo().tell(new Gateway.ProduceReply(results));
    return produce;
  }

  @Test
  void aRecordWithKeyValueHeadersPartitionAndTimestampIsProducedAndReported() throws Exception {
    var response =
        harness.postJson(
            RECORDS,
            """
            {"partition_id": 1,
             "headers": [{"name": "trace", "value": "%s"}, {"name": "empty", "value": null}],
             "key": {"type": "BINARY", "data": "%s"},
             "value": {"type": "JSON", "data": {"amount": 12}},
             "timestamp": "2021-02-05T19:14:42Z"}
            """
                .formatted(b64("t-1"), b64("k1")));
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 3));
    Gateway.Produce produce = answerProduce(41);

    assertThat(produce.topic()).isEqualTo("orders");
    assertThat(produce.acks()).isEqualTo(Acks.ALL);
    ProduceRecord record = produce.records().get(0);
    assertThat(record.partition()).isEqualTo(1);
    assertThat(record.key()).asString().isEqualTo("k1");
    assertThat(record.value()).asString().isEqualTo("{\"amount\":12}");
    assertThat(record.timestamp()).isEqualTo(1612552482000L);
    assertThat(record.headers()).hasSize(2);
    assertThat(record.headers().get(0).key()).isEqualTo("trace");
    assertThat(record.headers().get(0).value()).asString().isEqualTo("t-1");
    assertThat(record.headers().get(1).value()).isNull();

    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(200);
    JsonNode report = json(answer);
    assertThat(report.get("error_code").intValue()).isEqualTo(200);
    assertThat(report.get("cluster_id").textValue()).isEqualTo("cluster-1");
    assertThat(report.get("topic_name").textValue()).isEqualTo("orders");
    assertThat(report.get("partition_id").intValue()).isEqualTo(1);
    assertThat(report.get("offset").longValue()).isEqualTo(41);
    assertThat(report.get("timestamp").textValue()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(report.get("key").get("type").textValue()).isEqualTo("BINARY");
    assertThat(report.get("key").get("size").intValue()).isEqualTo(2);
    assertThat(report.get("value").get("type").textValue()).isEqualTo("JSON");
    assertThat(report.get("value").get("size").intValue()).isEqualTo(13);
  }

  @Test
  void aStringValueIsStoredAsUtf8AndAnAbsentKeyIsNull() throws Exception {
    var response =
        harness.postJson(RECORDS, "{\"value\": {\"type\": \"STRING\", \"data\": \"grüße\"}}");
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 1));
    ProduceRecord record = answerProduce(0).records().get(0);

    assertThat(record.key()).isNull();
    assertThat(record.partition()).isNull();
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("grüße");
    JsonNode report = json(await(response));
    assertThat(report.get("key").isNull()).isTrue();
    assertThat(report.get("value").get("size").intValue()).isEqualTo(7);
  }

  @Test
  void concatenatedRecordsAreProducedTogetherAndReportedInOrder() throws Exception {
    var response =
        harness.postJson(
            RECORDS,
            """
            {"value": {"type": "STRING", "data": "a"}}
            {"value": {"type": "STRING", "data": "b"}} {"value": {"type": "STRING", "data": "c"}}
            """);
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 1));
    Gateway.Produce produce = answerProduce(7);
    assertThat(produce.records())
        .extracting(r -> new String(r.value()))
        .containsExactly("a", "b", "c");

    HttpResponse<String> answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(200);
    List<String> lines = answer.body().lines().toList();
    assertThat(lines).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(Json.MAPPER.readTree(lines.get(i)).get("offset").longValue()).isEqualTo(7 + i);
    }
  }

  @Test
  void theAcksQueryParameterOverridesTheDefault() throws Exception {
    var response =
        harness.postJson(
            RECORDS + "?acks=0", "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 1));
    Gateway.Produce produce = harness.expect(Gateway.Produce.class);
    assertThat(produce.acks()).isEqualTo(Acks.NONE);
    produce
        .replyTo()
        .tell(new Gateway.ProduceReply(List.of(new RecordResult("orders", 0, -1, -1, null))));

    JsonNode report = json(await(response));
    assertThat(report.get("offset").longValue()).isEqualTo(-1);
    assertThat(report.get("timestamp").isNull()).isTrue();
  }

  @Test
  void aBadAcksValueIsRefusedAndNothingIsSent() throws Exception {
    var response =
        harness.postJson(
            RECORDS + "?acks=2", "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
    assertError(await(response), 400, 400, "acks", "'2'");
    harness.assertNothingMoreSent();
  }

  @Test
  void badBase64IsRefusedNamingTheFieldAndTheValueAndNothingIsSent() throws Exception {
    var response =
        harness.postJson(
            RECORDS,
            """
            {"value": {"type": "STRING", "data": "fine"}}
            {"key": {"type": "BINARY", "data": "not*base64"}}
            """);
    assertError(await(response), 400, 400, "record 1.key.data", "base64", "not*base64");
    harness.assertNothingMoreSent();
  }

  @Test
  void malformedJsonIsRefusedWithWhereItBroke() throws Exception {
    var response = harness.postJson(RECORDS, "{\"value\": {\"type\": \"STRING\", \"data\": }");
    assertError(await(response), 400, 400, "Malformed JSON", "line 1");
    harness.assertNothingMoreSent();
  }

  @Test
  void anEmptyBodyIsRefused() throws Exception {
    assertError(await(harness.postJson(RECORDS, "")), 400, 400, "no record");
  }

  @Test
  void unknownTypesSchemaFormatsAndUnknownFieldsAreRefused() throws Exception {
    assertError(
        await(harness.postJson(RECORDS, "{\"value\": {\"type\": \"XML\", \"data\": \"a\"}}")),
        400,
        400,
        "record 0.value.type",
        "BINARY, JSON or STRING",
        "'XML'");
    assertError(
        await(harness.postJson(RECORDS, "{\"value\": {\"type\": \"AVRO\", \"data\": \"a\"}}")),
        400,
        400,
        "Schema Registry");
    assertError(
        await(harness.postJson(RECORDS, "{\"value\": {\"schema_id\": 1, \"data\": \"a\"}}")),
        400,
        400,
        "schema_id",
        "Schema Registry");
    assertError(
        await(harness.postJson(RECORDS, "{\"valeu\": {\"type\": \"STRING\", \"data\": \"a\"}}")),
        400,
        400,
        "unknown field 'valeu'");
    assertError(
        await(harness.postJson(RECORDS, "{\"value\": {\"data\": \"a\"}}")),
        400,
        400,
        "record 0.value.type is required");
    harness.assertNothingMoreSent();
  }

  @Test
  void negativeOrNonIntegerPartitionsAndBadTimestampsAreRefused() throws Exception {
    assertError(
        await(harness.postJson(RECORDS, "{\"partition_id\": -1}")),
        400,
        400,
        "record 0.partition_id",
        "-1");
    assertError(
        await(harness.postJson(RECORDS, "{\"partition_id\": \"one\"}")),
        400,
        400,
        "record 0.partition_id",
        "'one'");
    assertError(
        await(harness.postJson(RECORDS, "{\"timestamp\": \"yesterday\"}")),
        400,
        400,
        "record 0.timestamp",
        "'yesterday'");
    harness.assertNothingMoreSent();
  }

  @Test
  void aPartitionTheTopicDoesNotHaveIsRefusedWith40402AndNothingIsWritten() throws Exception {
    var response =
        harness.postJson(
            RECORDS,
            """
            {"partition_id": 0, "value": {"type": "STRING", "data": "ok"}}
            {"partition_id": 5, "value": {"type": "STRING", "data": "lost"}}
            """);
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 2));
    assertError(await(response), 404, 40402, "record 1", "Partition 5", "'orders'", "2 partitions");
    harness.assertNothingMoreSent();
  }

  @Test
  void aRecordLargerThanTheTopicsMaxMessageBytesIsRefusedWith413AndNothingIsWritten()
      throws Exception {
    String big = "x".repeat(200);
    var response =
        harness.postJson(
            RECORDS,
            """
            {"value": {"type": "STRING", "data": "small"}}
            {"value": {"type": "STRING", "data": "%s"}}
            """
                .formatted(big));
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 1, Map.of("max.message.bytes", "200")));
    assertError(await(response), 413, 413, "record 1 is too large", "max.message.bytes=200");
    harness.assertNothingMoreSent();
  }

  @Test
  void aBodyOverMaxRequestSizeIsRefusedWith413() throws Exception {
    try (RouteHarness small = harness.another("sluice.http.max-request-size = 100")) {
      var response =
          small.postJson(
              RECORDS,
              "{\"value\": {\"type\": \"STRING\", \"data\": \"" + "y".repeat(200) + "\"}}");
      assertError(await(response), 413, 413, "larger than 100 bytes", "max-request-size");
      small.assertNothingMoreSent();
    }
  }

  @Test
  void aWrongContentTypeIsRefusedWith415() throws Exception {
    var response = harness.send("POST", RECORDS, "text/plain", "{}");
    assertError(await(response), 415, 415, "'text/plain'", "application/json");
    harness.assertNothingMoreSent();
  }

  @Test
  void anUnknownTopicIs40401() throws Exception {
    var response =
        harness.postJson(RECORDS, "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
    harness.answerCluster();
    harness
        .expectTopicInView()
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null,
                new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Unknown topic 'orders'")));
    assertError(await(response), 404, 40401, "orders");
    harness.assertNothingMoreSent();
  }

  @Test
  void anotherClusterIdIs404() throws Exception {
    var response =
        harness.postJson(
            "/v3/clusters/other/topics/orders/records",
            "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
    harness.answerCluster();
    assertError(await(response), 404, 404, "'other'", "'cluster-1'");
    harness.assertNothingMoreSent();
  }

  @Test
  void aSingleRecordTheBrokerRefusesAnswersWithTheErrorsStatus() throws Exception {
    var response =
        harness.postJson(RECORDS, "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 1));
    Gateway.Produce produce = harness.expect(Gateway.Produce.class);
    produce
        .replyTo()
        .tell(
            new Gateway.ProduceReply(
                List.of(
                    new RecordResult(
                        "orders",
                        0,
                        -1,
                        -1,
                        new ApiError(ErrorCode.NOT_LEADER_OR_FOLLOWER, "leader moved to 2")))));
    assertError(await(response), 503, 50003, "leader moved to 2");
  }

  @Test
  void aBrokerThatDoesNotAnswerGives503() throws Exception {
    try (RouteHarness slow =
        harness.another("sluice.http { request-timeout = 200ms, consume.timeout = 100ms }")) {
      var response = slow.postJson(RECORDS, "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
      slow.expectAdmin(AdminRequest.DescribeCluster.class);
      assertError(await(response), 503, 50302, "did not answer DescribeCluster");
    }
  }

  @Test
  void aPartitionBeyondTheCachedCountIsLookedUpAgainAndProducedWhenTheTopicNowHasIt()
      throws Exception {
    try (RouteHarness cached = cachingServer()) {
      var first = cached.postJson(RECORDS, "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
      cached.answerCluster();
      cached.answerTopicInView(topic("orders", 1));
      answerProduce(cached, 0);
      assertThat(await(first).statusCode()).isEqualTo(200);

      var added =
          cached.postJson(
              RECORDS, "{\"partition_id\": 2, \"value\": {\"type\": \"STRING\", \"data\": \"b\"}}");
      cached.answerTopicInView(topic("orders", 3));
      Gateway.Produce produce = answerProduce(cached, 10);
      assertThat(produce.records().get(0).partition()).isEqualTo(2);
      HttpResponse<String> answer = await(added);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(json(answer).get("partition_id").intValue()).isEqualTo(2);

      var again =
          cached.postJson(
              RECORDS, "{\"partition_id\": 1, \"value\": {\"type\": \"STRING\", \"data\": \"c\"}}");
      answerProduce(cached, 11);
      assertThat(await(again).statusCode()).isEqualTo(200);
      cached.assertNothingMoreSent();
    }
  }

  @Test
  void aPartitionBeyondTheFreshlyDescribedCountIsStillRefusedWith40402() throws Exception {
    try (RouteHarness cached = cachingServer()) {
      var first = cached.postJson(RECORDS, "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
      cached.answerCluster();
      cached.answerTopicInView(topic("orders", 1));
      answerProduce(cached, 0);
      assertThat(await(first).statusCode()).isEqualTo(200);

      var missing =
          cached.postJson(
              RECORDS, "{\"partition_id\": 5, \"value\": {\"type\": \"STRING\", \"data\": \"b\"}}");
      cached.answerTopicInView(topic("orders", 3));
      assertError(
          await(missing), 404, 40402, "record 0", "Partition 5", "'orders'", "3 partitions");
      cached.assertNothingMoreSent();
    }
  }

  @Test
  void aStreamedRecordNamingAPartitionBeyondTheCachedCountHasTheTopicLookedUpAgain()
      throws Exception {
    try (RouteHarness cached = cachingServer()) {
      var first = cached.postJson(RECORDS, "{\"value\": {\"type\": \"STRING\", \"data\": \"a\"}}");
      cached.answerCluster();
      cached.answerTopicInView(topic("orders", 1));
      answerProduce(cached, 0);
      assertThat(await(first).statusCode()).isEqualTo(200);

      HttpRequest request =
          HttpRequest.newBuilder(URI.create(cached.base + RECORDS))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofInputStream(
                      () ->
                          new ByteArrayInputStream(
                              ("{\"partition_id\": 2, \"value\": {\"type\": \"STRING\","
                                      + " \"data\": \"b\"}}\n"
                                      + "{\"partition_id\": 5, \"value\": {\"type\": \"STRING\","
                                      + " \"data\": \"c\"}}\n")
                                  .getBytes(StandardCharsets.UTF_8))))
              .build();
      var streamed = RouteHarness.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
      cached.answerTopicInView(topic("orders", 3));
      // The first record's produce and the second record's look-up may reach the gateway in either
      // order.
      List<Gateway.Command> next = cached.gateway.receiveSeveralMessages(2);
      assertThat(next)
          .hasOnlyElementsOfTypes(Gateway.TopicInView.class, Gateway.Produce.class)
          .hasAtLeastOneElementOfType(Gateway.TopicInView.class)
          .hasAtLeastOneElementOfType(Gateway.Produce.class);
      for (Gateway.Command command : next) {
        if (command instanceof Gateway.TopicInView lookUp) {
          assertThat(lookUp.topic()).isEqualTo("orders");
          assertThat(lookUp.highestPartition()).isEqualTo(5);
          lookUp.replyTo().tell(new AdminRequest.TopicReply(topic("orders", 3), null));
        } else if (command instanceof Gateway.Produce produce) {
          assertThat(produce.records()).extracting(ProduceRecord::partition).containsExactly(2);
          produce
              .replyTo()
              .tell(
                  new Gateway.ProduceReply(
                      List.of(new RecordResult("orders", 2, 10, 1_700_000_000_000L, null))));
        }
      }

      HttpResponse<String> answer = await(streamed);
      assertThat(answer.statusCode()).isEqualTo(200);
      List<String> lines = answer.body().lines().toList();
      assertThat(lines).hasSize(2);
      assertThat(Json.MAPPER.readTree(lines.get(0)).get("partition_id").intValue()).isEqualTo(2);
      JsonNode refused = Json.MAPPER.readTree(lines.get(1));
      assertThat(refused.get("error_code").intValue()).isEqualTo(40402);
      assertThat(refused.get("message").textValue()).contains("record 1", "Partition 5");
      cached.assertNothingMoreSent();
    }
  }

  /** A server that caches topic metadata for longer than any test runs. */
  private static RouteHarness cachingServer() throws Exception {
    return harness.another("sluice.http.metadata-max-age = 1h");
  }
}
