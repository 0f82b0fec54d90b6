package sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import sluice.actors.group.state.TopicPartition;

/**
 * The body of {@code POST .../consumer-groups/{group}/offsets:reset} (a Sluice extension), checked:
 * what {@code kafka-consumer-groups --reset-offsets} takes, as JSON. Either a target for the
 * partitions of {@code topics}:
 *
 * <pre>
 *   {"to": "earliest" | "latest", "topics": [{"topic": "t", "partitions": [0, 2]}, {"topic": "u"}]}
 *   {"to": "timestamp", "timestamp": 1700000000000, "topics": [...]}
 * </pre>
 *
 * (a topic without {@code partitions} means all of its partitions), or explicit offsets:
 *
 * <pre>
 *   {"offsets": [{"topic": "t", "partition": 0, "offset": 42}]}
 * </pre>
 *
 * Every malformed body is a 400 naming the field: both or neither of {@code to} and {@code
 * offsets}, an unknown target, a missing or negative timestamp, an empty list, a topic or partition
 * named twice, a negative partition or offset, unknown fields.
 */
record OffsetsResetRequest(
    Target target, Long timestamp, List<Scope> topics, List<ExplicitOffset> offsets) {

  enum Target {
    EARLIEST,
    LATEST,
    TIMESTAMP,
    OFFSETS
  }

  /** A topic the target applies to: {@code partitions} null for all of them. */
  record Scope(String topic, List<Integer> partitions) {}

  record ExplicitOffset(TopicPartition partition, long offset) {}

  private static final Set<String> FIELDS = Set.of("to", "timestamp", "topics", "offsets");
  private static final Set<String> SCOPE_FIELDS = Set.of("topic", "partitions");
  private static final Set<String> OFFSET_FIELDS = Set.of("topic", "partition", "offset");

  static OffsetsResetRequest parse(JsonNode body) {
    JsonFields.requireObject(body, "The request body");
    JsonFields.onlyFields(body, "The request body", FIELDS);
    boolean hasTo = !JsonFields.absentOrNull(body.get("to"));
    boolean hasOffsets = !JsonFields.absentOrNull(body.get("offsets"));
    if (hasTo == hasOffsets) {
      throw RestException.badRequest(
          "The request body needs exactly one of 'to' (earliest, latest or timestamp, with"
              + " 'topics') and 'offsets' (a list of {topic, partition, offset}).");
    }
    if (hasOffsets) {
      for (String field : List.of("timestamp", "topics")) {
        if (!JsonFields.absentOrNull(body.get(field))) {
          throw RestException.badRequest("'%s' goes with 'to', not with 'offsets'.", field);
        }
      }
      return new OffsetsResetRequest(Target.OFFSETS, null, List.of(), offsets(body.get("offsets")));
    }
    Target target = target(JsonFields.string(body.get("to"), "to"));
    Long timestamp = null;
    if (target == Target.TIMESTAMP) {
      timestamp = nonNegativeLong(body.get("timestamp"), "timestamp");
    } else if (!JsonFields.absentOrNull(body.get("timestamp"))) {
      throw RestException.badRequest(
          "'timestamp' goes only with \"to\": \"timestamp\", not with \"%s\".",
          target.name().toLowerCase(java.util.Locale.ROOT));
    }
    return new OffsetsResetRequest(target, timestamp, scopes(body.get("topics")), List.of());
  }

  private static Target target(String text) {
    return switch (text) {
      case "earliest" -> Target.EARLIEST;
      case "latest" -> Target.LATEST;
      case "timestamp" -> Target.TIMESTAMP;
      default ->
          throw RestException.badRequest(
              "to must be earliest, latest or timestamp, not '%s'.", Params.abbreviate(text));
    };
  }

  private static List<Scope> scopes(JsonNode node) {
    requireNonEmptyArray(node, "topics");
    List<Scope> scopes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "topics[" + i + "]";
      JsonNode scope = node.get(i);
      JsonFields.requireObject(scope, path);
      JsonFields.onlyFields(scope, path, SCOPE_FIELDS);
      String topic = topicName(scope.get("topic"), path + ".topic");
      if (!seen.add(topic)) {
        throw RestException.badRequest("%s: topic '%s' is named twice.", path, topic);
      }
      JsonNode partitions = scope.get("partitions");
      if (JsonFields.absentOrNull(partitions)) {
        scopes.add(new Scope(topic, null));
        continue;
      }
      requireNonEmptyArray(partitions, path + ".partitions");
      List<Integer> ids = new ArrayList<>();
      for (int p = 0; p < partitions.size(); p++) {
        int id =
            JsonFields.intInRange(
                partitions.get(p), path + ".partitions[" + p + "]", 0, Integer.MAX_VALUE);
        if (ids.contains(id)) {
          throw RestException.badRequest(
              "%s.partitions: partition %d of topic '%s' is named twice.", path, id, topic);
        }
        ids.add(id);
      }
      scopes.add(new Scope(topic, List.copyOf(ids)));
    }
    return List.copyOf(scopes);
  }

  private static List<ExplicitOffset> offsets(JsonNode node) {
    requireNonEmptyArray(node, "offsets");
    List<ExplicitOffset> offsets = new ArrayList<>();
    Set<TopicPartition> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "offsets[" + i + "]";
      JsonNode entry = node.get(i);
      JsonFields.requireObject(entry, path);
      JsonFields.onlyFields(entry, path, OFFSET_FIELDS);
      String topic = topicName(entry.get("topic"), path + ".topic");
      int partition =
          JsonFields.intInRange(entry.get("partition"), path + ".partition", 0, Integer.MAX_VALUE);
      long offset = nonNegativeLong(entry.get("offset"), path + ".offset");
      TopicPartition tp = new TopicPartition(topic, partition);
      if (!seen.add(tp)) {
        throw RestException.badRequest(
            "%s: partition %d of topic '%s' is named twice.", path, partition, topic);
      }
      offsets.add(new ExplicitOffset(tp, offset));
    }
    return List.copyOf(offsets);
  }

  private static String topicName(JsonNode node, String path) {
    String topic = JsonFields.string(node, path);
    if (topic.isEmpty()) {
      throw RestException.badRequest("%s must not be empty.", path);
    }
    return topic;
  }

  private static long nonNegativeLong(JsonNode node, String path) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw RestException.badRequest(
          "%s must be a non-negative integer, not %s.", path, JsonFields.describe(node));
    }
    if (node.longValue() < 0) {
      throw RestException.badRequest(
          "%s must be a non-negative integer, not %d.", path, node.longValue());
    }
    return node.longValue();
  }

  private static void requireNonEmptyArray(JsonNode node, String path) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw RestException.badRequest(
          "%s must be a non-empty array, not %s.", path, JsonFields.describe(node));
    }
  }
}
