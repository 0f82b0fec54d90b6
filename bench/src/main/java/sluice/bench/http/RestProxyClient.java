package sluice.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The few REST Proxy calls the load generator makes against a Sluice broker, over one JDK {@link
 * HttpClient} (HTTP/1.1; it opens one keep-alive connection per concurrent request). Thread-safe:
 * the client is shared by every worker.
 */
public final class RestProxyClient {

  /** The v2 embedded-format media type for base64 keys and values. */
  static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final HttpClient http;

  /** A client for the broker at {@code baseUrl}, e.g. {@code http://127.0.0.1:8080}. */
  public RestProxyClient(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the URL must look like http://host:port, got '" + baseUrl + "'");
    }
    this.base = uri;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** The base URI, ending in {@code /}. */
  public URI base() {
    return base;
  }

  /** {@code GET /v3/clusters}: the first cluster's {@code cluster_id}. */
  public String clusterId() throws IOException {
    HttpResponse<byte[]> response = send(get("v3/clusters"));
    expect(response, 200, "GET /v3/clusters");
    JsonNode data = MAPPER.readTree(response.body()).path("data");
    JsonNode id = data.path(0).path("cluster_id");
    if (!id.isTextual()) {
      throw new IOException(
          "GET /v3/clusters answered without data[0].cluster_id: " + text(response));
    }
    return id.asText();
  }

  /**
   * {@code POST /v3/clusters/{id}/topics}: creates {@code topic} with {@code partitions}; an
   * existing topic is an error naming it.
   */
  public void createTopic(String clusterId, String topic, int partitions) throws IOException {
    createTopic(clusterId, topic, partitions, null, Map.of());
  }

  /**
   * {@code POST /v3/clusters/{id}/topics} with a {@code replication_factor} (null: the broker's
   * default) and topic {@code configs} such as {@code min.insync.replicas}.
   */
  public void createTopic(
      String clusterId,
      String topic,
      int partitions,
      Integer replicationFactor,
      Map<String, String> configs)
      throws IOException {
    ObjectNode request =
        MAPPER.createObjectNode().put("topic_name", topic).put("partitions_count", partitions);
    if (replicationFactor != null) {
      request.put("replication_factor", replicationFactor);
    }
    if (!configs.isEmpty()) {
      ArrayNode list = request.putArray("configs");
      configs.forEach((name, value) -> list.addObject().put("name", name).put("value", value));
    }
    String body = request.toString();
    HttpResponse<byte[]> response =
        send(
            request("v3/clusters/" + encode(clusterId) + "/topics")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    if (response.statusCode() != 201 && response.statusCode() != 200) {
      throw new IOException(
          "creating topic " + topic + " answered " + response.statusCode() + ": " + text(response));
    }
  }

  /** {@code GET /v3/clusters/{id}/brokers}: the live brokers' ids. */
  public List<Integer> brokerIds(String clusterId) throws IOException {
    HttpResponse<byte[]> response = send(get("v3/clusters/" + encode(clusterId) + "/brokers"));
    expect(response, 200, "GET /v3/clusters/" + clusterId + "/brokers");
    List<Integer> ids = new ArrayList<>();
    MAPPER
        .readTree(response.body())
        .path("data")
        .forEach(b -> ids.add(b.path("broker_id").asInt()));
    return ids;
  }

  /** {@code GET /v3/clusters/{id}}: the broker id in the {@code controller} link, -1 if none. */
  public int controllerId(String clusterId) throws IOException {
    HttpResponse<byte[]> response = send(get("v3/clusters/" + encode(clusterId)));
    expect(response, 200, "GET /v3/clusters/" + clusterId);
    String link = MAPPER.readTree(response.body()).path("controller").path("related").asText("");
    try {
      return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * {@code GET /v3/clusters/{id}/topics/{t}/partitions/{p}}: the partition's {@code leader_id} and
   * {@code in_sync_replica_ids}.
   */
  public PartitionMetadata partition(String clusterId, String topic, int partition)
      throws IOException {
    String path =
        "v3/clusters/"
            + encode(clusterId)
            + "/topics/"
            + encode(topic)
            + "/partitions/"
            + partition;
    HttpResponse<byte[]> response = send(get(path));
    expect(response, 200, "GET /" + path);
    JsonNode body = MAPPER.readTree(response.body());
    JsonNode leader = body.path("leader_id");
    if (!leader.isInt()) {
      throw new IOException("GET /" + path + " answered without leader_id: " + text(response));
    }
    List<Integer> isr = new ArrayList<>();
    body.path("in_sync_replica_ids").forEach(id -> isr.add(id.asInt()));
    return new PartitionMetadata(leader.asInt(), isr);
  }

  /**
   * {@code GET /v3/clusters/{id}/topics/{t}/partitions}: every partition's {@code leader_id} and
   * {@code in_sync_replica_ids}, by {@code partition_id}. The broker asks every leader for its
   * offsets to answer, so on a large topic this is a heavy call: poll it sparingly.
   */
  public Map<Integer, PartitionMetadata> partitions(String clusterId, String topic)
      throws IOException {
    String path = "v3/clusters/" + encode(clusterId) + "/topics/" + encode(topic) + "/partitions";
    HttpResponse<byte[]> response = send(get(path));
    expect(response, 200, "GET /" + path);
    Map<Integer, PartitionMetadata> partitions = new TreeMap<>();
    for (JsonNode p : MAPPER.readTree(response.body()).path("data")) {
      List<Integer> isr = new ArrayList<>();
      p.path("in_sync_replica_ids").forEach(id -> isr.add(id.asInt()));
      partitions.put(
          p.path("partition_id").asInt(),
          new PartitionMetadata(p.path("leader_id").asInt(-1), isr));
    }
    return partitions;
  }

  /** A producer id and the epoch it holds. */
  public record ProducerId(long id, short epoch) {}

  /**
   * {@code POST /v3/clusters/{id}/producers} (a Sluice extension): a new producer id with {@code
   * current} null, else {@code current}'s id with the next epoch.
   *
   * @throws IOException naming the answer if it is not 200 (a 503 is worth asking again)
   */
  public ProducerId initProducer(String clusterId, ProducerId current) throws IOException {
    String body =
        current == null
            ? "{}"
            : "{\"producer_id\": "
                + current.id()
                + ", \"producer_epoch\": "
                + current.epoch()
                + "}";
    HttpResponse<byte[]> response =
        send(
            request("v3/clusters/" + encode(clusterId) + "/producers")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    expect(response, 200, "POST /v3/clusters/" + clusterId + "/producers");
    JsonNode answer = MAPPER.readTree(response.body());
    return new ProducerId(
        answer.path("producer_id").asLong(), (short) answer.path("producer_epoch").asInt());
  }

  /**
   * {@code path} (a {@link #producePath}) as an idempotent produce of {@code producer} whose
   * records for {@code partition} start at {@code sequence}.
   */
  public static String idempotentPath(
      String path, ProducerId producer, int partition, int sequence) {
    return path
        + "&producer_id="
        + producer.id()
        + "&producer_epoch="
        + producer.epoch()
        + "&sequences="
        + partition
        + ":"
        + sequence;
  }

  /** The path of the v3 produce endpoint with {@code acks} as a query parameter. */
  public String producePath(String clusterId, String topic, String acks) {
    return "v3/clusters/"
        + encode(clusterId)
        + "/topics/"
        + encode(topic)
        + "/records?acks="
        + encode(acks);
  }

  /**
   * Posts {@code body} (concatenated records, with a Content-Length) to the v3 produce endpoint and
   * hands every delivery report to {@code listener}; returns the number of reports.
   */
  public long produce(String path, byte[] body, DeliveryReports.Listener listener)
      throws IOException {
    HttpResponse<byte[]> response =
        send(
            request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    if (response.statusCode() >= 300 && response.body().length == 0) {
      throw new IOException("produce answered " + response.statusCode() + " with no body");
    }
    return DeliveryReports.read(new ByteArrayInputStream(response.body()), listener);
  }

  /** {@code GET /topics/{t}/partitions/{p}/records?offset=&max_bytes=&timeout=0}. */
  public ConsumedBatch fetch(String topic, int partition, long offset, int maxBytes)
      throws IOException {
    return fetch(topic, partition, offset, maxBytes, (o, v) -> {});
  }

  /** As {@link #fetch(String, int, long, int)}, handing every record to {@code listener}. */
  public ConsumedBatch fetch(
      String topic, int partition, long offset, int maxBytes, ConsumedBatch.RecordListener listener)
      throws IOException {
    HttpResponse<byte[]> response =
        send(
            request(
                    "topics/"
                        + encode(topic)
                        + "/partitions/"
                        + partition
                        + "/records?offset="
                        + offset
                        + "&max_bytes="
                        + maxBytes
                        + "&timeout=0")
                .header("Accept", BINARY_V2)
                .GET()
                .build());
    expect(response, 200, "fetch of " + topic + "-" + partition + " at offset " + offset);
    return ConsumedBatch.parse(response.body(), listener);
  }

  private HttpRequest get(String path) {
    return request(path).GET().build();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new IOException(
          "cannot reach a Sluice broker at "
              + base
              + " ("
              + e
              + "); start one with ./sluice server",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during " + request.method() + " " + request.uri(), e);
    }
  }

  private static void expect(HttpResponse<byte[]> response, int status, String what)
      throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(what + " answered " + response.statusCode() + ": " + text(response));
    }
  }

  private static String text(HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    return body.length() > 500 ? body.substring(0, 500) + "..." : body;
  }

  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
