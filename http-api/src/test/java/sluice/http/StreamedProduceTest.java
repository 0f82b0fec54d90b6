package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.topic;

import akka.NotUsed;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.Pair;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Framing;
import akka.stream.javadsl.FramingTruncation;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.RecordResult;
import sluice.actors.gateway.Gateway;

/**
 * Streamed v3 produce over a real chunked request from the Akka HTTP client: records are sent one
 * at a time while delivery reports come back on the same exchange.
 */
class StreamedProduceTest {
  @RegisterExtension
  static final RouteHarness harness =
      RouteHarness.perTest("sluice.http.stream.produce-parallelism = 2");

  private static final String RECORDS = "/v3/clusters/cluster-1/topics/orders/records";

  private SourceQueueWithComplete<ByteString> requestBody;
  private SinkQueueWithCancel<ByteString> reports;

  @AfterEach
  void stop() {
    if (reports != null) {
      reports.cancel();
    }
  }

  /** Opens the streamed request and waits for the answer's headers. */
  private void open() throws Exception {
    Pair<SourceQueueWithComplete<ByteString>, Source<ByteString, NotUsed>> queue =
        Source.<ByteString>queue(64, OverflowStrategy.backpressure())
            .preMaterialize(harness.system());
    requestBody = queue.first();
    var response =
        Http.get(harness.system())
            .singleRequest(
                HttpRequest.POST(harness.base + RECORDS)
                    .withEntity(
                        HttpEntities.createChunked(ContentTypes.APPLICATION_JSON, queue.second())));
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 2));
    HttpResponse answer = response.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(answer.status().intValue()).isEqualTo(200);
    reports =
        answer
            .entity()
            .getDataBytes()
            .via(
                Framing.delimiter(ByteString.fromString("\n"), 1 << 20, FramingTruncation.DISALLOW))
            .runWith(Sink.queue(), harness.system());
  }

  private void send(String value) throws Exception {
    requestBody
        .offer(
            ByteString.fromString(
                "{\"value\": {\"type\": \"STRING\", \"data\": \"" + value + "\"}}\n"))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private void sendRaw(String text) throws Exception {
    requestBody.offer(ByteString.fromString(text)).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private JsonNode nextReport() throws Exception {
    Optional<ByteString> line = reports.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(line).as("a delivery report").isPresent();
    return Json.MAPPER.readTree(line.get().utf8String());
  }

  private static void reply(Gateway.Produce produce, long firstOffset) {
    List<RecordResult> results = new ArrayList<>();
    for (int i = 0; i < produce.records().size(); i++) {
      results.add(new RecordResult("orders", 0, firstOffset + i, 1_000L, null));
    }
    produce.replyTo().tell(new Gateway.ProduceReply(results));
  }

  @Test
  void eachRecordIsReportedBeforeTheNextIsSent() throws Exception {
    open();
    for (int i = 0; i < 3; i++) {
      send("r" + i);
      Gateway.Produce produce = harness.expect(Gateway.Produce.class);
      assertThat(produce.records()).hasSize(1);
      assertThat(new String(produce.records().get(0).value())).isEqualTo("r" + i);
      reply(produce, 10 + i);
      JsonNode report = nextReport();
      assertThat(report.get("error_code").intValue()).isEqualTo(200);
      assertThat(report.get("offset").longValue()).isEqualTo(10 + i);
    }
    requestBody.complete();
    assertThat(reports.pull().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void reportsKeepRecordOrderWhenTheBrokerAnswersOutOfOrder() throws Exception {
    open();
    send("first");
    Gateway.Produce first = harness.expect(Gateway.Produce.class);
    send("second");
    Gateway.Produce second = harness.expect(Gateway.Produce.class);
    // Both produce slots are busy: these records wait and then travel together.
    send("third");
    send("fourth");
    send("fifth");

    reply(second, 200);
    reply(first, 100);
    List<String> later = new ArrayList<>();
    long offset = 300;
    while (later.size() < 3) {
      Gateway.Produce produce = harness.expect(Gateway.Produce.class);
      produce.records().forEach(r -> later.add(new String(r.value())));
      reply(produce, offset);
      offset += produce.records().size();
    }
    assertThat(later).containsExactly("third", "fourth", "fifth");

    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      offsets.add(nextReport().get("offset").longValue());
    }
    assertThat(offsets).containsExactly(100L, 200L, 300L, 301L, 302L);
  }

  @Test
  void aBadRecordGetsAnErrorReportInItsPlaceAndTheStreamGoesOn() throws Exception {
    open();
    send("good");
    reply(harness.expect(Gateway.Produce.class), 5);
    assertThat(nextReport().get("offset").longValue()).isEqualTo(5);

    sendRaw("{\"partition_id\": 7, \"value\": {\"type\": \"STRING\", \"data\": \"x\"}}\n");
    // A partition beyond the topic as the stream knows it is looked up again before it is refused.
    harness.answerTopicInView(topic("orders", 2));
    JsonNode error = nextReport();
    assertThat(error.get("error_code").intValue()).isEqualTo(40402);
    assertThat(error.get("message").textValue()).contains("record 1", "Partition 7");

    sendRaw("{\"value\": {\"type\": \"BINARY\", \"data\": \"%%%\"}}\n");
    JsonNode badBase64 = nextReport();
    assertThat(badBase64.get("error_code").intValue()).isEqualTo(400);
    assertThat(badBase64.get("message").textValue()).contains("record 2.value.data", "%%%");

    send("also good");
    Gateway.Produce produce = harness.expect(Gateway.Produce.class);
    assertThat(produce.records()).hasSize(1);
    reply(produce, 6);
    assertThat(nextReport().get("offset").longValue()).isEqualTo(6);
  }

  @Test
  void aBrokenStreamEndsWithAnErrorReport() throws Exception {
    open();
    sendRaw("this is not json\n");
    JsonNode error = nextReport();
    assertThat(error.get("error_code").intValue()).isEqualTo(400);
    assertThat(error.get("message").textValue()).contains("broke off");
    assertThat(reports.pull().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
  }
}
