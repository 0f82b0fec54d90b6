package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producer ids over HTTP on a one-node broker started as the server starts it: the controller's
 * blocks, the broker's producer id manager and the gateway, end to end.
 */
class ProducersEndToEndTest {
  @TempDir static Path dataDir;
  private static OneNodeBroker broker;

  @BeforeAll
  static void start() throws Exception {
    broker = OneNodeBroker.start("ProducersEndToEndTest", dataDir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static String producers() {
    return "/v3/clusters/" + broker.clusterId() + "/producers";
  }

  private static JsonNode post(String body) throws Exception {
    HttpResponse<String> response =
        broker.send("POST", producers(), body == null ? null : "application/json", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  @Test
  void newProducersGetDistinctIdsFromTheFirstBlockAndACurrentOneItsNextEpoch() throws Exception {
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      JsonNode producer = post(i % 2 == 0 ? null : "{}");
      assertThat(producer.get("kind").textValue()).isEqualTo("KafkaProducer");
      assertThat(producer.get("producer_epoch").intValue()).isZero();
      ids.add(producer.get("producer_id").longValue());
    }
    assertThat(ids).hasSize(20).allMatch(id -> id >= 0 && id < 1000);

    long id = ids.iterator().next();
    JsonNode bumped = post("{\"producer_id\": " + id + ", \"producer_epoch\": 0}");
    assertThat(bumped.get("producer_id").longValue()).isEqualTo(id);
    assertThat(bumped.get("producer_epoch").intValue()).isEqualTo(1);
    JsonNode renewed = post("{\"producer_id\": " + id + ", \"producer_epoch\": 32766}");
    assertThat(renewed.get("producer_id").longValue()).isNotIn(ids);
    assertThat(renewed.get("producer_epoch").intValue()).isZero();

    assertError(
        broker.send(
            "POST",
            producers(),
            "application/json",
            "{\"producer_id\": 5000, \"producer_epoch\": 0}"),
        400,
        40002,
        "Producer id 5000 was never allocated");
  }
}
