package sluice.bench.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One REST Proxy v2 consumer instance on a Sluice broker ({@code /consumers/{group}/instances/{i}},
 * docs/http-api.md "Consumer instances"), driven over its own JDK {@link HttpClient} (HTTP/1.1, one
 * keep-alive connection: the calls are sequential). Created binary, {@code auto.offset.reset}
 * earliest, {@code auto.commit.enable} false. A call answered 503 (the group's coordinator is
 * loading or moving, docs/http-api.md) is sent again every 100 ms for up to 30 s, as a Kafka client
 * retries its coordinator's retriable errors. Not thread-safe: one thread drives an instance.
 */
public final class ConsumerInstanceClient {

  /** Request bodies of the v2 API. */
  static final String V2 = "application/vnd.kafka.v2+json";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = new JsonFactory();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RETRY_FOR = Duration.ofSeconds(30);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  /**
   * A record as {@code GET records} returns it.
   *
   * @param partition its partition
   * @param offset its offset
   * @param value its value's bytes, or null when not decoded (or null in the record)
   */
  public record Record(int partition, long offset, byte[] value) {}

  private final HttpClient http;
  private final URI base;

  private ConsumerInstanceClient(HttpClient http, URI base) {
    this.http = http;
    this.base = base;
  }

  /**
   * {@code POST /consumers/{group}} on {@code broker} (e.g. {@code http://127.0.0.1:8080/}):
   * creates the instance {@code name}; later calls go to the {@code base_uri} it answers.
   */
  public static ConsumerInstanceClient create(URI broker, String group, String name)
      throws IOException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    ObjectNode body =
        MAPPER
            .createObjectNode()
            .put("name", name)
            .put("format", "binary")
            .put("auto.offset.reset", "earliest")
            .put("auto.commit.enable", "false");
    String groupPath = "consumers/" + RestProxyClient.encode(group);
    HttpRequest request = post(broker.resolve(groupPath), body.toString()).build();
    HttpResponse<byte[]> response = send(http, request);
    long deadline = System.nanoTime() + RETRY_FOR.toNanos();
    boolean retried = false;
    while (response.statusCode() == 503 && System.nanoTime() < deadline) {
      pause();
      retried = true;
      response = send(http, request);
    }
    if (retried && response.statusCode() == 409) {
      // The create answered 503 may have been written after all: the instance exists.
      return new ConsumerInstanceClient(
          http, broker.resolve(groupPath + "/instances/" + RestProxyClient.encode(name) + "/"));
    }
    expect(response, 200, "creating consumer instance " + name + " of group " + group);
    JsonNode baseUri = MAPPER.readTree(response.body()).path("base_uri");
    if (!baseUri.isTextual()) {
      throw new IOException("creating " + name + " answered without base_uri: " + text(response));
    }
    return new ConsumerInstanceClient(http, URI.create(baseUri.asText() + "/"));
  }

  /** {@code POST .../subscription}: the instance joins its group (docs/http-api.md). */
  public void subscribe(String topic) throws IOException {
    ObjectNode body = MAPPER.createObjectNode();
    body.putArray("topics").add(topic);
    expect(
        call(http, post(base.resolve("subscription"), body.toString()).build()), 204, "subscribe");
  }

  /**
   * {@code GET .../records?timeout=&max_bytes=}: the records of one poll; values are decoded from
   * base64 only when {@code values} is set (a throughput run needs partitions and offsets only).
   */
  public List<Record> poll(long timeoutMs, int maxBytes, boolean values) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(
                base.resolve("records?timeout=" + timeoutMs + "&max_bytes=" + maxBytes))
            .header("Accept", RestProxyClient.BINARY_V2)
            .timeout(CALL_TIMEOUT.plusMillis(timeoutMs))
            .GET()
            .build();
    HttpResponse<byte[]> response = call(http, request);
    expect(response, 200, "poll");
    return parseRecords(response.body(), values);
  }

  /** {@code GET .../assignments}: the partitions of {@code topic} the instance owns now. */
  public Set<Integer> assignments(String topic) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("assignments"))
            .header("Accept", V2)
            .timeout(CALL_TIMEOUT)
            .GET()
            .build();
    HttpResponse<byte[]> response = call(http, request);
    expect(response, 200, "assignments");
    Set<Integer> owned = new TreeSet<>();
    for (JsonNode p : MAPPER.readTree(response.body()).path("partitions")) {
      if (p.path("topic").asText().equals(topic)) {
        owned.add(p.path("partition").asInt());
      }
    }
    return owned;
  }

  /**
   * {@code POST .../offsets} with {@code lastConsumed} by partition of {@code topic} (the REST
   * Proxy's rule: the committed offset is one more). False when refused with 409 (a partition no
   * longer assigned, or a stale member epoch: the group moved on).
   */
  public boolean commit(String topic, Map<Integer, Long> lastConsumed) throws IOException {
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode offsets = body.putArray("offsets");
    lastConsumed.forEach(
        (p, offset) ->
            offsets.addObject().put("topic", topic).put("partition", p).put("offset", offset));
    return committed(call(http, post(base.resolve("offsets"), body.toString()).build()));
  }

  /** {@code POST .../offsets} with no body: commits everything polled; false when refused (409). */
  public boolean commitPolled() throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("offsets"))
            .header("Content-Type", V2)
            .timeout(CALL_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    return committed(call(http, request));
  }

  /** {@code DELETE} of the instance: it leaves its group. */
  public void delete() throws IOException {
    URI self = URI.create(base.toString().substring(0, base.toString().length() - 1));
    HttpRequest request =
        HttpRequest.newBuilder(self)
            .header("Content-Type", V2)
            .timeout(CALL_TIMEOUT)
            .DELETE()
            .build();
    expect(call(http, request), 204, "delete");
  }

  /** Parses a {@code GET records} answer (binary format): a JSON array of records. */
  static List<Record> parseRecords(byte[] body, boolean values) throws IOException {
    List<Record> records = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException(
            "expected a JSON array of records, got: "
                + new String(body, 0, Math.min(200, body.length), StandardCharsets.UTF_8));
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        int partition = -1;
        long offset = -1;
        byte[] value = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken token = p.nextToken();
          switch (field) {
            case "partition" -> partition = p.getValueAsInt(-1);
            case "offset" -> offset = p.getValueAsLong(-1);
            case "value" -> {
              if (values && token == JsonToken.VALUE_STRING) {
                value = Base64.getDecoder().decode(p.getText());
              }
            }
            default -> {
              if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                p.skipChildren();
              }
            }
          }
        }
        if (partition < 0 || offset < 0) {
          throw new IOException("a record without partition or offset in a poll's answer");
        }
        records.add(new Record(partition, offset, value));
      }
    }
    return records;
  }

  private static boolean committed(HttpResponse<byte[]> response) throws IOException {
    if (response.statusCode() == 409) {
      return false;
    }
    if (response.statusCode() != 200 && response.statusCode() != 204) {
      throw new IOException("commit answered " + response.statusCode() + ": " + text(response));
    }
    return true;
  }

  private static HttpRequest.Builder post(URI uri, String json) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", V2)
        .header("Accept", V2)
        .timeout(CALL_TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  /** Sends {@code request}, again while it is answered 503, for up to {@code RETRY_FOR}. */
  private static HttpResponse<byte[]> call(HttpClient http, HttpRequest request)
      throws IOException {
    long deadline = System.nanoTime() + RETRY_FOR.toNanos();
    HttpResponse<byte[]> response = send(http, request);
    while (response.statusCode() == 503 && System.nanoTime() < deadline) {
      pause();
      response = send(http, request);
    }
    return response;
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static HttpResponse<byte[]> send(HttpClient http, HttpRequest request)
      throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during " + request.method() + " " + request.uri(), e);
    }
  }

  private static void expect(HttpResponse<byte[]> response, int status, String what)
      throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(
          what
              + " at "
              + response.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + text(response));
    }
  }

  private static String text(HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    return body.length() > 500 ? body.substring(0, 500) + "..." : body;
  }
}
