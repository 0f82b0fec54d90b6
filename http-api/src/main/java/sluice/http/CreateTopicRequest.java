package sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The v3 topic creation body, as the REST Proxy's {@code CreateTopicRequestData}: {@code
 * {"topic_name", "partitions_count", "replication_factor", "configs": [{"name", "value"}]}}. {@code
 * partitions_count} defaults to 1 (Kafka's {@code num.partitions}), {@code replication_factor} to
 * the broker's default (null here); a config whose value is null is left at its default. {@code
 * validate_only} and {@code replicas_assignments} are refused: the controller has no dry run and
 * assigns replicas itself.
 */
record CreateTopicRequest(
    String name, int partitions, Integer replicationFactor, Map<String, String> configs) {
  private static final Set<String> FIELDS =
      Set.of(
          "topic_name",
          "partitions_count",
          "replication_factor",
          "configs",
          "validate_only",
          "replicas_assignments");
  private static final Set<String> CONFIG_FIELDS = Set.of("name", "value");

  static CreateTopicRequest parse(JsonNode body) {
    String path = "The request body";
    JsonFields.requireObject(body, path);
    JsonFields.onlyFields(body, path, FIELDS);
    String name = JsonFields.string(body.get("topic_name"), "topic_name");
    JsonNode partitionsNode = body.get("partitions_count");
    int partitions =
        JsonFields.absentOrNull(partitionsNode)
            ? 1
            : JsonFields.intInRange(partitionsNode, "partitions_count", 1, Integer.MAX_VALUE);
    JsonNode rfNode = body.get("replication_factor");
    Integer replicationFactor =
        JsonFields.absentOrNull(rfNode)
            ? null
            : JsonFields.intInRange(rfNode, "replication_factor", 1, Short.MAX_VALUE);
    JsonNode validateOnly = body.get("validate_only");
    if (validateOnly != null && validateOnly.asBoolean(false)) {
      throw RestException.badRequest("validate_only is not supported by Sluice; leave it out.");
    }
    JsonNode assignments = body.get("replicas_assignments");
    if (assignments != null && !assignments.isNull() && !assignments.isEmpty()) {
      throw RestException.badRequest(
          "replicas_assignments is not supported by Sluice: the controller assigns replicas;"
              + " give partitions_count and replication_factor instead.");
    }
    return new CreateTopicRequest(
        name, partitions, replicationFactor, configs(body.get("configs")));
  }

  private static Map<String, String> configs(JsonNode node) {
    Map<String, String> configs = new LinkedHashMap<>();
    if (JsonFields.absentOrNull(node)) {
      return configs;
    }
    if (!node.isArray()) {
      throw RestException.badRequest(
          "configs must be an array of {\"name\", \"value\"}, not %s.", JsonFields.describe(node));
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "configs[" + i + "]";
      JsonNode config = node.get(i);
      JsonFields.requireObject(config, path);
      JsonFields.onlyFields(config, path, CONFIG_FIELDS);
      String name = JsonFields.string(config.get("name"), path + ".name");
      JsonNode value = config.get("value");
      if (JsonFields.absentOrNull(value)) {
        continue;
      }
      if (!value.isValueNode()) {
        throw RestException.badRequest(
            "%s.value must be a string, not %s.", path, JsonFields.describe(value));
      }
      if (configs.put(name, value.asText()) != null) {
        throw RestException.badRequest("%s.name '%s' is given twice.", path, name);
      }
    }
    return configs;
  }
}
