package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.topic;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.IdempotentProduce;
import sluice.actors.api.RecordResult;
import sluice.actors.gateway.Gateway;

/** The v3 produce route's idempotence parameters (a Sluice extension), against a gateway probe. */
class IdempotentProduceRoutesTest {
  @RegisterExtension static final RouteHarness harness = RouteHarness.perTest("");

  private static final String RECORDS = "/v3/clusters/cluster-1/topics/orders/records";
  private static final String TWO_RECORDS =
      "{\"partition_id\": 0, \"value\": {\"type\": \"STRING\", \"data\": \"a\"}}\n"
          + "{\"partition_id\": 1, \"value\": {\"type\": \"STRING\", \"data\": \"b\"}}";

  /** Answers the two records of {@link #TWO_RECORDS} as written. */
  private static void answerBoth(Gateway.Produce produce) {
    produce
        .replyTo()
        .tell(
            new Gateway.ProduceReply(
                List.of(
                    new RecordResult("orders", 0, 5, 1L, null),
                    new RecordResult("orders", 1, 9, 1L, null))));
  }

  @Test
  void theProducerIdEpochAndSequencesReachTheGatewayWithTheRecords() throws Exception {
    var response =
        harness.postJson(
            RECORDS + "?producer_id=42&producer_epoch=3&sequences=0:17,1:0", TWO_RECORDS);
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 2));
    Gateway.Produce produce = harness.expect(Gateway.Produce.class);

    assertThat(produce.idempotent())
        .isEqualTo(new IdempotentProduce(42, (short) 3, Map.of(0, 17, 1, 0)));
    answerBoth(produce);
    assertThat(await(response).statusCode()).isEqualTo(200);
  }

  @Test
  void aPlainRequestCarriesNoIdempotence() throws Exception {
    var response = harness.postJson(RECORDS, TWO_RECORDS);
    harness.answerCluster();
    harness.answerTopicInView(topic("orders", 2));
    Gateway.Produce produce = harness.expect(Gateway.Produce.class);
    assertThat(produce.idempotent()).isNull();
    answerBoth(produce);
    assertThat(await(response).statusCode()).isEqualTo(200);
  }

  @Test
  void incompleteOrBadParametersAreRefusedNamingTheParameterAndNothingIsSent() throws Exception {
    assertError(
        await(harness.postJson(RECORDS + "?producer_id=42&producer_epoch=0", TWO_RECORDS)),
        400,
        400,
        "lacks sequences");
    assertError(
        await(
            harness.postJson(
                RECORDS + "?producer_id=x&producer_epoch=0&sequences=0:1", TWO_RECORDS)),
        400,
        400,
        "producer_id",
        "'x'");
    assertError(
        await(
            harness.postJson(
                RECORDS + "?producer_id=1&producer_epoch=40000&sequences=0:1", TWO_RECORDS)),
        400,
        400,
        "producer_epoch",
        "32767");
    assertError(
        await(
            harness.postJson(
                RECORDS + "?producer_id=1&producer_epoch=0&sequences=0-1", TWO_RECORDS)),
        400,
        400,
        "partition:sequence",
        "'0-1'");
    assertError(
        await(
            harness.postJson(
                RECORDS + "?producer_id=1&producer_epoch=0&sequences=0:1,0:2", TWO_RECORDS)),
        400,
        400,
        "partition 0 twice");
    assertError(
        await(
            harness.postJson(
                RECORDS + "?producer_id=1&producer_epoch=0&sequences=0:-1", TWO_RECORDS)),
        400,
        400,
        "sequence",
        "-1");
    harness.assertNothingMoreSent();
  }

  @Test
  void aStreamedRequestCannotBeIdempotent() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    harness.base + RECORDS + "?producer_id=1&producer_epoch=0&sequences=0:0"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(TWO_RECORDS.getBytes(StandardCharsets.UTF_8))))
            .build();
    var response = RouteHarness.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertError(response, 400, 400, "Content-Length");
    harness.assertNothingMoreSent();
  }

  @Test
  void anOutOfOrderSequenceAndAFencedEpochAreConflicts() throws Exception {
    String one = "{\"partition_id\": 0, \"value\": {\"type\": \"STRING\", \"data\": \"a\"}}";
    List<ApiError> errors =
        List.of(
            ApiError.of(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, "the next must be 2"),
            ApiError.of(ErrorCode.INVALID_PRODUCER_EPOCH, "epoch 1, older than 2"));
    for (ApiError error : errors) {
      var response =
          harness.postJson(RECORDS + "?producer_id=7&producer_epoch=1&sequences=0:5", one);
      if (error == errors.get(0)) {
        harness.answerCluster(); // then cached
      }
      harness.answerTopicInView(topic("orders", 1));
      harness
          .expect(Gateway.Produce.class)
          .replyTo()
          .tell(new Gateway.ProduceReply(List.of(new RecordResult("orders", 0, -1, -1, error))));
      int code =
          error.code() == ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER
              ? RestException.OUT_OF_ORDER_SEQUENCE
              : RestException.PRODUCER_FENCED;
      assertError(await(response), 409, code, error.message());
    }
  }
}
