package sluice.actors.group.assign;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A group's target assignment: member id to topic id to partitions. Immutable; printed in member,
 * topic and partition order. A member with nothing assigned maps to an empty map.
 */
public record TargetAssignment(Map<String, Map<String, Set<Integer>>> members) {

  public TargetAssignment {
    Map<String, Map<String, Set<Integer>>> copy = new TreeMap<>();
    members.forEach(
        (memberId, topics) -> {
          Map<String, Set<Integer>> byTopic = new TreeMap<>();
          topics.forEach(
              (topicId, partitions) -> {
                if (!partitions.isEmpty()) {
                  byTopic.put(
                      topicId, Collections.unmodifiableSortedSet(new TreeSet<>(partitions)));
                }
              });
          copy.put(memberId, Collections.unmodifiableMap(byTopic));
        });
    members = Collections.unmodifiableMap(copy);
  }

  /** The member's partitions by topic id; empty for a member with none or not in the group. */
  public Map<String, Set<Integer>> partitions(String memberId) {
    return members.getOrDefault(memberId, Map.of());
  }

  /** How many partitions the member is assigned. */
  public int count(String memberId) {
    return partitions(memberId).values().stream().mapToInt(Set::size).sum();
  }
}
