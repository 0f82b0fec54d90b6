package sluice.actors.group.assign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The invariants the assignors' property tests check, each a named check. */
final class AssignmentChecks {
  private AssignmentChecks() {}

  record Partition(String topicId, int partition) {}

  /** Checks the invariants every assignor keeps. */
  static void holdsForAnyAssignor(GroupSpec group, TargetAssignment target) {
    everyMemberIsListedAndNoOneElse(group, target);
    nothingGoesToANonSubscriber(group, target);
    everySubscribedPartitionHasExactlyOneOwner(group, target);
  }

  static void everyMemberIsListedAndNoOneElse(GroupSpec group, TargetAssignment target) {
    assertThat(target.members().keySet())
        .as("members of the assignment")
        .isEqualTo(RandomGroups.ids(group.members()));
  }

  static void nothingGoesToANonSubscriber(GroupSpec group, TargetAssignment target) {
    Map<String, SubscribedTopic> byId = new HashMap<>();
    group.topics().forEach(topic -> byId.put(topic.topicId(), topic));
    for (AssignmentMember member : group.members()) {
      target
          .partitions(member.memberId())
          .forEach(
              (topicId, partitions) -> {
                SubscribedTopic topic = byId.get(topicId);
                assertThat(topic).as("%s gets an existing topic", member.memberId()).isNotNull();
                assertThat(member.subscribedTopics())
                    .as("%s subscribes to %s", member.memberId(), topic.name())
                    .contains(topic.name());
                assertThat(partitions)
                    .as("%s's partitions of %s", member.memberId(), topic.name())
                    .allMatch(p -> p >= 0 && p < topic.partitions());
              });
    }
  }

  static void everySubscribedPartitionHasExactlyOneOwner(GroupSpec group, TargetAssignment target) {
    Map<Partition, List<String>> owners = new HashMap<>();
    target
        .members()
        .forEach(
            (memberId, topics) ->
                topics.forEach(
                    (topicId, partitions) ->
                        partitions.forEach(
                            p ->
                                owners
                                    .computeIfAbsent(
                                        new Partition(topicId, p), k -> new ArrayList<>())
                                    .add(memberId))));
    Set<String> subscribed = new HashSet<>();
    group.members().forEach(member -> subscribed.addAll(member.subscribedTopics()));
    for (SubscribedTopic topic : group.topics()) {
      for (int p = 0; p < topic.partitions(); p++) {
        List<String> owning = owners.getOrDefault(new Partition(topic.topicId(), p), List.of());
        assertThat(owning)
            .as("owners of %s-%d", topic.name(), p)
            .hasSize(subscribed.contains(topic.name()) ? 1 : 0);
      }
    }
  }

  static void countsDifferByAtMostOne(GroupSpec group, TargetAssignment target) {
    List<Integer> counts =
        group.members().stream().map(member -> target.count(member.memberId())).toList();
    int max = counts.stream().max(Comparator.naturalOrder()).orElse(0);
    int min = counts.stream().min(Comparator.naturalOrder()).orElse(0);
    assertThat(max - min).as("max - min of the counts %s", counts).isLessThanOrEqualTo(1);
  }

  /**
   * No member {@code a} can pass a partition along a chain of subscribers ending at a member with
   * at least two fewer partitions than {@code a}: the balance is as good as the subscriptions
   * allow. Reachability is computed as a fixpoint, independently of the assignor's search.
   */
  static void noChainOfMovesHelps(GroupSpec group, TargetAssignment target) {
    Map<String, Set<String>> subscribersById = new HashMap<>();
    for (SubscribedTopic topic : group.topics()) {
      Set<String> subscribers = new HashSet<>();
      group.members().stream()
          .filter(member -> member.subscribedTopics().contains(topic.name()))
          .forEach(member -> subscribers.add(member.memberId()));
      subscribersById.put(topic.topicId(), subscribers);
    }
    for (AssignmentMember source : group.members()) {
      Set<String> reached = new HashSet<>(Set.of(source.memberId()));
      boolean grew = true;
      while (grew) {
        grew = false;
        for (String giver : List.copyOf(reached)) {
          for (String topicId : target.partitions(giver).keySet()) {
            grew |= reached.addAll(subscribersById.get(topicId));
          }
        }
      }
      int sourceCount = target.count(source.memberId());
      for (String taker : reached) {
        assertThat(target.count(taker))
            .as(
                "%s (%d partitions) reaches %s by a chain of moves; counts %s",
                source.memberId(), sourceCount, taker, counts(target))
            .isGreaterThan(sourceCount - 2);
      }
    }
  }

  static Map<String, Integer> counts(TargetAssignment target) {
    Map<String, Integer> counts = new HashMap<>();
    target.members().keySet().forEach(id -> counts.put(id, target.count(id)));
    return counts;
  }

  /**
   * Each partition owned in both assignments, mapped to its owner after, where the owner changed.
   */
  static Map<Partition, String> moved(TargetAssignment before, TargetAssignment after) {
    Map<Partition, String> ownerBefore = owners(before);
    Map<Partition, String> moved = new HashMap<>();
    owners(after)
        .forEach(
            (partition, owner) -> {
              String previous = ownerBefore.get(partition);
              if (previous != null && !previous.equals(owner)) {
                moved.put(partition, owner);
              }
            });
    return moved;
  }

  static Map<Partition, String> owners(TargetAssignment target) {
    Map<Partition, String> owners = new HashMap<>();
    target
        .members()
        .forEach(
            (memberId, topics) ->
                topics.forEach(
                    (topicId, partitions) ->
                        partitions.forEach(p -> owners.put(new Partition(topicId, p), memberId))));
    return owners;
  }

  /**
   * The member's claims that still hold, as {@link GroupSpec} defines them: an existing topic it
   * subscribes to, a partition below the count, not claimed by a member earlier in member-id order.
   */
  static Map<String, Set<Partition>> validClaims(GroupSpec group) {
    Map<String, SubscribedTopic> byId = new HashMap<>();
    group.topics().forEach(topic -> byId.put(topic.topicId(), topic));
    List<AssignmentMember> members = new ArrayList<>(group.members());
    members.sort(Comparator.comparing(AssignmentMember::memberId));
    Set<Partition> taken = new HashSet<>();
    Map<String, Set<Partition>> valid = new HashMap<>();
    for (AssignmentMember member : members) {
      Set<Partition> claims = new HashSet<>();
      member
          .currentAssignment()
          .forEach(
              (topicId, partitions) -> {
                SubscribedTopic topic = byId.get(topicId);
                if (topic != null && member.subscribedTopics().contains(topic.name())) {
                  partitions.stream()
                      .filter(p -> p < topic.partitions())
                      .map(p -> new Partition(topicId, p))
                      .filter(taken::add)
                      .forEach(claims::add);
                }
              });
      valid.put(member.memberId(), claims);
    }
    return valid;
  }
}
