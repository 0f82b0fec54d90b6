package sluice.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP consumer instance (the REST Proxy v2 consumer API) as a test drives it, through a list
 * of brokers: any broker serves any instance, so when the broker in use does not answer (killed,
 * cut off) or answers 5xx or 408 (retriable), the request goes to the next one until {@code
 * deadline}. Not thread-safe: one thread per instance.
 */
final class HttpConsumer {
  static final String V2 = "application/vnd.kafka.v2+json";
  static final String BINARY = "application/vnd.kafka.binary.v2+json";
  private static final Duration REQUEST = Duration.ofSeconds(40);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

  /** A record as the instance returned it; key and value as UTF-8 text. */
  record Record(String topic, int partition, long offset, String value) {}

  private final String group;
  private final String name;
  private final List<BrokerClient> brokers;
  private final Duration deadline;
  private int current;
  private final List<String> failures = new ArrayList<>();

  HttpConsumer(
      String group, String name, List<BrokerClient> brokers, int first, Duration deadline) {
    this.group = group;
    this.name = name;
    this.brokers = List.copyOf(brokers);
    this.current = first;
    this.deadline = deadline;
  }

  String name() {
    return name;
  }

  /** The broker requests go to now. */
  BrokerClient broker() {
    return brokers.get(current);
  }

  /** Failed requests that moved the instance to another broker, oldest first. */
  List<String> failures() {
    return failures;
  }

  private String base() {
    return "/consumers/" + group + "/instances/" + name;
  }

  /** Creates the instance (binary, earliest, manual commits unless {@code autoCommit}). */
  void create(boolean autoCommit) {
    call(
            "POST",
            "/consumers/" + group,
            """
            {"name": "%s", "format": "binary", "auto.offset.reset": "earliest",
             "auto.commit.enable": "%s"}"""
                .formatted(name, autoCommit),
            V2)
        .expect(200);
  }

  void subscribe(String... topics) {
    StringBuilder list = new StringBuilder();
    for (String t : topics) {
      list.append(list.isEmpty() ? "" : ",").append('"').append(t).append('"');
    }
    expectNoContent(call("POST", base() + "/subscription", "{\"topics\": [" + list + "]}", V2));
  }

  void assign(String topic, int... partitions) {
    expectNoContent(
        call(
            "POST",
            base() + "/assignments",
            "{\"partitions\": " + partitions(topic, partitions) + "}",
            V2));
  }

  /** One {@code GET records}. */
  List<Record> poll() {
    JsonNode page = call("GET", base() + "/records?timeout=1000", null, BINARY).expect(200);
    List<Record> records = new ArrayList<>();
    for (JsonNode r : page) {
      records.add(
          new Record(
              r.get("topic").asText(),
              r.get("partition").asInt(),
              r.get("offset").asLong(),
              new String(
                  Base64.getDecoder().decode(r.get("value").asText()), StandardCharsets.UTF_8)));
    }
    return records;
  }

  /** Commits the last offset consumed of each partition of {@code records}; the answer as is. */
  BrokerClient.Response commitLast(List<Record> records) {
    Map<String, Long> last = new TreeMap<>();
    for (Record r : records) {
      last.merge(r.topic() + "\u0000" + r.partition(), r.offset(), Math::max);
    }
    StringBuilder offsets = new StringBuilder();
    last.forEach(
        (tp, offset) -> {
          String[] parts = tp.split("\u0000");
          offsets
              .append(offsets.isEmpty() ? "" : ",")
              .append(
                  "{\"topic\": \"%s\", \"partition\": %s, \"offset\": %d}"
                      .formatted(parts[0], parts[1], offset));
        });
    return call("POST", base() + "/offsets", "{\"offsets\": [" + offsets + "]}", V2);
  }

  /** The group's committed offsets (the next to read) of {@code partitions} of {@code topic}. */
  Map<Integer, Long> committed(String topic, int... partitions) {
    JsonNode answer =
        call(
                "GET",
                base() + "/offsets",
                "{\"partitions\": " + partitions(topic, partitions) + "}",
                V2)
            .expect(200);
    Map<Integer, Long> offsets = new TreeMap<>();
    for (JsonNode o : answer.get("offsets")) {
      offsets.put(o.get("partition").asInt(), o.get("offset").asLong());
    }
    return offsets;
  }

  /** The partitions assigned to the instance now. */
  List<Integer> assignment() {
    JsonNode answer = call("GET", base() + "/assignments", null, V2).expect(200);
    List<Integer> partitions = new ArrayList<>();
    answer.get("partitions").forEach(p -> partitions.add(p.get("partition").asInt()));
    return partitions;
  }

  void delete() {
    expectNoContent(call("DELETE", base(), null, V2));
  }

  private static String partitions(String topic, int... partitions) {
    StringBuilder list = new StringBuilder();
    for (int p : partitions) {
      list.append(list.isEmpty() ? "" : ",")
          .append("{\"topic\": \"%s\", \"partition\": %d}".formatted(topic, p));
    }
    return "[" + list + "]";
  }

  private static void expectNoContent(BrokerClient.Response response) {
    if (response.status() != 204) {
      throw new AssertionError("expected HTTP 204 but got " + response);
    }
  }

  /** A retry's backoff, so that brokers refusing connections are not asked in a tight loop. */
  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The request through the brokers in turn until one answers other than 5xx or 408. */
  BrokerClient.Response call(String method, String path, String body, String accept) {
    long giveUp = System.nanoTime() + deadline.toNanos();
    while (true) {
      BrokerClient broker = brokers.get(current);
      String failure;
      try {
        BrokerClient.Response response = broker.send(method, path, body, V2, accept, REQUEST);
        if (response.status() < 500 && response.status() != 408) {
          return response;
        }
        failure = response.toString();
      } catch (UncheckedIOException e) {
        failure = e.getMessage();
      }
      failures.add(name + " via " + broker + ": " + failure);
      if (System.nanoTime() > giveUp) {
        throw new AssertionError(method + " " + path + " failed through every broker: " + failure);
      }
      current = (current + 1) % brokers.size();
      pause();
    }
  }
}
