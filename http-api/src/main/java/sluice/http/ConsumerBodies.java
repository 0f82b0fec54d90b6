package sluice.http;

import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import sluice.actors.group.state.TopicPartition;

/**
 * The JSON bodies of a v2 consumer instance's resources, as the REST Proxy's v2 entities: the
 * subscription ({@code topics} or {@code topic_pattern}), partition lists ({@code assignments},
 * {@code positions/beginning}, {@code positions/end}, the committed-offsets query), offsets ({@code
 * positions}, {@code offsets}), and their answers. A body that is not what a resource takes is 400
 * naming the field; an invalid topic pattern is 400 / 40002, as the broker's other refusals of an
 * invalid request.
 */
final class ConsumerBodies {
  /** Sluice's bound on a pattern's length (the coordinator runs java.util.regex over topics). */
  static final int MAX_PATTERN_LENGTH = 1000;

  private ConsumerBodies() {}

  /** {@code POST .../subscription}: exactly one of a topic list and a pattern. */
  record Subscribe(List<String> topics, String topicPattern) {}

  record Partition(String topic, int partition) {
    static Partition of(TopicPartition tp) {
      return new Partition(tp.topic(), tp.partition());
    }
  }

  record PartitionOffset(String topic, int partition, long offset, String metadata) {}

  /** {@code GET .../subscription}. */
  record SubscriptionBody(List<String> topics) {}

  /** {@code GET .../assignments}. */
  record AssignmentsBody(List<Partition> partitions) {
    static AssignmentsBody of(Collection<TopicPartition> partitions) {
      return new AssignmentsBody(partitions.stream().map(Partition::of).toList());
    }
  }

  /** {@code GET .../offsets}: committed offsets (the next to read), metadata as committed. */
  record OffsetsBody(List<PartitionOffset> offsets) {}

  static Subscribe subscription(JsonNode body) {
    JsonFields.requireObject(body, "The request body");
    JsonFields.onlyFields(body, "The request body", Set.of("topics", "topic_pattern"));
    JsonNode topics = body.get("topics");
    JsonNode pattern = body.get("topic_pattern");
    boolean hasTopics = !JsonFields.absentOrNull(topics);
    boolean hasPattern = !JsonFields.absentOrNull(pattern);
    if (hasTopics == hasPattern) {
      throw RestException.badRequest(
          "A subscription gives either topics (a list of names) or topic_pattern (a regex), %s.",
          hasTopics ? "not both" : "and this one gives neither");
    }
    if (hasPattern) {
      String regex = JsonFields.string(pattern, "topic_pattern");
      if (regex.isEmpty() || regex.length() > MAX_PATTERN_LENGTH) {
        throw invalidPattern("must be 1 to %d characters long", MAX_PATTERN_LENGTH);
      }
      try {
        java.util.regex.Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw invalidPattern(
            "'%s' is not a valid regex: %s", Params.abbreviate(regex), e.getDescription());
      }
      return new Subscribe(null, regex);
    }
    if (!topics.isArray() || topics.isEmpty()) {
      throw RestException.badRequest(
          "topics must be a non-empty array of topic names, not %s.", JsonFields.describe(topics));
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < topics.size(); i++) {
      String name = JsonFields.string(topics.get(i), "topics[" + i + "]");
      if (name.isEmpty()) {
        throw RestException.badRequest("topics[%d] is empty; give a topic name.", i);
      }
      names.add(name);
    }
    return new Subscribe(List.copyOf(names), null);
  }

  private static RestException invalidPattern(String format, Object... args) {
    return new RestException(
        StatusCodes.BAD_REQUEST,
        RestException.KAFKA_BAD_REQUEST,
        "topic_pattern " + String.format(format, args) + ".");
  }

  /** {@code {"partitions": [{"topic", "partition"}]}}, each partition once; may be empty. */
  static List<TopicPartition> partitions(JsonNode body) {
    JsonNode list = listField(body, "partitions");
    Set<TopicPartition> partitions = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "partitions[" + i + "]";
      JsonNode item = list.get(i);
      JsonFields.requireObject(item, path);
      JsonFields.onlyFields(item, path, Set.of("topic", "partition"));
      if (!partitions.add(topicPartition(item, path))) {
        throw RestException.badRequest("%s names a partition given before.", path);
      }
    }
    return new ArrayList<>(partitions);
  }

  /**
   * {@code POST .../positions}: {@code {"offsets": [{"topic", "partition", "offset"}]}}, the next
   * offset to fetch of each partition.
   */
  static Map<TopicPartition, Long> positions(JsonNode body) {
    Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
    offsets(body, false)
        .forEach(o -> offsets.put(new TopicPartition(o.topic(), o.partition()), o.offset()));
    return offsets;
  }

  /**
   * {@code POST .../offsets}: null for an empty body (commit everything fetched), else the offsets
   * posted, each the last one consumed (the instance commits one more), with optional metadata.
   */
  static List<PartitionOffset> commit(JsonNode bodyOrNull) {
    if (bodyOrNull == null || bodyOrNull.isNull() || bodyOrNull.isMissingNode()) {
      return null;
    }
    return offsets(bodyOrNull, true);
  }

  private static List<PartitionOffset> offsets(JsonNode body, boolean withMetadata) {
    JsonNode list = listField(body, "offsets");
    Set<String> fields =
        withMetadata
            ? Set.of("topic", "partition", "offset", "metadata")
            : Set.of("topic", "partition", "offset");
    List<PartitionOffset> offsets = new ArrayList<>();
    Set<TopicPartition> seen = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "offsets[" + i + "]";
      JsonNode item = list.get(i);
      JsonFields.requireObject(item, path);
      JsonFields.onlyFields(item, path, fields);
      TopicPartition tp = topicPartition(item, path);
      if (!seen.add(tp)) {
        throw RestException.badRequest("%s names a partition given before.", path);
      }
      JsonNode offset = item.get("offset");
      if (offset == null
          || !offset.isIntegralNumber()
          || !offset.canConvertToLong()
          || offset.longValue() < 0) {
        throw RestException.badRequest(
            "%s.offset must be a non-negative integer, not %s.", path, JsonFields.describe(offset));
      }
      JsonNode metadata = item.get("metadata");
      String text =
          JsonFields.absentOrNull(metadata) ? "" : JsonFields.string(metadata, path + ".metadata");
      offsets.add(new PartitionOffset(tp.topic(), tp.partition(), offset.longValue(), text));
    }
    return offsets;
  }

  private static JsonNode listField(JsonNode body, String field) {
    JsonFields.requireObject(body, "The request body");
    JsonFields.onlyFields(body, "The request body", Set.of(field));
    JsonNode list = body.get(field);
    if (list == null || !list.isArray()) {
      throw RestException.badRequest(
          "%s must be an array, not %s.", field, JsonFields.describe(list));
    }
    return list;
  }

  private static TopicPartition topicPartition(JsonNode item, String path) {
    String topic = JsonFields.string(item.get("topic"), path + ".topic");
    if (topic.isEmpty()) {
      throw RestException.badRequest("%s.topic is empty; give a topic name.", path);
    }
    int partition =
        JsonFields.intInRange(item.get("partition"), path + ".partition", 0, Integer.MAX_VALUE);
    return new TopicPartition(topic, partition);
  }
}
