package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.consumer.InstanceCommand;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.consumer.InstanceCommand.Kind;
import sluice.actors.consumer.InstanceConfig;

/** The live stream of a v2 consumer instance, against a stand-in instance. */
class InstanceStreamTest {
  @RegisterExtension
  static final RouteHarness harness =
      RouteHarness.perTest(
          "sluice.http.stream { fetch-max-wait = 30s, heartbeat-interval = 200ms }");

  private static final String STREAM = "/consumers/my-group/instances/c1/records/stream";

  private SinkQueueWithCancel<ByteString> lines;

  @AfterEach
  void stop() {
    if (lines != null) {
      lines.cancel();
    }
  }

  private static <T extends InstanceCommand> T expect(Class<T> type) throws InterruptedException {
    return harness.expectInstance("my-group", "c1", type);
  }

  /** Opens the stream, answers the instance's settings and waits for the answer's headers. */
  private HttpResponse openStream(InstanceConfig config, String path, RawHeader... headers)
      throws Exception {
    var response =
        Http.get(harness.system())
            .singleRequest(HttpRequest.GET(harness.base + path).addHeaders(List.of(headers)));
    expect(InstanceCommand.GetConfig.class)
        .replyTo()
        .tell(new InstanceCommand.ConfigAnswer(config, null));
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

  private void assertEnded() throws Exception {
    Optional<ByteString> end = lines.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    while (end.isPresent() && (end.get().isEmpty() || end.get().utf8String().startsWith(":"))) {
      end = lines.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(end).as("the stream ends after the error").isEmpty();
  }

  @Test
  void aStreamPollsTheInstanceAgainAndAgainAndSendsEachRecordAsALine() throws Exception {
    HttpResponse answer = openStream(InstanceConfig.defaults(), STREAM + "?max_bytes=2000");
    assertThat(answer.status().intValue()).isEqualTo(200);
    assertThat(answer.entity().getContentType().mediaType().toString())
        .isEqualTo("application/x-ndjson");

    InstanceCommand.Poll parked = expect(InstanceCommand.Poll.class);
    assertThat(parked.timeoutMs()).isEqualTo(30_000);
    assertThat(parked.maxBytes()).isEqualTo(2000);
    assertThat(nextLine()).as("a heartbeat while the poll waits").isEmpty();

    parked
        .replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(
                    ConsumerInstanceRoutesTest.record("a", 0, 4, "x"),
                    ConsumerInstanceRoutesTest.record("b", 2, 9, "y")),
                null));
    JsonNode first = Json.MAPPER.readTree(nextNonEmptyLine());
    assertThat(first.get("topic").textValue()).isEqualTo("a");
    assertThat(first.get("value").textValue()).isEqualTo("eA==");
    JsonNode second = Json.MAPPER.readTree(nextNonEmptyLine());
    assertThat(second.get("partition").intValue()).isEqualTo(2);
    assertThat(second.get("offset").longValue()).isEqualTo(9);

    // after a rebalance the instance reads other partitions; the stream just polls again
    expect(InstanceCommand.Poll.class)
        .replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(ConsumerInstanceRoutesTest.record("c", 1, 0, "z")), null));
    assertThat(Json.MAPPER.readTree(nextNonEmptyLine()).get("topic").textValue()).isEqualTo("c");

    expect(InstanceCommand.Poll.class)
        .replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(), Failure.of(Kind.UNKNOWN_INSTANCE, "c1 was deleted")));
    JsonNode error = Json.MAPPER.readTree(nextNonEmptyLine());
    assertThat(error.get("error_code").intValue()).isEqualTo(40403);
    assertThat(error.get("message").textValue()).contains("'c1'");
    assertEnded();
  }

  @Test
  void serverSentEventsCarryRecordsInTheJsonFormatAndRetryARetriableError() throws Exception {
    HttpResponse answer =
        openStream(
            ConsumerInstanceRoutesTest.JSON_CONFIG,
            STREAM,
            RawHeader.create("Accept", "text/event-stream"));
    assertThat(answer.entity().getContentType().mediaType().toString())
        .isEqualTo("text/event-stream");

    expect(InstanceCommand.Poll.class)
        .replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(),
                Failure.broker(new ApiError(ErrorCode.NOT_COORDINATOR, "coordinator moved"))));
    expect(InstanceCommand.Poll.class)
        .replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(ConsumerInstanceRoutesTest.record("a", 0, 7, "{\"n\": 2}")), null));

    assertThat(nextNonEmptyLine()).isEqualTo("event: record");
    String data = nextLine();
    assertThat(data).startsWith("data: ");
    assertThat(Json.MAPPER.readTree(data.substring(6)).get("value").get("n").intValue())
        .isEqualTo(2);

    expect(InstanceCommand.Poll.class)
        .replyTo()
        .tell(
            new InstanceCommand.RecordsAnswer(
                List.of(ConsumerInstanceRoutesTest.record("a", 0, 8, "not json")), null));
    assertThat(nextNonEmptyLine()).isEqualTo("event: error");
    JsonNode error = Json.MAPPER.readTree(nextLine().substring(6));
    assertThat(error.get("error_code").intValue()).isEqualTo(40601);
    assertThat(error.get("message").textValue()).contains("offset 8");
    assertEnded();
  }

  @Test
  void anUnknownInstanceIs404BeforeTheStreamStarts() throws Exception {
    var response = harness.get(STREAM);
    expect(InstanceCommand.GetConfig.class)
        .replyTo()
        .tell(
            new InstanceCommand.ConfigAnswer(null, Failure.of(Kind.UNKNOWN_INSTANCE, "never was")));
    assertError(await(response), 404, 40403, "'c1'", "'my-group'");

    assertError(await(harness.get(STREAM + "?max_bytes=x")), 400, 400, "max_bytes", "'x'");
    harness.assertNothingMoreSentToInstances();
  }
}
