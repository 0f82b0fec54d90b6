package sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import sluice.actors.consumer.InstanceConfig;
import sluice.actors.consumer.InstanceConfig.Format;
import sluice.actors.consumer.InstanceConfig.OffsetReset;

/**
 * The v2 create-consumer body, {@code POST /consumers/{group}}, as the REST Proxy's {@code
 * CreateConsumerInstanceRequest}: {@code {"name", "format", "auto.offset.reset",
 * "auto.commit.enable", "fetch.min.bytes", "consumer.request.timeout.ms"}}, all optional ({@code
 * id} is the REST Proxy's old name for {@code name}). A value that is not allowed is 422 / 42204
 * naming the setting; an unknown field or a body that is not an object is 400.
 *
 * @param name the instance name, or empty for one the route generates
 */
record CreateConsumerRequest(Optional<String> name, InstanceConfig config) {
  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "id",
          "format",
          "auto.offset.reset",
          "auto.commit.enable",
          "fetch.min.bytes",
          "consumer.request.timeout.ms");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");

  /** Sluice's cap on {@code consumer.request.timeout.ms}: a poll parks at most this long. */
  static final int MAX_REQUEST_TIMEOUT_MS = 300_000;

  /**
   * @param broker the broker's settings of every instance ({@code max.poll.interval.ms}, {@code
   *     auto.commit.interval.ms}) and the defaults of what the body leaves out
   */
  static CreateConsumerRequest parse(JsonNode body, InstanceConfig broker) {
    String path = "The request body";
    JsonFields.requireObject(body, path);
    JsonFields.onlyFields(body, path, FIELDS);
    Optional<String> name = name(body);
    Format format = broker.format();
    JsonNode formatNode = body.get("format");
    if (!JsonFields.absentOrNull(formatNode)) {
      format = format(formatNode);
    }
    OffsetReset reset = broker.autoOffsetReset();
    JsonNode resetNode = body.get("auto.offset.reset");
    if (!JsonFields.absentOrNull(resetNode)) {
      reset = reset(resetNode);
    }
    boolean autoCommit =
        bool(body.get("auto.commit.enable"), "auto.commit.enable", broker.autoCommitEnable());
    int fetchMinBytes =
        integer(
            body.get("fetch.min.bytes"),
            "fetch.min.bytes",
            0,
            Integer.MAX_VALUE,
            broker.fetchMinBytes());
    int timeout =
        integer(
            body.get("consumer.request.timeout.ms"),
            "consumer.request.timeout.ms",
            0,
            MAX_REQUEST_TIMEOUT_MS,
            broker.requestTimeoutMs());
    return new CreateConsumerRequest(
        name,
        new InstanceConfig(
            format,
            reset,
            autoCommit,
            fetchMinBytes,
            timeout,
            broker.maxPollIntervalMs(),
            broker.autoCommitIntervalMs()));
  }

  private static Optional<String> name(JsonNode body) {
    JsonNode node = JsonFields.absentOrNull(body.get("name")) ? body.get("id") : body.get("name");
    if (JsonFields.absentOrNull(node)) {
      return Optional.empty();
    }
    if (!node.isTextual() || !NAME.matcher(node.textValue()).matches()) {
      throw ConsumerErrors.invalidConfig(
          "name must be 1 to 255 characters of letters, digits, '.', '_' and '-', not %s.",
          JsonFields.describe(node));
    }
    return Optional.of(node.textValue());
  }

  private static Format format(JsonNode node) {
    String text = node.isTextual() ? node.textValue().toLowerCase(Locale.ROOT) : "";
    return switch (text) {
      case "binary" -> Format.BINARY;
      case "json" -> Format.JSON;
      case "avro", "protobuf", "jsonschema" ->
          throw ConsumerErrors.invalidConfig(
              "format %s needs Schema Registry, which Sluice does not have; use binary or json.",
              text);
      default ->
          throw ConsumerErrors.invalidConfig(
              "format must be binary or json, not %s.", JsonFields.describe(node));
    };
  }

  private static OffsetReset reset(JsonNode node) {
    String text = node.isTextual() ? node.textValue().toLowerCase(Locale.ROOT) : "";
    return switch (text) {
      case "earliest" -> OffsetReset.EARLIEST;
      case "latest" -> OffsetReset.LATEST;
      case "none" -> OffsetReset.NONE;
      default ->
          throw ConsumerErrors.invalidConfig(
              "auto.offset.reset must be earliest, latest or none, not %s.",
              JsonFields.describe(node));
    };
  }

  /** A boolean, or the strings "true"/"false" as the REST Proxy takes them. */
  private static boolean bool(JsonNode node, String field, boolean defaultValue) {
    if (JsonFields.absentOrNull(node)) {
      return defaultValue;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      switch (node.textValue().toLowerCase(Locale.ROOT)) {
        case "true":
          return true;
        case "false":
          return false;
        default:
          break;
      }
    }
    throw ConsumerErrors.invalidConfig(
        "%s must be true or false, not %s.", field, JsonFields.describe(node));
  }

  /** An integer, or a string of one, in [min, max]. */
  private static int integer(JsonNode node, String field, int min, int max, int defaultValue) {
    if (JsonFields.absentOrNull(node)) {
      return defaultValue;
    }
    Long value = null;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      value = node.longValue();
    } else if (node.isTextual()) {
      try {
        value = Long.parseLong(node.textValue().trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    if (value == null || value < min || value > max) {
      throw ConsumerErrors.invalidConfig(
          "%s must be an integer from %d to %d, not %s.",
          field, min, max, JsonFields.describe(node));
    }
    return (int) (long) value;
  }

  /** The REST Proxy's create response: the instance id and the URI of its resources. */
  record Created(String instanceId, String baseUri) {
    /**
     * @param baseUrl this broker's HTTP address, {@code http://host:port}, no trailing slash
     */
    static Created of(String baseUrl, String group, String instance) {
      return new Created(
          instance, baseUrl + "/consumers/" + segment(group) + "/instances/" + segment(instance));
    }

    private static String segment(String text) {
      return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }
}
