package sluice.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sluice.bench.failover.AckTimeline;
import sluice.bench.failover.DeliveryCheck;
import sluice.bench.failover.SluiceStallProducer;
import sluice.bench.report.Comparison;

/**
 * Drives the load generator against a small in-test REST Proxy double (JDK HttpServer on a loopback
 * port 0) to check the harness: request shapes, report counting, streaming, consuming.
 */
class HttpProduceLoadTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HttpServer server;
  private ExecutorService executor;
  private final Map<String, List<String>> partitionLogs = new ConcurrentHashMap<>();
  private final List<String> createdTopics = new ArrayList<>();
  private volatile boolean failEveryThirdRecord;

  /**
   * The double as an idempotent partition whose first answer to each request is lost: records of a
   * request with a producer id and sequence it has not seen are stored and answered 503; a resend
   * is answered with the offsets they were stored at, as Sluice's leaders do.
   */
  private volatile boolean loseFirstAnswers;

  private final Map<String, List<Long>> storedRequests = new ConcurrentHashMap<>();
  private final List<String> produceQueries = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger producerIds =
      new java.util.concurrent.atomic.AtomicInteger();

  @BeforeEach
  void startDouble() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stopDouble() {
    server.stop(0);
    executor.shutdownNow();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void batchedProduceSendsWellFormedRecordsAndCountsEveryDeliveryReport() throws IOException {
    HttpProduceLoad load = new HttpProduceLoad(new RestProxyClient(url()), 3, 1000, 100, 2, "1");

    LoadResult result = load.produceBatches("c1", "t", 2500);

    assertThat(result.records()).isEqualTo(2500);
    assertThat(result.failed()).isZero();
    assertThat(result.latencies().count()).isEqualTo(3);
    assertThat(partitionLogs.get("t-0")).hasSize(1500); // requests 0 and 2 (the last, of 500)
    assertThat(partitionLogs.get("t-1")).hasSize(1000);
    JsonNode record = MAPPER.readTree(partitionLogs.get("t-1").get(0));
    assertThat(record.path("partition_id").asInt()).isEqualTo(1);
    assertThat(record.path("value").path("type").asText()).isEqualTo("BINARY");
    assertThat(Base64.getDecoder().decode(record.path("value").path("data").asText())).hasSize(100);
  }

  @Test
  void idempotentBatchesCarryEachConnectionsProducerAndSequencesRisingPerPartition()
      throws IOException {
    HttpProduceLoad load = new HttpProduceLoad(new RestProxyClient(url()), 1, 100, 100, 2, "1");

    LoadResult result = load.produceBatches("c1", "t", 450, true);

    assertThat(result.records()).isEqualTo(450);
    assertThat(result.name()).endsWith(" idem");
    assertThat(produceQueries)
        .containsExactly(
            "acks=1&producer_id=1&producer_epoch=0&sequences=0:0",
            "acks=1&producer_id=1&producer_epoch=0&sequences=1:0",
            "acks=1&producer_id=1&producer_epoch=0&sequences=0:100",
            "acks=1&producer_id=1&producer_epoch=0&sequences=1:100",
            "acks=1&producer_id=1&producer_epoch=0&sequences=0:200");
    LoadResult plain =
        new LoadResult(
            "HTTP v3 produce 100/request x1 conn acks=1",
            450,
            0,
            100,
            1_000_000_000L,
            new Latencies(),
            null);
    List<Comparison> ratio = HttpProduceLoad.idempotenceRatio(List.of(plain, result));
    assertThat(ratio).singleElement().satisfies(c -> assertThat(c.target()).hasValue(0.95));
  }

  @Test
  void errorReportsAreCountedAsFailuresWithTheFirstMessage() throws IOException {
    failEveryThirdRecord = true;
    HttpProduceLoad load = new HttpProduceLoad(new RestProxyClient(url()), 1, 30, 100, 1, "all");

    LoadResult result = load.produceBatches("c1", "t", 30);

    assertThat(result.records()).isEqualTo(20);
    assertThat(result.failed()).isEqualTo(10);
    assertThat(result.firstError()).contains("40801").contains("refused by the double");
  }

  @Test
  void streamedProduceTimesEveryRecordAndConsumeReadsThemAllBack() throws IOException {
    HttpProduceLoad load = new HttpProduceLoad(new RestProxyClient(url()), 2, 1000, 100, 1, "1");

    LoadResult streamed = load.produceStreamed("c1", "s", 1001);
    LoadResult consumed = load.consume("s");

    assertThat(streamed.records()).isEqualTo(1001);
    assertThat(streamed.failed()).isZero();
    assertThat(streamed.latencies().count()).isEqualTo(1001);
    assertThat(consumed.records()).isEqualTo(1001);
    assertThat(consumed.latencies().count()).isEqualTo(5); // 4 pages of 300, then an empty one
  }

  @Test
  void clusterIdAndTopicCreationUseTheV3Resources() throws IOException {
    RestProxyClient client = new RestProxyClient(url());

    String clusterId = client.clusterId();
    client.createTopic(clusterId, "new-topic", 3);

    assertThat(clusterId).isEqualTo("c1");
    assertThat(createdTopics).containsExactly("new-topic:3");
  }

  @Test
  void topicsAreCreatedWithAReplicationFactorAndConfigsAndPartitionLeadersAndBrokersAreRead()
      throws IOException {
    RestProxyClient client = new RestProxyClient(url());

    client.createTopic("c1", "replicated", 1, 3, Map.of("min.insync.replicas", "2"));

    assertThat(createdTopics)
        .containsExactly("replicated:1 rf=3 [{\"name\":\"min.insync.replicas\",\"value\":\"2\"}]");
    assertThat(client.partition("c1", "replicated", 0))
        .isEqualTo(new PartitionMetadata(2, List.of(2, 3)));
    assertThat(client.brokerIds("c1")).containsExactly(1, 2, 3);
  }

  @Test
  void theStallProducerRetriesRefusedRecordsUntilAcknowledgedAndReadsEveryOneBack()
      throws IOException {
    failEveryThirdRecord = true;
    SluiceStallProducer producer =
        new SluiceStallProducer(
            new RestProxyClient(url()), "c1", "stall", 0, 100, 5_000, 2, 10, false);
    AckTimeline timeline = new AckTimeline();

    producer.start(timeline);
    await("200 acknowledgements")
        .atMost(Duration.ofSeconds(30))
        .until(() -> timeline.count() >= 200);
    long sent = producer.stop();
    DeliveryCheck check = DeliveryCheck.of(timeline.acknowledged(), producer.readBack());

    assertThat(timeline.failures()).isPositive();
    assertThat(timeline.firstFailure()).contains("refused by the double");
    assertThat(check.acknowledged()).isGreaterThanOrEqualTo(200).isLessThanOrEqualTo(sent);
    assertThat(check.noLoss()).isTrue();
    assertThat(check.duplicates()).isZero();
  }

  @Test
  void theIdempotentStallProducerResendsTheSameRequestSoALostAnswerWritesNothingTwice()
      throws IOException {
    loseFirstAnswers = true;
    SluiceStallProducer producer =
        new SluiceStallProducer(
            new RestProxyClient(url()), "c1", "stall", 0, 100, 5_000, 2, 10, true);
    AckTimeline timeline = new AckTimeline();

    producer.start(timeline);
    await("100 acknowledgements")
        .atMost(Duration.ofSeconds(30))
        .until(() -> timeline.count() >= 100);
    long sent = producer.stop();
    DeliveryCheck check = DeliveryCheck.of(timeline.acknowledged(), producer.readBack());

    assertThat(timeline.failures()).as("every first answer was lost").isPositive();
    assertThat(check.noLoss()).isTrue();
    assertThat(check.duplicates()).isZero();
    assertThat(check.readBack()).isLessThanOrEqualTo(sent);
    assertThat(producerIds).as("one producer per worker").hasValue(2);
    // Each worker's requests go 0:0, 0:10, 0:20, ...: one producer's sequences advance by a batch.
    assertThat(storedRequests.keySet())
        .allSatisfy(key -> assertThat(Integer.parseInt(key.split(":")[2]) % 10).isZero());
    assertThat(producer.epochBumps()).isZero();
  }

  @Test
  void aBrokerThatIsNotThereIsReportedWithItsUrl() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    RestProxyClient client = new RestProxyClient("http://127.0.0.1:" + closedPort);

    assertThatThrownBy(client::clusterId)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot reach a Sluice broker at http://127.0.0.1:" + closedPort);
    assertThatThrownBy(() -> new RestProxyClient("ftp://x")).hasMessageContaining("'ftp://x'");
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String[] parts = path.split("/");
    try {
      if (path.equals("/v3/clusters")) {
        respond(
            exchange, 200, "{\"kind\":\"KafkaClusterList\",\"data\":[{\"cluster_id\":\"c1\"}]}");
      } else if (path.equals("/v3/clusters/c1/topics")) {
        JsonNode body = MAPPER.readTree(exchange.getRequestBody());
        createdTopics.add(
            body.path("topic_name").asText()
                + ":"
                + body.path("partitions_count")
                + (body.has("replication_factor")
                    ? " rf=" + body.path("replication_factor") + " " + body.path("configs")
                    : ""));
        respond(exchange, 201, "{}");
      } else if (path.equals("/v3/clusters/c1/brokers")) {
        respond(
            exchange, 200, "{\"data\":[{\"broker_id\":1},{\"broker_id\":2},{\"broker_id\":3}]}");
      } else if (path.startsWith("/v3/clusters/c1/topics/") && path.contains("/partitions/")) {
        respond(
            exchange,
            200,
            "{\"partition_id\":" + parts[7] + ",\"leader_id\":2,\"in_sync_replica_ids\":[2,3]}");
      } else if (path.equals("/v3/clusters/c1/producers")) {
        respond(
            exchange,
            200,
            "{\"kind\":\"KafkaProducer\",\"producer_id\":"
                + producerIds.incrementAndGet()
                + ",\"producer_epoch\":0}");
      } else if (path.startsWith("/v3/clusters/c1/topics/")
          && path.endsWith("/records")
          && loseFirstAnswers) {
        produceIdempotently(exchange, parts[5]);
      } else if (path.startsWith("/v3/clusters/c1/topics/") && path.endsWith("/records")) {
        produceQueries.add(exchange.getRequestURI().getQuery());
        produce(exchange, parts[5]);
      } else if (path.startsWith("/topics/") && path.endsWith("/records")) {
        fetch(exchange, parts[2], Integer.parseInt(parts[4]));
      } else {
        respond(exchange, 404, "{\"error_code\":404,\"message\":\"no route " + path + "\"}");
      }
    } finally {
      exchange.close();
    }
  }

  private void produce(HttpExchange exchange, String topic) throws IOException {
    boolean chunked =
        "chunked".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Transfer-Encoding"));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(exchange.getRequestBody(), StandardCharsets.UTF_8));
    int n = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      n++;
      String report;
      if (failEveryThirdRecord && n % 3 == 0) {
        report = "{\"error_code\":40801,\"message\":\"refused by the double\"}";
      } else {
        int partition = MAPPER.readTree(line).path("partition_id").asInt();
        List<String> log =
            partitionLogs.computeIfAbsent(
                topic + "-" + partition,
                k -> java.util.Collections.synchronizedList(new ArrayList<>()));
        long offset;
        synchronized (log) {
          offset = log.size();
          log.add(line);
        }
        report =
            "{\"error_code\":200,\"cluster_id\":\"c1\",\"topic_name\":\""
                + topic
                + "\",\"partition_id\":"
                + partition
                + ",\"offset\":"
                + offset
                + ",\"value\":{\"type\":\"BINARY\",\"size\":100}}";
      }
      out.write((report + "\n").getBytes(StandardCharsets.UTF_8));
      if (chunked) {
        out.flush();
      }
    }
    out.close();
  }

  private void produceIdempotently(HttpExchange exchange, String topic) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    String producer = query.split("producer_id=")[1].split("&")[0];
    String sequences = query.split("sequences=")[1].split("&")[0];
    String key = producer + ":" + sequences;
    List<String> lines = new ArrayList<>();
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(exchange.getRequestBody(), StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    List<Long> offsets = storedRequests.get(key);
    if (offsets == null) {
      List<Long> stored = new ArrayList<>();
      for (String line : lines) {
        List<String> log =
            partitionLogs.computeIfAbsent(
                topic + "-0", k -> java.util.Collections.synchronizedList(new ArrayList<>()));
        synchronized (log) {
          stored.add((long) log.size());
          log.add(line);
        }
      }
      storedRequests.put(key, stored);
      respond(exchange, 503, "{\"error_code\":50003,\"message\":\"answer lost\"}");
      return;
    }
    StringBuilder reports = new StringBuilder();
    for (long offset : offsets) {
      reports
          .append("{\"error_code\":200,\"partition_id\":0,\"offset\":")
          .append(offset)
          .append("}\n");
    }
    respond(exchange, 200, reports.toString());
  }

  private void fetch(HttpExchange exchange, String topic, int partition) throws IOException {
    long offset =
        Long.parseLong(exchange.getRequestURI().getQuery().split("offset=")[1].split("&")[0]);
    List<String> log = partitionLogs.getOrDefault(topic + "-" + partition, List.of());
    StringBuilder body = new StringBuilder("[");
    for (long o = offset; o < Math.min(log.size(), offset + 300); o++) {
      if (o > offset) {
        body.append(',');
      }
      String value = MAPPER.readTree(log.get((int) o)).path("value").path("data").asText();
      body.append("{\"topic\":\"")
          .append(topic)
          .append("\",\"key\":null,\"value\":\"")
          .append(value)
          .append("\",\"partition\":")
          .append(partition)
          .append(",\"offset\":")
          .append(o)
          .append(",\"headers\":[]}");
    }
    respond(exchange, 200, body.append(']').toString());
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
