package sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordHeader;

/**
 * The v3 produce request body for one record, as the REST Proxy's {@code ProduceRequest}:
 *
 * <pre>
 * {"partition_id": 1,                                  optional, else by key hash / sticky
 *  "headers": [{"name": "h", "value": "base64"}],      optional, value may be null
 *  "key":   {"type": "BINARY|JSON|STRING", "data": ...},   optional, data may be null
 *  "value": {"type": "BINARY|JSON|STRING", "data": ...},   optional
 *  "timestamp": "2021-02-05T19:14:42Z"}                 optional, ISO-8601 or epoch millis
 * </pre>
 *
 * BINARY data is base64, STRING data is stored as UTF-8, JSON data is stored as its JSON text.
 * Schema Registry formats (AVRO, PROTOBUF, JSONSCHEMA) and schema fields are refused: Sluice has no
 * Schema Registry.
 */
final class V3Records {
  private static final Set<String> RECORD_FIELDS =
      Set.of("partition_id", "headers", "key", "value", "timestamp");
  private static final Set<String> DATA_FIELDS = Set.of("type", "data");
  private static final Set<String> SCHEMA_FIELDS =
      Set.of("subject", "subject_name_strategy", "schema_id", "schema_version", "schema");
  private static final Set<String> HEADER_FIELDS = Set.of("name", "value");

  private V3Records() {}

  /** A parsed record and what the delivery report says about its key and value. */
  record Parsed(ProduceRecord record, Data key, Data value) {}

  /** The type and serialized size of a key or value, for the delivery report. */
  record Data(String type, int size) {}

  /**
   * Parses one record; throws a 400 {@link RestException} that names the field.
   *
   * @param path how the record is named in messages, e.g. {@code record 3}
   */
  static Parsed parse(JsonNode node, String path) {
    JsonFields.requireObject(node, path);
    JsonFields.onlyFields(node, path, RECORD_FIELDS);
    JsonNode partitionNode = node.get("partition_id");
    Integer partition =
        JsonFields.absentOrNull(partitionNode)
            ? null
            : JsonFields.intInRange(partitionNode, path + ".partition_id", 0, Integer.MAX_VALUE);
    List<RecordHeader> headers = headers(node.get("headers"), path + ".headers");
    Payload key = payload(node.get("key"), path + ".key");
    Payload value = payload(node.get("value"), path + ".value");
    Long timestamp = timestamp(node.get("timestamp"), path + ".timestamp");
    return new Parsed(
        new ProduceRecord(partition, key.bytes(), value.bytes(), headers, timestamp),
        key.data(),
        value.data());
  }

  /** A key or value: its bytes and, if the request had the field, its type and size. */
  private record Payload(byte[] bytes, Data data) {
    static final Payload ABSENT = new Payload(null, null);
  }

  private static List<RecordHeader> headers(JsonNode node, String path) {
    if (JsonFields.absentOrNull(node)) {
      return List.of();
    }
    if (!node.isArray()) {
      throw RestException.badRequest(
          "%s must be an array of {\"name\", \"value\"}, not %s.", path, JsonFields.describe(node));
    }
    List<RecordHeader> headers = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      String headerPath = path + "[" + i + "]";
      JsonNode header = node.get(i);
      JsonFields.requireObject(header, headerPath);
      JsonFields.onlyFields(header, headerPath, HEADER_FIELDS);
      String name = JsonFields.string(header.get("name"), headerPath + ".name");
      JsonNode valueNode = header.get("value");
      byte[] value =
          JsonFields.absentOrNull(valueNode)
              ? null
              : JsonFields.base64(valueNode, headerPath + ".value");
      headers.add(new RecordHeader(name, value));
    }
    return headers;
  }

  private static Payload payload(JsonNode node, String path) {
    if (JsonFields.absentOrNull(node)) {
      return Payload.ABSENT;
    }
    JsonFields.requireObject(node, path);
    for (String schemaField : SCHEMA_FIELDS) {
      if (node.has(schemaField)) {
        throw RestException.badRequest(
            "%s.%s is not supported: Sluice has no Schema Registry; send type BINARY, JSON or"
                + " STRING without schema fields.",
            path, schemaField);
      }
    }
    JsonFields.onlyFields(node, path, DATA_FIELDS);
    JsonNode typeNode = node.get("type");
    if (JsonFields.absentOrNull(typeNode)) {
      throw RestException.badRequest(
          "%s.type is required: BINARY (base64 data), JSON or STRING.", path);
    }
    String type = JsonFields.string(typeNode, path + ".type").toUpperCase(Locale.ROOT);
    JsonNode data = node.get("data");
    byte[] bytes =
        switch (type) {
          case "BINARY" ->
              JsonFields.absentOrNull(data) ? null : JsonFields.base64(data, path + ".data");
          case "STRING" ->
              JsonFields.absentOrNull(data)
                  ? null
                  : JsonFields.string(data, path + ".data").getBytes(StandardCharsets.UTF_8);
          case "JSON" -> JsonFields.absentOrNull(data) ? null : Json.text(data);
          case "AVRO", "PROTOBUF", "JSONSCHEMA" ->
              throw RestException.badRequest(
                  "%s.type %s needs a Schema Registry, which Sluice does not have; use BINARY,"
                      + " JSON or STRING.",
                  path, type);
          default ->
              throw RestException.badRequest(
                  "%s.type must be BINARY, JSON or STRING, not '%s'.",
                  path, Params.abbreviate(typeNode.textValue()));
        };
    return new Payload(bytes, new Data(type, bytes == null ? 0 : bytes.length));
  }

  private static Long timestamp(JsonNode node, String path) {
    if (JsonFields.absentOrNull(node)) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
      return node.longValue();
    }
    if (node.isTextual()) {
      Long millis = Params.parseTimestamp(node.textValue());
      if (millis != null) {
        return millis;
      }
    }
    throw RestException.badRequest(
        "%s must be an ISO-8601 date-time such as 2021-02-05T19:14:42Z, or epoch milliseconds"
            + " not before %s, not %s.",
        path, Instant.EPOCH, JsonFields.describe(node));
  }
}
