package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP client that opts in to idempotence, against a one-node broker with real partition
 * leaders: a resent request is stored once and answered with the original offsets; a request out of
 * sequence is a 409 and writes nothing.
 */
class IdempotentProduceEndToEndTest {
  @TempDir static Path dataDir;
  private static OneNodeBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = OneNodeBroker.start("IdempotentProduceEndToEndTest", dataDir);
    var created =
        broker.send(
            "POST",
            broker.topics(),
            "application/json",
            "{\"topic_name\": \"ledger\", \"partitions_count\": 2}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  private static String records(int partition, String... values) {
    StringBuilder body = new StringBuilder();
    for (String value : values) {
      body.append("{\"partition_id\": ")
          .append(partition)
          .append(", \"value\": {\"type\": \"STRING\", \"data\": \"")
          .append(value)
          .append("\"}}\n");
    }
    return body.toString();
  }

  private static HttpResponse<String> produce(String sequences, String body) throws Exception {
    return broker.send(
        "POST",
        broker.topics()
            + "/ledger/records?producer_id=5000&producer_epoch=0&sequences="
            + sequences,
        "application/json",
        body);
  }

  /** The offset of every record report in the response, in order. */
  private static List<Long> offsets(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<Long> offsets = new ArrayList<>();
    for (JsonNode report :
        Json.parseConcatenated(akka.util.ByteString.fromString(response.body()))) {
      assertThat(report.get("error_code").intValue()).as(response.body()).isEqualTo(200);
      offsets.add(report.get("offset").longValue());
    }
    return offsets;
  }

  private static long endOffset(int partition) throws Exception {
    var response = broker.get("/topics/ledger/partitions/" + partition + "/offsets");
    return RouteHarness.json(response).get("end_offset").longValue();
  }

  @Test
  void aResentRequestIsStoredOnceAndAnsweredWithTheOriginalOffsets() throws Exception {
    String body = records(0, "a", "b") + records(1, "c");
    List<Long> first = offsets(produce("0:0,1:0", body));

    List<Long> resent = offsets(produce("0:0,1:0", body));
    List<Long> again = offsets(produce("0:0,1:0", body));

    assertThat(resent).isEqualTo(first).isEqualTo(again);
    assertThat(endOffset(0)).isEqualTo(2);
    assertThat(endOffset(1)).isEqualTo(1);

    List<Long> next = offsets(produce("0:2", records(0, "d")));
    assertThat(next).containsExactly(2L);

    var gap = produce("0:9", records(0, "e"));
    assertError(gap, 409, RestException.OUT_OF_ORDER_SEQUENCE, "must be 3");
    assertThat(endOffset(0)).isEqualTo(3);
  }
}
