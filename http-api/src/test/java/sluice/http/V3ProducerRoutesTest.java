package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.await;
import static sluice.http.RouteHarness.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.gateway.Gateway;

class V3ProducerRoutesTest {
  @RegisterExtension static final RouteHarness harness = RouteHarness.perTest("");

  private static final String PRODUCERS = "/v3/clusters/cluster-1/producers";

  /** The gateway is asked for a producer; answers it with {@code reply}. */
  private Gateway.InitProducerId answer(InitProducerIdReply reply) {
    harness.answerCluster();
    Gateway.InitProducerId init = harness.expect(Gateway.InitProducerId.class);
    init.replyTo().tell(reply);
    return init;
  }

  private static InitProducerIdReply producer(long id, int epoch) {
    return new InitProducerIdReply(new ProducerIdAndEpoch(id, (short) epoch), null);
  }

  private static void assertProducer(HttpResponse<String> response, long id, int epoch)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json(response);
    assertThat(body.get("kind").textValue()).isEqualTo("KafkaProducer");
    assertThat(body.get("producer_id").longValue()).isEqualTo(id);
    assertThat(body.get("producer_epoch").intValue()).isEqualTo(epoch);
    assertThat(body.size()).isEqualTo(3);
  }

  @Test
  void anEmptyBodyGetsANewProducerIdWithEpochZero() throws Exception {
    var response = harness.send("POST", PRODUCERS, null, null);
    Gateway.InitProducerId init = answer(producer(4000, 0));
    assertThat(init.producerId()).isNull();
    assertThat(init.producerEpoch()).isNull();
    assertThat(init.timeoutMs()).isEqualTo(harness.settings.requestTimeout().toMillis());
    assertProducer(await(response), 4000, 0);
  }

  @Test
  void anEmptyObjectGetsANewProducerIdToo() throws Exception {
    var response = harness.postJson(PRODUCERS, "{}");
    Gateway.InitProducerId init = answer(producer(4001, 0));
    assertThat(init.producerId()).isNull();
    assertProducer(await(response), 4001, 0);
  }

  @Test
  void theCurrentIdAndEpochAskForTheEpochBump() throws Exception {
    var response = harness.postJson(PRODUCERS, "{\"producer_id\": 7, \"producer_epoch\": 3}");
    Gateway.InitProducerId init = answer(producer(7, 4));
    assertThat(init.producerId()).isEqualTo(7L);
    assertThat(init.producerEpoch()).isEqualTo((short) 3);
    assertProducer(await(response), 7, 4);
  }

  @Test
  void badBodiesAreRefusedNamingTheFieldAndNothingIsAsked() throws Exception {
    String[][] cases = {
      {"{\"producer_id\": -1, \"producer_epoch\": 0}", "producer_id must be an integer from 0"},
      {"{\"producer_id\": 1.5, \"producer_epoch\": 0}", "producer_id", "the number 1.5"},
      {"{\"producer_id\": \"7\", \"producer_epoch\": 0}", "producer_id", "the string '7'"},
      {"{\"producer_id\": 7, \"producer_epoch\": 32768}", "producer_epoch", "32767", "32768"},
      {"{\"producer_id\": 7, \"producer_epoch\": -2}", "producer_epoch", "-2"},
      {"{\"producer_epoch\": 0}", "go together", "only producer_epoch"},
      {"{\"producer_id\": 7}", "go together", "only producer_id"},
      {"{\"producer_id\": 7, \"producer_epoch\": 0, \"transactional_id\": \"t\"}", "unknown field"},
      {"[7, 0]", "must be a JSON object"},
      {"{\"producer_id\": ", "JSON"},
    };
    for (String[] c : cases) {
      String[] says = java.util.Arrays.copyOfRange(c, 1, c.length);
      assertError(await(harness.postJson(PRODUCERS, c[0])), 400, 400, says);
    }
    assertError(await(harness.send("POST", PRODUCERS, "text/plain", "{}")), 415, 415, "text/plain");
    harness.assertNothingMoreSent();
  }

  @Test
  void anotherClustersIdIsNotFoundAndNothingIsAllocated() throws Exception {
    var response = harness.postJson("/v3/clusters/other/producers", "{}");
    harness.answerCluster();
    assertError(await(response), 404, 404, "Cluster 'other' not found");
    harness.assertNothingMoreSent();
  }

  @Test
  void anIdNeverAllocatedIs40002AndNoIdInTimeIsARetriable503() throws Exception {
    var unknown = harness.postJson(PRODUCERS, "{\"producer_id\": 9000, \"producer_epoch\": 0}");
    answer(
        new InitProducerIdReply(
            null, new ApiError(ErrorCode.INVALID_REQUEST, "Producer id 9000 was never allocated")));
    assertError(await(unknown), 400, 40002, "Producer id 9000 was never allocated");

    var waiting = harness.postJson(PRODUCERS, "{}");
    harness
        .expect(Gateway.InitProducerId.class)
        .replyTo()
        .tell(
            new InitProducerIdReply(
                null, new ApiError(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, "waiting for a block")));
    assertError(await(waiting), 503, 50003, "waiting for a block");
  }

  @Test
  void otherMethodsAreNotAllowed() throws Exception {
    assertError(await(harness.get(PRODUCERS)), 405, 405, "POST");
  }
}
