package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.http.RouteHarness.assertError;
import static sluice.http.RouteHarness.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 consumer instances over real HTTP against a one-node broker: the routes, the instance
 * entities (Cluster Sharding), the group coordinator and the partition leaders, with serialization
 * checks on. Waits are conditions polled until a deadline; none is a fixed sleep.
 */
class ConsumerInstanceRoutesEndToEndTest {
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path dataDir;
  private static OneNodeBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = OneNodeBroker.start("ConsumerInstanceRoutesEndToEndTest", dataDir);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return broker.send("POST", path, body == null ? null : V2, body);
  }

  private static void createTopic(String name, int partitions) throws Exception {
    var created =
        broker.send(
            "POST",
            broker.topics(),
            "application/json",
            "{\"topic_name\": \"%s\", \"partitions_count\": %d}".formatted(name, partitions));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  /** Produces {@code count} records over v2, record i to partition i % partitions, value "v{i}". */
  private static void produce(String topic, int count, int partitions) throws Exception {
    List<String> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add("{\"value\": \"%s\", \"partition\": %d}".formatted(b64("v" + i), i % partitions));
    }
    var produced =
        broker.send(
            "POST",
            "/topics/" + topic,
            "application/vnd.kafka.binary.v2+json",
            "{\"records\": [" + String.join(", ", records) + "]}");
    assertThat(produced.statusCode()).as(produced.body()).isEqualTo(200);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String value(JsonNode record) {
    return new String(
        Base64.getDecoder().decode(record.get("value").textValue()), StandardCharsets.UTF_8);
  }

  /**
   * Waits until {@code group}'s coordinator answers: the first group request creates {@code
   * __consumer_offsets} and loads the coordinator, meanwhile a create is answered 408 or 503
   * (retriable), as a client would see it. A warm-up instance is created (a retry may find it made
   * by the attempt that timed out) and deleted.
   */
  private static void awaitCoordinator(String group) throws Exception {
    awaitCondition(
        "group " + group + "'s coordinator answers",
        () -> {
          int status = post("/consumers/" + group, "{\"name\": \"warm-up\"}").statusCode();
          assertThat(status).isIn(200, 408, 409, 503);
          return status == 200 || status == 409;
        });
    var deleted = broker.send("DELETE", "/consumers/" + group + "/instances/warm-up", null, null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
  }

  private static String createInstance(String group, String name) throws Exception {
    var created =
        post(
            "/consumers/" + group,
            "{\"name\": \"%s\", \"format\": \"binary\", \"auto.offset.reset\": \"earliest\","
                    .formatted(name)
                + " \"auto.commit.enable\": \"false\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String base = "/consumers/" + group + "/instances/" + name;
    assertThat(json(created).get("base_uri").textValue()).isEqualTo(broker.base() + base);
    return base;
  }

  private static List<Integer> assignedPartitions(String instance) throws Exception {
    var answer = broker.get(instance + "/assignments");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    List<Integer> partitions = new ArrayList<>();
    json(answer).get("partitions").forEach(p -> partitions.add(p.get("partition").intValue()));
    return partitions;
  }

  private static JsonNode poll(String instance) throws Exception {
    var answer = broker.get(instance + "/records?timeout=200");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.kafka.binary.v2+json");
    return json(answer);
  }

  private static JsonNode committed(String instance, String topic) throws Exception {
    var answer =
        broker.send(
            "GET",
            instance + "/offsets",
            V2,
            "{\"partitions\": [{\"topic\": \"%s\", \"partition\": 0}, {\"topic\": \"%s\", \"partition\": 1}]}"
                .formatted(topic, topic));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return json(answer).get("offsets");
  }

  private static long committedOffset(JsonNode offsets, int partition) {
    for (JsonNode offset : offsets) {
      if (offset.get("partition").intValue() == partition) {
        return offset.get("offset").longValue();
      }
    }
    return -1;
  }

  private static void awaitCondition(String what, Check check) throws Exception {
    long giveUp = System.nanoTime() + DEADLINE.toNanos();
    while (!check.holds()) {
      assertThat(System.nanoTime()).as("within %s: %s", DEADLINE, what).isLessThan(giveUp);
    }
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  @Test
  void twoInstancesShareAGroupReadCommitAndAreDeleted() throws Exception {
    createTopic("clicks", 2);
    awaitCoordinator("clickers");
    String c1 = createInstance("clickers", "c1");
    String c2 = createInstance("clickers", "c2");
    assertError(
        post("/consumers/clickers", "{\"name\": \"c1\"}"), 409, 40902, "'c1'", "'clickers'");
    for (String instance : List.of(c1, c2)) {
      var subscribed = post(instance + "/subscription", "{\"topics\": [\"clicks\"]}");
      assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(204);
    }
    assertThat(json(broker.get(c1 + "/subscription")).get("topics").get(0).textValue())
        .isEqualTo("clicks");

    // The coordinator gives each member one partition; polls keep both instances active.
    awaitCondition(
        "one partition each",
        () -> {
          poll(c1);
          poll(c2);
          List<Integer> one = assignedPartitions(c1);
          List<Integer> two = assignedPartitions(c2);
          return one.size() == 1 && two.size() == 1 && !one.equals(two);
        });
    int c1Partition = assignedPartitions(c1).get(0);

    produce("clicks", 10, 2);
    Set<String> fromC1 = new HashSet<>();
    Set<String> fromC2 = new HashSet<>();
    awaitCondition(
        "every record read",
        () -> {
          for (JsonNode record : poll(c1)) {
            assertThat(record.get("partition").intValue()).isEqualTo(c1Partition);
            fromC1.add(value(record));
          }
          for (JsonNode record : poll(c2)) {
            assertThat(record.get("partition").intValue()).isEqualTo(1 - c1Partition);
            fromC2.add(value(record));
          }
          return fromC1.size() + fromC2.size() == 10;
        });
    assertThat(fromC1).hasSize(5).doesNotContainAnyElementsOf(fromC2);

    // No body: everything fetched is committed, the next offset to read of each partition.
    for (String instance : List.of(c1, c2)) {
      var commit = post(instance + "/offsets", null);
      assertThat(commit.statusCode()).as(commit.body()).isEqualTo(200);
    }
    JsonNode offsets = committed(c1, "clicks");
    assertThat(committedOffset(offsets, 0)).isEqualTo(5);
    assertThat(committedOffset(offsets, 1)).isEqualTo(5);

    // A posted offset is the last one consumed: the committed offset is one more.
    var commit =
        post(
            c1 + "/offsets",
            "{\"offsets\": [{\"topic\": \"clicks\", \"partition\": %d, \"offset\": 2, \"metadata\": \"m\"}]}"
                .formatted(c1Partition));
    assertThat(commit.statusCode()).as(commit.body()).isEqualTo(200);
    offsets = committed(c2, "clicks");
    assertThat(committedOffset(offsets, c1Partition)).isEqualTo(3);
    assertThat(committedOffset(offsets, 1 - c1Partition)).isEqualTo(5);

    for (String instance : List.of(c1, c2)) {
      var deleted = broker.send("DELETE", instance, null, null);
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    }
    assertError(broker.get(c1 + "/subscription"), 404, 40403, "'c1'");
    assertError(broker.get(c2 + "/records"), 404, 40403, "'c2'");
  }

  @Test
  void anInstanceStreamSendsTheRecordsItReadsAsNdjson() throws Exception {
    createTopic("views", 1);
    produce("views", 3, 1);
    awaitCoordinator("viewers");
    String viewer = createInstance("viewers", "v1");
    assertThat(post(viewer + "/subscription", "{\"topics\": [\"views\"]}").statusCode())
        .isEqualTo(204);

    CompletableFuture<HttpResponse<Stream<String>>> opened =
        RouteHarness.HTTP.sendAsync(
            HttpRequest.newBuilder(URI.create(broker.base() + viewer + "/records/stream"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    HttpResponse<Stream<String>> stream = opened.get(10, TimeUnit.SECONDS);
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    try (Stream<String> lines = stream.body()) {
      Iterator<String> it = lines.filter(line -> !line.isEmpty()).iterator();
      List<String> values = new ArrayList<>();
      while (values.size() < 3) {
        JsonNode record = Json.MAPPER.readTree(it.next());
        assertThat(record.get("topic").textValue()).as(record.toString()).isEqualTo("views");
        values.add(value(record));
      }
      assertThat(values).containsExactly("v0", "v1", "v2");
    }
  }
}
