package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.json;
import static sluice.http.RouteHarness.topic;

import akka.http.javadsl.Http;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.javadsl.Framing;
import akka.stream.javadsl.FramingTruncation;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.RecordHeader;
import sluice.actors.gateway.Gateway;

class ConsumeRoutesTest {
  @RegisterExtension
  static final RouteHarness harness =
      RouteHarness.perTest(
          "sluice.http.stream { fetch-max-wait = 30s, heartbeat-interval = 200ms }");

  private static final String RECORDS = "/topics/orders/partitions/1/records";
  private static final String STREAM = "/topics/orders/partitions/1/stream";
  private static final PartitionOffsets OFFSETS = new PartitionOffsets(0, 10, 10);

  private SinkQueueWithCancel<ByteString> lines;

  @AfterEach
  void stop() {
    if (lines != null) {
      lines.cancel();
    }
  }

  private static ConsumedRecord record(long offset, String key, String value) {
    return new ConsumedRecord(
        "orders",
        1,
        offset,
        1_000 + offset,
        false,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8),
        List.of(new RecordHeader("h", "v".getBytes(StandardCharsets.UTF_8))));
  }

  private Gateway.Fetch answerFetch(List<ConsumedRecord> records) {
    Gateway.Fetch fetch = harness.expect(Gateway.Fetch.class);
    fetch.replyTo().tell(new Gateway.FetchReply(records, OFFSETS, null));
    return fetch;
  }

  @Test
  void recordsAreReturnedWithHeadersAndTimestampsInTheBinaryFormat() throws Exception {
    var response = harness.get(RECORDS + "?offset=5&max_bytes=1000&timeout=250");
    harness.answerTopicInView(topic("orders", 2));
    Gateway.Fetch fetch =
        answerFetch(List.of(record(4, "k", "before"), record(5, "k", "v5"), record(6, null, "v6")));
    assertThat(fetch.topic()).isEqualTo("orders");
    assertThat(fetch.partition()).isEqualTo(1);
    assertThat(fetch.offset()).isEqualTo(5);
    assertThat(fetch.maxBytes()).isEqualTo(1000);
    assertThat(fetch.maxWaitMs()).isEqualTo(250);

    var answer = await(response);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.kafka.binary.v2+json");
    JsonNode records = json(answer);
    assertThat(records.size()).as("the record before the offset asked for is dropped").isEqualTo(2);
    JsonNode first = records.get(0);
    assertThat(first.get("topic").textValue()).isEqualTo("orders");
    assertThat(first.get("partition").intValue()).isEqualTo(1);
    assertThat(first.get("offset").longValue()).isEqualTo(5);
    assertThat(first.get("key").textValue()).isEqualTo("aw==");
    assertThat(first.get("value").textValue()).isEqualTo("djU=");
    assertThat(first.get("timestamp").longValue()).isEqualTo(1005);
    assertThat(first.get("timestamp_type").textValue()).isEqualTo("CREATE_TIME");
    assertThat(first.get("headers").get(0).get("name").textValue()).isEqualTo("h");
    assertThat(first.get("headers").get(0).get("value").textValue()).isEqualTo("dg==");
    assertThat(records.get(1).get("key").isNull()).isTrue();
  }

  @Test
  void theJsonFormatEmbedsValuesWhenAcceptAsksForIt() throws Exception {
    var response =
        harness.get(RECORDS + "?offset=0", "Accept", "application/vnd.kafka.json.v2+json");
    harness.answerTopicInView(topic("orders", 2));
    Gateway.Fetch fetch = answerFetch(List.of(record(0, "\"k\"", "{\"n\":1}")));
    assertThat(fetch.maxBytes()).isEqualTo(harness.settings.consumeMaxBytes());
    assertThat(fetch.maxWaitMs()).isEqualTo(harness.settings.consumeTimeout().toMillis());
    var answer = await(response);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.kafka.json.v2+json");
    JsonNode record = json(answer).get(0);
    assertThat(record.get("key").textValue()).isEqualTo("k");
    assertThat(record.get("value").get("n").intValue()).isEqualTo(1);
  }

  @Test
  void aValueThatIsNotJsonCannotBeSentInTheJsonFormat() throws Exception {
    var response =
        harness.get(RECORDS + "?offset=0", "Accept", "application/vnd.kafka.json.v2+json");
    harness.answerTopicInView(topic("orders", 2));
    answerFetch(List.of(record(3, null, "plain text")));
    assertError(await(response), 406, 40601, "value", "offset 3", "binary");
  }

  @Test
  void earliestIsTheDefaultAndLatestIsTheHighWatermark() throws Exception {
    var earliest = harness.get(RECORDS);
    harness.answerTopicInView(topic("orders", 2));
    harness
        .expect(Gateway.GetOffsets.class)
        .replyTo()
        .tell(new Gateway.OffsetsReply(new PartitionOffsets(3, 8, 9), null));
    assertThat(answerFetch(List.of()).offset()).isEqualTo(3);
    assertThat(await(earliest).body()).isEqualTo("[]");

    var latest = harness.get(RECORDS + "?offset=latest");
    harness.answerTopicInView(topic("orders", 2));
    harness
        .expect(Gateway.GetOffsets.class)
        .replyTo()
        .tell(new Gateway.OffsetsReply(new PartitionOffsets(3, 8, 9), null));
    assertThat(answerFetch(List.of()).offset()).isEqualTo(8);
    assertThat(await(latest).statusCode()).isEqualTo(200);
  }

  @Test
  void aTimestampStartsAtTheFirstRecordAtOrAfterItOrAtTheEnd() throws Exception {
    var response = harness.get(RECORDS + "?timestamp=2024-05-01T10:00:00Z");
    harness.answerTopicInView(topic("orders", 2));
    Gateway.OffsetForTime byTime = harness.expect(Gateway.OffsetForTime.class);
    assertThat(byTime.partition()).isEqualTo(1);
    assertThat(byTime.timestamp()).isEqualTo(1714557600000L);
    byTime.replyTo().tell(new Gateway.OffsetForTimeReply(12, null));
    assertThat(answerFetch(List.of()).offset()).isEqualTo(12);
    assertThat(await(response).statusCode()).isEqualTo(200);

    var future = harness.get(RECORDS + "?timestamp=1714557600000");
    harness.answerTopicInView(topic("orders", 2));
    harness
        .expect(Gateway.OffsetForTime.class)
        .replyTo()
        .tell(new Gateway.OffsetForTimeReply(-1, null));
    harness
        .expect(Gateway.GetOffsets.class)
        .replyTo()
        .tell(new Gateway.OffsetsReply(new PartitionOffsets(0, 30, 30), null));
    assertThat(answerFetch(List.of()).offset()).isEqualTo(30);
    assertThat(await(future).statusCode()).isEqualTo(200);

    assertError(await(harness.get(RECORDS + "?timestamp=noon")), 400, 400, "timestamp", "'noon'");
    assertError(
        await(harness.get(RECORDS + "?timestamp=5&offset=3")), 400, 400, "not both", "'3'", "'5'");
    harness.assertNothingMoreSent();
  }

  @Test
  void badOffsetsSizesAndTimeoutsAreRefusedBeforeTheBrokerIsAsked() throws Exception {
    assertError(await(harness.get(RECORDS + "?offset=-1")), 400, 400, "offset", "'-1'");
    assertError(await(harness.get(RECORDS + "?offset=soon")), 400, 400, "offset", "'soon'");
    assertError(await(harness.get(RECORDS + "?max_bytes=0")), 400, 400, "max_bytes", "'0'");
    assertError(
        await(harness.get(RECORDS + "?max_bytes=99999999999")),
        400,
        400,
        "max_bytes",
        "99999999999");
    assertError(await(harness.get(RECORDS + "?timeout=-5")), 400, 400, "timeout", "'-5'");
    assertError(await(harness.get(RECORDS + "?timeout=60000")), 400, 400, "timeout", "5000");
    assertError(
        await(harness.get("/topics/orders/partitions/-2/records")), 400, 400, "Partition", "'-2'");
    harness.assertNothingMoreSent();
  }

  @Test
  void anOffsetOutOfRangeIs416WithTheRange() throws Exception {
    var response = harness.get(RECORDS + "?offset=99");
    harness.answerTopicInView(topic("orders", 2));
    harness
        .expect(Gateway.Fetch.class)
        .replyTo()
        .tell(
            new Gateway.FetchReply(
                List.of(),
                null,
                new ApiError(
                    ErrorCode.OFFSET_OUT_OF_RANGE,
                    "Offset 99 is out of range [0, 10) of orders-1")));
    assertError(await(response), 416, 416, "Offset 99", "[0, 10)");
  }

  @Test
  void unknownTopicsAndPartitionsAre40401And40402() throws Exception {
    var missingTopic = harness.get(RECORDS);
    harness
        .expectTopicInView()
        .replyTo()
        .tell(
            new AdminRequest.TopicReply(
                null, new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "no topic 'orders'")));
    assertError(await(missingTopic), 404, 40401, "'orders'");

    var missingPartition = harness.get(RECORDS);
    harness.answerTopicInView(topic("orders", 1));
    assertError(await(missingPartition), 404, 40402, "Partition 1", "1 partition ");
    harness.assertNothingMoreSent();
  }

  /** Opens a live stream and waits for the answer's headers. */
  private HttpResponse openStream(String path, RawHeader... headers) throws Exception {
    var response =
        Http.get(harness.system())
            .singleRequest(HttpRequest.GET(harness.base + path).addHeaders(List.of(headers)));
    harness.answerTopicInView(topic("orders", 2));
    HttpResponse answer = response.toCompletableFuture().get(10, TimeUnit.SECONDS);
    lines =
        answer
            .entity()
            .getDataBytes()
            .via(Framing.delimiter(ByteString.fromString("\n"), 1 << 20, FramingTruncation.ALLOW))
            .runWith(Sink.queue(), harness.system());
    return answer;
  }

  private String nextLine() throws Exception {
    Optional<ByteString> line = lines.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(line).as("a line").isPresent();
    return line.get().utf8String();
  }

  private String nextNonEmptyLine() throws Exception {
    String line = nextLine();
    while (line.isEmpty() || line.startsWith(":")) {
      line = nextLine();
    }
    return line;
  }

  @Test
  void aStreamDeliversRecordsThatArriveAfterItStartedAsNdjson() throws Exception {
    HttpResponse answer = openStream(STREAM + "?offset=7");
    assertThat(answer.status().intValue()).isEqualTo(200);
    assertThat(answer.entity().getContentType().mediaType().toString())
        .isEqualTo("application/x-ndjson");

    Gateway.Fetch parked = harness.expect(Gateway.Fetch.class);
    assertThat(parked.offset()).isEqualTo(7);
    assertThat(parked.maxWaitMs()).isEqualTo(30_000);
    assertThat(nextLine()).as("a heartbeat while the fetch is parked").isEmpty();

    // The leader answers the parked fetch when records are appended.
    parked
        .replyTo()
        .tell(
            new Gateway.FetchReply(
                List.of(record(7, "a", "x"), record(8, "b", "y")), OFFSETS, null));
    assertThat(Json.MAPPER.readTree(nextNonEmptyLine()).get("offset").longValue()).isEqualTo(7);
    assertThat(Json.MAPPER.readTree(nextNonEmptyLine()).get("offset").longValue()).isEqualTo(8);

    Gateway.Fetch next = harness.expect(Gateway.Fetch.class);
    assertThat(next.offset()).isEqualTo(9);
    next.replyTo().tell(new Gateway.FetchReply(List.of(record(9, "c", "z")), OFFSETS, null));
    assertThat(Json.MAPPER.readTree(nextNonEmptyLine()).get("offset").longValue()).isEqualTo(9);
    assertThat(harness.expect(Gateway.Fetch.class).offset()).isEqualTo(10);
  }

  @Test
  void aStreamRetriesARetriableErrorAndEndsOnAnyOther() throws Exception {
    openStream(STREAM + "?offset=2");
    Gateway.Fetch first = harness.expect(Gateway.Fetch.class);
    first
        .replyTo()
        .tell(
            new Gateway.FetchReply(
                List.of(), null, new ApiError(ErrorCode.NOT_LEADER_OR_FOLLOWER, "moving")));
    Gateway.Fetch retry = harness.expect(Gateway.Fetch.class);
    assertThat(retry.offset()).isEqualTo(2);
    retry
        .replyTo()
        .tell(
            new Gateway.FetchReply(
                List.of(), null, new ApiError(ErrorCode.OFFSET_OUT_OF_RANGE, "Offset 2 is gone")));
    JsonNode error = Json.MAPPER.readTree(nextNonEmptyLine());
    assertThat(error.get("error_code").intValue()).isEqualTo(416);
    assertThat(error.get("message").textValue()).contains("Offset 2 is gone");
    Optional<ByteString> end = lines.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    while (end.isPresent() && end.get().isEmpty()) {
      end = lines.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(end).as("the stream ends after the error").isEmpty();
  }

  @Test
  void serverSentEventsCarryTheOffsetAsIdAndResumeAfterLastEventId() throws Exception {
    HttpResponse answer =
        openStream(
            STREAM,
            RawHeader.create("Accept", "text/event-stream"),
            RawHeader.create("Last-Event-ID", "41"));
    assertThat(answer.entity().getContentType().mediaType().toString())
        .isEqualTo("text/event-stream");
    Gateway.Fetch fetch = harness.expect(Gateway.Fetch.class);
    assertThat(fetch.offset()).isEqualTo(42);
    fetch.replyTo().tell(new Gateway.FetchReply(List.of(record(42, "k", "v")), OFFSETS, null));

    assertThat(nextNonEmptyLine()).isEqualTo("id: 42");
    assertThat(nextLine()).isEqualTo("event: record");
    String data = nextLine();
    assertThat(data).startsWith("data: ");
    assertThat(Json.MAPPER.readTree(data.substring(6)).get("value").textValue()).isEqualTo("dg==");
  }

  @Test
  void aStreamChecksItsParametersBeforeStarting() throws Exception {
    assertError(await(harness.get(STREAM + "?offset=-3")), 400, 400, "offset", "'-3'");
    assertError(await(harness.get(STREAM + "?format=xml")), 400, 400, "format", "'xml'");
    assertError(
        await(harness.get(STREAM, "Accept", "text/event-stream", "Last-Event-ID", "x")),
        400,
        400,
        "Last-Event-ID",
        "'x'");
    harness.assertNothingMoreSent();
  }

  @Test
  void aPartitionBeyondTheCachedCountIsLookedUpAgainBeforeItIsConsumedOrRefused() throws Exception {
    try (RouteHarness cached = harness.another("sluice.http.metadata-max-age = 1h")) {
      var first = cached.get("/topics/orders/partitions/0/records?offset=0");
      cached.answerTopicInView(topic("orders", 1));
      cached
          .expect(Gateway.Fetch.class)
          .replyTo()
          .tell(new Gateway.FetchReply(List.of(), OFFSETS, null));
      assertThat(await(first).statusCode()).isEqualTo(200);

      var added = cached.get("/topics/orders/partitions/2/records?offset=0");
      cached.answerTopicInView(topic("orders", 3));
      Gateway.Fetch fetch = cached.expect(Gateway.Fetch.class);
      assertThat(fetch.partition()).isEqualTo(2);
      fetch.replyTo().tell(new Gateway.FetchReply(List.of(), OFFSETS, null));
      assertThat(await(added).statusCode()).isEqualTo(200);

      var missing = cached.get("/topics/orders/partitions/5/records?offset=0");
      cached.answerTopicInView(topic("orders", 3));
      assertError(await(missing), 404, 40402, "Partition 5", "3 partitions");
      cached.assertNothingMoreSent();
    }
  }

  @Test
  void aCachedTopicServesUntilItsMaximumAgeThenIsDescribedAgain() throws Exception {
    try (RouteHarness cached = harness.another("sluice.http.metadata-max-age = 1s")) {
      String path = "/topics/orders/partitions/0/records?offset=0";
      var first = cached.get(path);
      cached.answerTopicInView(topic("orders", 1));
      answerFetch(cached);
      assertThat(await(first).statusCode()).isEqualTo(200);

      cached.clock.advance(Duration.ofMillis(999));
      var fresh = cached.get(path);
      answerFetch(cached);
      assertThat(await(fresh).statusCode()).isEqualTo(200);

      cached.clock.advance(Duration.ofMillis(1));
      var aged = cached.get(path);
      cached.answerTopicInView(topic("orders", 1));
      answerFetch(cached);
      assertThat(await(aged).statusCode()).isEqualTo(200);
      cached.assertNothingMoreSent();
    }
  }

  private static void answerFetch(RouteHarness server) {
    server
        .expect(Gateway.Fetch.class)
        .replyTo()
        .tell(new Gateway.FetchReply(List.of(), OFFSETS, null));
  }
}
