package sluice.actors.group.assign;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A group member as the assignors see it.
 *
 * @param memberId unique within the group
 * @param instanceId its {@code group.instance.id}, if it is a static member
 * @param subscribedTopics topic names, already resolved from any regex
 * @param currentAssignment its current target assignment: topic id to partitions. It may be stale
 *     (topics since deleted, partitions beyond the count, topics no longer subscribed); the
 *     assignors ignore what no longer exists, see {@link GroupSpec}
 */
public record AssignmentMember(
    String memberId,
    Optional<String> instanceId,
    Set<String> subscribedTopics,
    Map<String, Set<Integer>> currentAssignment) {

  public AssignmentMember {
    if (memberId == null) {
      throw new IllegalArgumentException("a member needs an id");
    }
    subscribedTopics = Set.copyOf(subscribedTopics);
    Map<String, Set<Integer>> copy = new TreeMap<>();
    currentAssignment.forEach((topicId, partitions) -> copy.put(topicId, Set.copyOf(partitions)));
    currentAssignment = Map.copyOf(copy);
  }

  /** A dynamic member (no instance id). */
  public static AssignmentMember of(
      String memberId, Set<String> subscribedTopics, Map<String, Set<Integer>> currentAssignment) {
    return new AssignmentMember(memberId, Optional.empty(), subscribedTopics, currentAssignment);
  }
}
