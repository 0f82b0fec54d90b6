package sluice.actors.group.assign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Random groups for the assignors' property tests: 1 to 20 members (some static), 1 to 10 topics of
 * 1 to 4, 16 or 64 partitions (small groups of partitions too, where quotas are 0 or 1), and
 * current assignments as a coordinator may hold them: partitions of members that left unclaimed,
 * and stale claims (a deleted topic's id, partitions beyond the count, topics the member no longer
 * subscribes to, a partition claimed by two members).
 */
final class RandomGroups {
  static final String DELETED_TOPIC_ID = "id-deleted";

  private RandomGroups() {}

  /** A random group; {@code homogeneous} gives every member the same subscription. */
  static GroupSpec group(Random random, boolean homogeneous) {
    List<SubscribedTopic> topics = new ArrayList<>();
    int topicCount = 1 + random.nextInt(10);
    int maxPartitions = List.of(4, 16, 64).get(random.nextInt(3));
    for (int t = 0; t < topicCount; t++) {
      topics.add(
          new SubscribedTopic(
              "id-" + Long.toHexString(random.nextLong()),
              "topic-" + t,
              1 + random.nextInt(maxPartitions)));
    }
    Set<String> names = new TreeSet<>();
    topics.forEach(topic -> names.add(topic.name()));
    names.add("not-created-yet");
    Set<String> shared = subscription(random, names);
    List<String> memberIds = memberIds(random, 1 + random.nextInt(20));
    List<String> previousOwners = new ArrayList<>(memberIds);
    for (int gone = random.nextInt(4); gone > 0; gone--) {
      previousOwners.add("left-" + gone);
    }
    Map<String, Map<String, Set<Integer>>> current =
        currentAssignments(random, topics, previousOwners);
    List<AssignmentMember> members = new ArrayList<>();
    for (String id : memberIds) {
      Optional<String> instanceId =
          random.nextInt(3) == 0
              ? Optional.of("instance-" + random.nextInt(100))
              : Optional.empty();
      Set<String> subscribed = homogeneous ? shared : subscription(random, names);
      members.add(
          new AssignmentMember(id, instanceId, subscribed, current.getOrDefault(id, Map.of())));
    }
    return new GroupSpec(members, topics);
  }

  private static List<String> memberIds(Random random, int count) {
    Set<String> ids = new LinkedHashSet<>();
    while (ids.size() < count) {
      ids.add("member-" + random.nextInt(1000));
    }
    return new ArrayList<>(ids);
  }

  /** A random subset of the names, never empty but for a small chance. */
  private static Set<String> subscription(Random random, Set<String> names) {
    Set<String> subscribed = new TreeSet<>();
    if (random.nextInt(20) == 0) {
      return subscribed;
    }
    List<String> all = new ArrayList<>(names);
    subscribed.add(all.get(random.nextInt(all.size())));
    for (String name : all) {
      if (random.nextInt(3) == 0) {
        subscribed.add(name);
      }
    }
    return subscribed;
  }

  private static Map<String, Map<String, Set<Integer>>> currentAssignments(
      Random random, List<SubscribedTopic> topics, List<String> owners) {
    Map<String, Map<String, Set<Integer>>> current = new HashMap<>();
    for (SubscribedTopic topic : topics) {
      int claimed = random.nextInt(4);
      for (int p = 0; p < topic.partitions() + 2; p++) {
        if (random.nextInt(4) < claimed) {
          String owner = owners.get(random.nextInt(owners.size()));
          claim(current, owner, topic.topicId(), p);
          if (random.nextInt(20) == 0) {
            claim(current, owners.get(random.nextInt(owners.size())), topic.topicId(), p);
          }
        }
      }
    }
    if (random.nextBoolean()) {
      claim(current, owners.get(random.nextInt(owners.size())), DELETED_TOPIC_ID, 0);
    }
    return current;
  }

  private static void claim(
      Map<String, Map<String, Set<Integer>>> current, String owner, String topicId, int p) {
    current
        .computeIfAbsent(owner, o -> new TreeMap<>())
        .computeIfAbsent(topicId, t -> new TreeSet<>())
        .add(p);
  }

  /** The group with each member's current assignment replaced by its share of {@code target}. */
  static GroupSpec withCurrent(GroupSpec group, TargetAssignment target) {
    List<AssignmentMember> members = new ArrayList<>();
    for (AssignmentMember member : group.members()) {
      members.add(
          new AssignmentMember(
              member.memberId(),
              member.instanceId(),
              member.subscribedTopics(),
              target.partitions(member.memberId())));
    }
    return new GroupSpec(members, group.topics());
  }

  /** The same group with every list, set and map in another order. */
  static GroupSpec shuffled(GroupSpec group, Random random) {
    List<AssignmentMember> members = new ArrayList<>();
    for (AssignmentMember member : group.members()) {
      List<String> subscribed = new ArrayList<>(member.subscribedTopics());
      Collections.shuffle(subscribed, random);
      List<String> topicIds = new ArrayList<>(member.currentAssignment().keySet());
      Collections.shuffle(topicIds, random);
      Map<String, Set<Integer>> current = new LinkedHashMap<>();
      for (String topicId : topicIds) {
        List<Integer> partitions = new ArrayList<>(member.currentAssignment().get(topicId));
        Collections.shuffle(partitions, random);
        current.put(topicId, new LinkedHashSet<>(partitions));
      }
      members.add(
          new AssignmentMember(
              member.memberId(), member.instanceId(), new LinkedHashSet<>(subscribed), current));
    }
    Collections.shuffle(members, random);
    List<SubscribedTopic> topics = new ArrayList<>(group.topics());
    Collections.shuffle(topics, random);
    return new GroupSpec(members, topics);
  }

  /**
   * The group with one more member, subscribed as {@code like} is and owning nothing; its id sorts
   * anywhere among the others'.
   */
  static GroupSpec joined(GroupSpec group, AssignmentMember like, Random random) {
    String memberId = "member-" + (1000 + random.nextInt(9000));
    List<AssignmentMember> members = new ArrayList<>(group.members());
    members.add(AssignmentMember.of(memberId, like.subscribedTopics(), Map.of()));
    return new GroupSpec(members, group.topics());
  }

  /** The group without the member at {@code index}. */
  static GroupSpec left(GroupSpec group, int index) {
    List<AssignmentMember> members = new ArrayList<>(group.members());
    members.remove(index);
    return new GroupSpec(members, group.topics());
  }

  static Set<String> ids(List<AssignmentMember> members) {
    Set<String> ids = new HashSet<>();
    members.forEach(member -> ids.add(member.memberId()));
    return ids;
  }
}
