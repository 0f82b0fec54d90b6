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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP API of one broker, as the tests use it: every request has a deadline ({@link
 * #REQUEST_TIMEOUT}), and every helper that expects success fails with the status and body when it
 * does not get it. Holds the base URL and the cluster id once asked (a broker's cluster id never
 * changes); safe from any thread.
 */
public final class BrokerClient {
  /** No single request may take longer than this. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;
  private volatile String clusterId;

  public BrokerClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * A client of the same broker that already knows its cluster id (asks nothing to build paths).
   */
  public BrokerClient(String baseUrl, String clusterId) {
    this.baseUrl = baseUrl;
    this.clusterId = clusterId;
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

  /**
   * A partition as the v3 partition metadata describes it: leader ({@code -1} for none), leader
   * epoch, replicas (preferred leader first) and ISR from the controller; high watermark and log
   * end offset from the leader, {@code null} when the leader could not be asked.
   */
  public record PartitionState(
      int partition,
      int leader,
      int leaderEpoch,
      List<Integer> replicas,
      List<Integer> isr,
      Long highWatermark,
      Long logEndOffset) {

    /** The preferred leader: the first replica. */
    public int preferredLeader() {
      return replicas.get(0);
    }

    /** Every replica in the ISR and the leader's HW at its log end: nothing left to replicate. */
    public boolean fullyInSync() {
      return leader > 0
          && isr.size() == replicas.size()
          && highWatermark != null
          && highWatermark.equals(logEndOffset);
    }
  }

  /** One record as consumed. */
  public record Consumed(long offset, String key, String value) {}

  public Response send(String method, String path, String body) {
    return send(method, path, body, REQUEST_TIMEOUT);
  }

  /**
   * A request with its own deadline; an I/O error or timeout is an {@link UncheckedIOException}.
   */
  public Response send(String method, String path, String body, Duration timeout) {
    return exchange(request(method, path, body, timeout), method, path);
  }

  private Response exchange(HttpRequest request, String method, String path) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + baseUrl + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }

  /**
   * Sends a produce request without waiting for its answer (which may come much later, e.g. from a
   * paused broker once it runs again); the stage fails on an I/O error or after {@code timeout}.
   */
  public CompletableFuture<Response> produceAsync(
      String topic, int partition, List<String> values, String acks, Duration timeout) {
    return HTTP.sendAsync(
            request("POST", producePath(topic, acks), produceBody(partition, values), timeout),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Response(r.statusCode(), r.body()));
  }

  /**
   * A request with its own content type and accepted type (the v2 consumer API's vendor types); an
   * I/O error or timeout is an {@link UncheckedIOException}.
   */
  public Response send(
      String method,
      String path,
      String body,
      String contentType,
      String accept,
      Duration timeout) {
    var request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Accept", accept)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", contentType);
    }
    return exchange(request.build(), method, path);
  }

  private HttpRequest request(String method, String path, String body, Duration timeout) {
    var request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return request.build();
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  public String clusterId() {
    String known = clusterId;
    if (known == null) {
      known = get("/v3/clusters").expect(200).get("data").get(0).get("cluster_id").asText();
      clusterId = known;
    }
    return known;
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
    JsonNode p =
        get("/v3/clusters/%s/topics/%s/partitions/%d".formatted(clusterId(), topic, partition))
            .expect(200);
    List<Integer> replicas = new ArrayList<>();
    p.get("replica_ids").forEach(r -> replicas.add(r.asInt()));
    List<Integer> isr = new ArrayList<>();
    p.get("in_sync_replica_ids").forEach(r -> isr.add(r.asInt()));
    return new PartitionState(
        p.get("partition_id").asInt(),
        p.get("leader_id").asInt(),
        p.get("leader_epoch").asInt(),
        replicas,
        isr,
        offset(p.get("high_watermark")),
        offset(p.get("log_end_offset")));
  }

  private static Long offset(JsonNode node) {
    return node == null || node.isNull() ? null : node.asLong();
  }

  /**
   * Creates a topic with {@code min.insync.replicas} set, as the crash tests use: RF replicas, of
   * which {@code minInsync} must hold a batch before acks=all answers.
   */
  public JsonNode createTopic(String name, int partitions, int replicationFactor, int minInsync) {
    return send(
            "POST",
            "/v3/clusters/" + clusterId() + "/topics",
            """
            {"topic_name": "%s", "partitions_count": %d, "replication_factor": %d,
             "configs": [{"name": "min.insync.replicas", "value": "%d"}]}
            """
                .formatted(name, partitions, replicationFactor, minInsync))
        .expect(201);
  }

  /**
   * Sends one produce request of string values to a partition and returns the answer as it is,
   * whatever it is, with this client's {@link #REQUEST_TIMEOUT}.
   */
  public Response tryProduce(String topic, int partition, List<String> values, String acks) {
    return send("POST", producePath(topic, acks), produceBody(partition, values));
  }

  private String producePath(String topic, String acks) {
    return "/v3/clusters/" + clusterId() + "/topics/" + topic + "/records?acks=" + acks;
  }

  private static String produceBody(int partition, List<String> values) {
    var body = new StringBuilder();
    for (String value : values) {
      body.append(
          "{\"partition_id\": %d, \"value\": {\"type\": \"STRING\", \"data\": \"%s\"}}\n"
              .formatted(partition, value));
    }
    return body.toString();
  }

  /**
   * The offsets of an answer to a produce request if every record in it was acknowledged (HTTP 200
   * and every delivery report's {@code error_code} 200); empty otherwise.
   */
  public static Optional<List<Long>> acknowledgedOffsets(Response response, int count) {
    if (response.status() != 200) {
      return Optional.empty();
    }
    List<Long> offsets = new ArrayList<>();
    try {
      for (JsonNode report :
          JSON.readerFor(JsonNode.class).<JsonNode>readValues(response.body()).readAll()) {
        if (report.path("error_code").asInt() != 200) {
          return Optional.empty();
        }
        offsets.add(report.get("offset").asLong());
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return offsets.size() == count ? Optional.of(offsets) : Optional.empty();
  }

  /**
   * Every record of a partition from offset 0 up to the leader's high watermark, as this broker
   * reads it (routing to the leader); fails when the HW is unknown.
   */
  public List<Consumed> readCommitted(String topic, int partition) {
    Long hw = describePartition(topic, partition).highWatermark();
    if (hw == null) {
      throw new AssertionError(
          "no high watermark for %s-%d from %s: the leader could not be asked"
              .formatted(topic, partition, baseUrl));
    }
    return hw == 0 ? List.of() : consume(topic, partition, 0, (int) (long) hw);
  }

  /**
   * Produces string values to one partition in one request and returns their offsets, in order;
   * fails unless every record is acknowledged.
   */
  public List<Long> produce(String topic, int partition, List<String> values, String acks) {
    Response response = tryProduce(topic, partition, values, acks);
    if (response.status() != 200) {
      throw new AssertionError("produce to " + topic + "-" + partition + ": " + response);
    }
    return acknowledgedOffsets(response, values.size())
        .orElseThrow(
            () ->
                new AssertionError(
                    "produce to %s-%d: %d records sent, not all acknowledged: %s"
                        .formatted(topic, partition, values.size(), response.body())));
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
