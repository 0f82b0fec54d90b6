package sluice.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The HTTP API of one broker, as the tests use it: every request has a deadline ({@link
 * #REQUEST_TIMEOUT}), and every helper that expects success fails with the status and body when it
 * does not get it. Stateless apart from the base URL; safe from any thread.
 */
public final class BrokerClient {
  /** No single request may take longer than this. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;

  public BrokerClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** An answer: its status and body. */
  public record Response(int status, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    /** The body as JSON, or an AssertionError naming the status and body. */
    public JsonNode expect(int expected) {
      if (status != expected) {
        throw new AssertionError("expected HTTP " + expected + " but got " + this);
      }
      return json();
    }
  }

  /** A partition as the controller describes it (v2 partition metadata). */
  public record PartitionState(
      int partition, int leader, List<Integer> replicas, List<Integer> isr) {}

  /** One record as consumed. */
  public record Consumed(long offset, String key, String value) {}

  public Response send(String method, String path, String body) {
    var request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(REQUEST_TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + baseUrl + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public String clusterId() {
    return get("/v3/clusters").expect(200).get("data").get(0).get("cluster_id").asText();
  }

  /** The live brokers' ids, as this broker lists them. */
  public List<Integer> brokerIds() {
    List<Integer> ids = new ArrayList<>();
    get("/v3/clusters/" + clusterId() + "/brokers")
        .expect(200)
        .get("data")
        .forEach(b -> ids.add(b.get("broker_id").asInt()));
    return ids;
  }

  /** The broker id of the controller, from the cluster's {@code controller} link. */
  public int controllerId() {
    String link =
        get("/v3/clusters/" + clusterId()).expect(200).get("controller").get("related").asText();
    return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
  }

  public Response tryCreateTopic(String name, int partitions, int replicationFactor) {
    return send(
        "POST",
        "/v3/clusters/" + clusterId() + "/topics",
        "{\"topic_name\": \"%s\", \"partitions_count\": %d, \"replication_factor\": %d}"
            .formatted(name, partitions, replicationFactor));
  }

  public JsonNode createTopic(String name, int partitions, int replicationFactor) {
    return tryCreateTopic(name, partitions, replicationFactor).expect(201);
  }

  public List<String> topics() {
    List<String> names = new ArrayList<>();
    get("/topics").expect(200).forEach(n -> names.add(n.asText()));
    return names;
  }

  /** The topic's full metadata (configs, partitions, leaders, replicas), from the controller. */
  public JsonNode describeTopic(String name) {
    return get("/topics/" + name).expect(200);
  }

  public PartitionState describePartition(String topic, int partition) {
    JsonNode p = get("/topics/" + topic + "/partitions/" + partition).expect(200);
    List<Integer> replicas = new ArrayList<>();
    List<Integer> isr = new ArrayList<>();
    p.get("replicas")
        .forEach(
            r -> {
              replicas.add(r.get("broker").asInt());
              if (r.get("in_sync").asBoolean()) {
                isr.add(r.get("broker").asInt());
              }
            });
    return new PartitionState(p.get("partition").asInt(), p.get("leader").asInt(), replicas, isr);
  }

  /**
   * Produces string values to one partition in one request and returns their offsets, in order;
   * fails unless every record is acknowledged.
   */
  public List<Long> produce(String topic, int partition, List<String> values, String acks) {
    var body = new StringBuilder();
    for (String value : values) {
      body.append(
          "{\"partition_id\": %d, \"value\": {\"type\": \"STRING\", \"data\": \"%s\"}}\n"
              .formatted(partition, value));
    }
    Response response =
        send(
            "POST",
            "/v3/clusters/" + clusterId() + "/topics/" + topic + "/records?acks=" + acks,
            body.toString());
    if (response.status() != 200) {
      throw new AssertionError("produce to " + topic + "-" + partition + ": " + response);
    }
    List<Long> offsets = new ArrayList<>();
    try {
      for (JsonNode report :
          JSON.readerFor(JsonNode.class).<JsonNode>readValues(response.body()).readAll()) {
        if (report.get("error_code").asInt() != 200) {
          throw new AssertionError("produce to " + topic + "-" + partition + ": " + report);
        }
        offsets.add(report.get("offset").asLong());
      }
    } catch (IOException e) {
      throw new AssertionError("unreadable delivery reports: " + response.body(), e);
    }
    if (offsets.size() != values.size()) {
      throw new AssertionError(
          values.size() + " records sent, " + offsets.size() + " reports: " + response.body());
    }
    return offsets;
  }

  /**
   * Reads a partition from {@code offset} until {@code count} records are in (each fetch parks at
   * the log end for up to 5 s); fails when a fetch returns nothing.
   */
  public List<Consumed> consume(String topic, int partition, long offset, int count) {
    List<Consumed> records = new ArrayList<>();
    while (records.size() < count) {
      long from = offset + records.size();
      JsonNode page =
          get("/topics/%s/partitions/%d/records?offset=%d&timeout=5000"
                  .formatted(topic, partition, from))
              .expect(200);
      if (page.isEmpty()) {
        throw new AssertionError(
            "no records at %s-%d offset %d; %d of %d read"
                .formatted(topic, partition, from, records.size(), count));
      }
      for (JsonNode r : page) {
        records.add(
            new Consumed(r.get("offset").asLong(), decode(r.get("key")), decode(r.get("value"))));
      }
    }
    return records;
  }

  private static String decode(JsonNode base64) {
    if (base64 == null || base64.isNull()) {
      return null;
    }
    return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return baseUrl;
  }
}
