package sluice.actors.group.assign;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link GroupSpec} in a fixed order, so that an assignor iterating it is deterministic: members
 * numbered by member id, the topics somebody subscribes to numbered by name, each topic's
 * subscribers in member order, and the current assignments reduced to the claims that still hold
 * (the rules are {@link GroupSpec}'s). Built once per assignment; not thread-safe, not shared.
 */
final class SortedGroup {
  private final List<AssignmentMember> members;
  private final List<SubscribedTopic> topics;
  private final boolean[][] subscribes;
  private final int[][] subscribers;
  private final int[][] claims;

  SortedGroup(GroupSpec spec) {
    members = new ArrayList<>(spec.members());
    members.sort(Comparator.comparing(AssignmentMember::memberId));
    Map<String, SubscribedTopic> byName = new HashMap<>();
    spec.topics().forEach(topic -> byName.put(topic.name(), topic));
    topics =
        members.stream()
            .flatMap(member -> member.subscribedTopics().stream())
            .distinct()
            .filter(byName::containsKey)
            .map(byName::get)
            .sorted(Comparator.comparing(SubscribedTopic::name))
            .toList();
    subscribes = new boolean[members.size()][topics.size()];
    subscribers = new int[topics.size()][];
    for (int t = 0; t < topics.size(); t++) {
      String name = topics.get(t).name();
      List<Integer> subscribed = new ArrayList<>();
      for (int m = 0; m < members.size(); m++) {
        if (members.get(m).subscribedTopics().contains(name)) {
          subscribes[m][t] = true;
          subscribed.add(m);
        }
      }
      subscribers[t] = subscribed.stream().mapToInt(Integer::intValue).toArray();
    }
    claims = validClaims();
  }

  private int[][] validClaims() {
    Map<String, Integer> topicIndex = new HashMap<>();
    int[][] owners = new int[topics.size()][];
    for (int t = 0; t < topics.size(); t++) {
      topicIndex.put(topics.get(t).topicId(), t);
      owners[t] = new int[topics.get(t).partitions()];
      Arrays.fill(owners[t], -1);
    }
    for (int m = 0; m < members.size(); m++) {
      for (Map.Entry<String, Set<Integer>> entry : members.get(m).currentAssignment().entrySet()) {
        Integer t = topicIndex.get(entry.getKey());
        if (t == null || !subscribes[m][t]) {
          continue;
        }
        for (int p : entry.getValue()) {
          if (p >= 0 && p < owners[t].length && owners[t][p] == -1) {
            owners[t][p] = m;
          }
        }
      }
    }
    return owners;
  }

  int memberCount() {
    return members.size();
  }

  AssignmentMember member(int m) {
    return members.get(m);
  }

  int topicCount() {
    return topics.size();
  }

  SubscribedTopic topic(int t) {
    return topics.get(t);
  }

  int partitions(int t) {
    return topics.get(t).partitions();
  }

  boolean subscribes(int m, int t) {
    return subscribes[m][t];
  }

  /** The members subscribed to topic {@code t}, in member order. Do not modify. */
  int[] subscribers(int t) {
    return subscribers[t];
  }

  /** The member whose current assignment still holds partition {@code p} of topic {@code t}. */
  int claimant(int t, int p) {
    return claims[t][p];
  }

  /** Whether every member subscribes to the same topics (of those that exist). */
  boolean homogeneous() {
    for (int m = 1; m < members.size(); m++) {
      if (!Arrays.equals(subscribes[0], subscribes[m])) {
        return false;
      }
    }
    return true;
  }

  /** The assignment in which topic {@code t}'s partition {@code p} goes to {@code owners[t][p]}. */
  TargetAssignment toAssignment(int[][] owners) {
    List<Map<String, Set<Integer>>> byMember = new ArrayList<>();
    for (int m = 0; m < members.size(); m++) {
      byMember.add(new HashMap<>());
    }
    for (int t = 0; t < topics.size(); t++) {
      String topicId = topics.get(t).topicId();
      for (int p = 0; p < owners[t].length; p++) {
        int m = owners[t][p];
        if (m < 0 || !subscribes[m][t]) {
          throw new IllegalStateException(
              "partition " + p + " of " + topics.get(t).name() + " left with owner " + m);
        }
        byMember.get(m).computeIfAbsent(topicId, id -> new TreeSet<>()).add(p);
      }
    }
    Map<String, Map<String, Set<Integer>>> result = new HashMap<>();
    for (int m = 0; m < members.size(); m++) {
      result.put(members.get(m).memberId(), byMember.get(m));
    }
    return new TargetAssignment(result);
  }
}
