package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker as an operator runs it: a separate JVM started through {@code sluice.server.Main},
 * driven over real HTTP, killed with SIGKILL or stopped with SIGTERM, and started again on the same
 * data.
 */
@Timeout(300)
class ServerProcessTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final ClusterExtension brokers = new ClusterExtension();

  private BrokerProcess broker(String... overrides) {
    return brokers.single("data", overrides);
  }

  /** One acknowledged record, as its delivery report and the request described it. */
  private record Acked(int partition, long offset, String key, String value, String header) {}

  @Test
  void everyAcknowledgedRecordIsBackAfterKillNine() throws Exception {
    var broker = broker().start().awaitReady(START);
    String cluster = clusterId(broker);
    createTopic(broker, cluster, "events", 3);

    List<Acked> acked = new ArrayList<>();
    for (int request = 0; request < 20; request++) {
      var body = new StringBuilder();
      for (int i = 0; i < 25; i++) {
        int n = request * 25 + i;
        body.append(
            """
            {"key": {"type": "STRING", "data": "key-%d"},
             "value": {"type": "STRING", "data": "value-%d"},
             "headers": [{"name": "seq", "value": "%s"}]}
            """
                .formatted(n % 7, n, base64("h" + n)));
      }
      var response =
          send(broker, "POST", "/v3/clusters/" + cluster + "/topics/events/records?acks=all", body);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      var reports = JSON.readerFor(JsonNode.class).<JsonNode>readValues(response.body()).readAll();
      assertThat(reports).hasSize(25);
      for (int i = 0; i < 25; i++) {
        int n = request * 25 + i;
        JsonNode report = reports.get(i);
        assertThat(report.get("error_code").asInt()).as(report.toString()).isEqualTo(200);
        acked.add(
            new Acked(
                report.get("partition_id").asInt(),
                report.get("offset").asLong(),
                "key-" + (n % 7),
                "value-" + n,
                "h" + n));
      }
    }

    broker.kill9();
    broker.start().awaitReady(START);

    Map<Integer, List<Acked>> byPartition = new TreeMap<>();
    for (Acked record : acked) {
      byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record);
    }
    assertThat(byPartition).as("keys spread over partitions").hasSizeGreaterThan(1);
    for (var entry : byPartition.entrySet()) {
      List<JsonNode> read = readAll(broker, "events", entry.getKey(), entry.getValue().size());
      for (int i = 0; i < read.size(); i++) {
        assertThat(read.get(i).get("offset").asLong()).as("dense offsets").isEqualTo(i);
      }
      for (Acked record : entry.getValue()) {
        JsonNode got = read.get((int) record.offset());
        assertThat(decode(got.get("key"))).isEqualTo(record.key());
        assertThat(decode(got.get("value"))).isEqualTo(record.value());
        assertThat(decode(got.get("headers").get(0).get("value"))).isEqualTo(record.header());
      }
    }
  }

  @Test
  void sigtermStopsTheBrokerCleanlyAndItsDataStays() throws Exception {
    var broker = broker().start().awaitReady(START);
    String cluster = clusterId(broker);
    createTopic(broker, cluster, "quiet", 1);
    var produced =
        send(
            broker,
            "POST",
            "/v3/clusters/" + cluster + "/topics/quiet/records",
            "{\"value\": {\"type\": \"STRING\", \"data\": \"kept\"}}");
    assertThat(produced.status()).as(produced.body()).isEqualTo(200);

    broker.terminate(Duration.ofSeconds(60));
    assertThat(broker.log()).contains("Closed the partition logs").contains("stopped");

    broker.start().awaitReady(START);
    assertThat(clusterId(broker)).as("the same cluster").isEqualTo(cluster);
    List<JsonNode> read = readAll(broker, "quiet", 0, 1);
    assertThat(decode(read.get(0).get("value"))).isEqualTo("kept");
  }

  @Test
  void aBrokerRefusesDataThatBelongsToAnotherBrokerId() throws Exception {
    var first = broker().start().awaitReady(START);
    first.terminate(Duration.ofSeconds(60));

    var other = broker("-Dsluice.broker-id=7").start();
    int status = other.awaitExit(START);
    assertThat(status).isEqualTo(2);
    assertThat(other.log())
        .contains("broker")
        .contains("7")
        .contains(brokers.dataDir().resolve("data").toString());
  }

  private static String clusterId(BrokerProcess broker) {
    return broker.http().clusterId();
  }

  private static void createTopic(
      BrokerProcess broker, String cluster, String name, int partitions) {
    broker.http().createTopic(name, partitions, 1);
  }

  /** Reads a partition from offset 0 until {@code expected} records are in, headers included. */
  private static List<JsonNode> readAll(
      BrokerProcess broker, String topic, int partition, int expected) {
    List<JsonNode> records = new ArrayList<>();
    while (records.size() < expected) {
      JsonNode page =
          send(
                  broker,
                  "GET",
                  "/topics/%s/partitions/%d/records?offset=%d&timeout=5000"
                      .formatted(topic, partition, records.size()),
                  null)
              .expect(200);
      assertThat(page.size()).as("records after offset %d", records.size()).isPositive();
      page.forEach(records::add);
    }
    assertThat(records).hasSize(expected);
    return records;
  }

  private static BrokerClient.Response send(
      BrokerProcess broker, String method, String path, CharSequence body) {
    return broker.http().send(method, path, body == null ? null : body.toString());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(JsonNode base64) {
    return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
  }
}
