package sluice.actors.group.log;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layout of partitions by topic, shared by the assignment values: an int32 count of topics,
 * then per topic its id (a string) and an int32 count of partitions followed by the partitions as
 * int32s. Topics are written by ascending id and partitions ascending, and reading insists on it.
 */
final class TopicPartitionsFormat {
  private static final int MIN_TOPIC_BYTES = Short.BYTES + Integer.BYTES;

  private TopicPartitionsFormat() {}

  /** Writes {@code byTopic}, which iterates in ascending order (a record's sorted copy). */
  static void write(RecordWriter out, Map<String, Set<Integer>> byTopic) {
    out.int32(byTopic.size());
    byTopic.forEach(
        (topicId, partitions) -> {
          out.string("topicId", topicId).int32(partitions.size());
          partitions.forEach(out::int32);
        });
  }

  static Map<String, Set<Integer>> read(RecordReader in, String field) {
    int topics = in.count(field, MIN_TOPIC_BYTES);
    Map<String, Set<Integer>> byTopic = new LinkedHashMap<>();
    String previousTopic = null;
    for (int t = 0; t < topics; t++) {
      String topicId = in.string(field + " topicId");
      previousTopic = in.ascending(field + " topicId", previousTopic, topicId);
      int count = in.count(field + " partitions", Integer.BYTES);
      List<Integer> partitions = new ArrayList<>(count);
      int previous = -1;
      for (int p = 0; p < count; p++) {
        int partition = in.int32(field + " partition");
        if (partition < 0) {
          throw in.corrupt(
              field + " of topic " + topicId + ": partition " + partition + " is negative");
        }
        if (partition <= previous) {
          throw in.corrupt(
              field
                  + " of topic "
                  + topicId
                  + ": partition "
                  + partition
                  + " follows "
                  + previous
                  + " (they must be ascending, no duplicate)");
        }
        partitions.add(partition);
        previous = partition;
      }
      byTopic.put(topicId, new HashSet<>(partitions));
    }
    return byTopic;
  }
}
