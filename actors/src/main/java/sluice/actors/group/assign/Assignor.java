package sluice.actors.group.assign;

/**
 * A server-side partition assignor of the consumer protocol (KIP-848): from a group's members and
 * its subscribed topics, the group's new target assignment.
 *
 * <p>Implementations are pure and deterministic: the same group gives the same assignment, however
 * the input's lists, sets and maps happen to be ordered, so a coordinator that replays its records
 * on another broker computes what its predecessor computed. They hold no state and are safe from
 * any thread. The input's rules (stale current assignments, unknown topics) are {@link
 * GroupSpec}'s.
 */
public interface Assignor {

  /** The name members and configs ask for, as in Kafka: {@code uniform}, {@code range}. */
  String name();

  /**
   * The new target assignment: every member of the group, each with the partitions it should own
   * (possibly none). Every partition of a topic someone subscribes to is assigned to exactly one of
   * its subscribers; no member gets a partition of a topic it does not subscribe to.
   */
  TargetAssignment assign(GroupSpec group);
}
