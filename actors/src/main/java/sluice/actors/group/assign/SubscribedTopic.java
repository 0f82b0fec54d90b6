package sluice.actors.group.assign;

/**
 * A topic as the assignors see it: the coordinator reads it from the metadata.
 *
 * @param topicId the topic's id, new for every creation; assignments name topics by it, so the
 *     partitions of a deleted topic are not handed out again as those of its namesake
 * @param name what members subscribe to
 * @param partitions the partition count, at least zero
 */
public record SubscribedTopic(String topicId, String name, int partitions) {

  public SubscribedTopic {
    if (topicId == null || name == null) {
      throw new IllegalArgumentException(
          "a topic needs an id and a name: " + topicId + ", " + name);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("topic " + name + " has " + partitions + " partitions");
    }
  }
}
