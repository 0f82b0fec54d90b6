package sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The v3 topic update body, as the REST Proxy's {@code UpdatePartitionCountRequestData}: {@code
 * {"partitions_count": N}}, required, the topic's new partition count. Whether N is more than the
 * topic has and within the broker's maximum is the controller's check (400 / 40002).
 */
record UpdateTopicRequest(int partitions) {
  private static final Set<String> FIELDS = Set.of("partitions_count");

  static UpdateTopicRequest parse(JsonNode body) {
    String path = "The request body";
    JsonFields.requireObject(body, path);
    JsonFields.onlyFields(body, path, FIELDS);
    JsonNode count = body.get("partitions_count");
    if (JsonFields.absentOrNull(count)) {
      throw RestException.badRequest(
          "partitions_count is required: the topic's new partition count, more than it has now.");
    }
    return new UpdateTopicRequest(
        JsonFields.intInRange(count, "partitions_count", 1, Integer.MAX_VALUE));
  }
}
