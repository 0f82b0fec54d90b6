package sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as an operator runs it: a separate JVM started through {@link Main}, driven over real
 * HTTP, killed with SIGKILL or stopped with SIGTERM, and started again on the same data.
 */
@Timeout(300)
class ServerProcessTest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir Path dir;
  private final List<BrokerProcess> brokers = new ArrayList<>();

  /** Prints every broker's output when a test fails. */
  @RegisterExtension
  final TestWatcher printLogs =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          for (BrokerProcess broker : brokers) {
            try {
              System.err.println("==== broker log ====\n" + broker.log());
            } catch (java.io.IOException e) {
              System.err.println("cannot read a broker log: " + e);
            }
          }
        }
      };

  private String testName;

  @org.junit.jupiter.api.BeforeEach
  void name(org.junit.jupiter.api.TestInfo info) {
    testName = info.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void stopBrokers() throws InterruptedException {
    for (BrokerProcess broker : brokers) {
      if (broker.isAlive()) {
        broker.kill9();
      }
    }
  }

  private BrokerProcess broker(String... overrides) throws java.io.IOException {
    // Logs live outside the temporary directory, which is gone by the time a failure is reported.
    Path logs = java.nio.file.Files.createDirectories(Path.of("target", "broker-logs"));
    Path log = logs.resolve(testName + "-" + brokers.size() + ".log");
    java.nio.file.Files.deleteIfExists(log);
    var broker = new BrokerProcess(dir.resolve("data"), log, overrides);
    brokers.add(broker);
    return broker;
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
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
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
    assertThat(produced.statusCode()).as(produced.body()).isEqualTo(200);

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
        .contains(dir.resolve("data").toString());
  }

  private static String clusterId(BrokerProcess broker) throws Exception {
    var response = send(broker, "GET", "/v3/clusters", null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).get("data").get(0).get("cluster_id").asText();
  }

  private static void createTopic(BrokerProcess broker, String cluster, String name, int partitions)
      throws Exception {
    var response =
        send(
            broker,
            "POST",
            "/v3/clusters/" + cluster + "/topics",
            "{\"topic_name\": \"%s\", \"partitions_count\": %d}".formatted(name, partitions));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  /** Reads a partition from offset 0 until {@code expected} records are in. */
  private static List<JsonNode> readAll(
      BrokerProcess broker, String topic, int partition, int expected) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    while (records.size() < expected) {
      var response =
          send(
              broker,
              "GET",
              "/topics/%s/partitions/%d/records?offset=%d&timeout=5000"
                  .formatted(topic, partition, records.size()),
              null);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode page = JSON.readTree(response.body());
      assertThat(page.size()).as("records after offset %d", records.size()).isPositive();
      page.forEach(records::add);
    }
    assertThat(records).hasSize(expected);
    return records;
  }

  private static HttpResponse<String> send(
      BrokerProcess broker, String method, String path, CharSequence body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(broker.baseUrl() + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(JsonNode base64) {
    return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
  }
}
