package sluice.actors.group.log;

/**
 * Which partition of {@code __consumer_offsets} holds a group: Kafka's rule, {@code
 * abs(groupId.hashCode()) % partitions} with Kafka's {@code abs}, which takes {@link
 * Integer#MIN_VALUE} to 0 (where {@link Math#abs} would leave it negative). The hash is Java's
 * {@link String#hashCode}, so a group lands on the partition Kafka would give it for the same
 * partition count, and the rule must never change: a group moved to another partition would lose
 * its offsets.
 */
public final class OffsetsTopic {
  /** The internal topic's name. */
  public static final String NAME = "__consumer_offsets";

  private OffsetsTopic() {}

  /**
   * The partition of {@code __consumer_offsets} that holds {@code groupId}.
   *
   * @param partitions the topic's partition count, positive
   */
  public static int partitionFor(String groupId, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partition count " + partitions + " is not positive");
    }
    return abs(groupId.hashCode()) % partitions;
  }

  private static int abs(int n) {
    return n == Integer.MIN_VALUE ? 0 : Math.abs(n);
  }
}
