package sluice.actors.group.assign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random groups (see {@link RandomGroups}) through the range assignor; each invariant a named
 * check. jqwik prints the seed of a failing group.
 */
class RangeAssignorPropertyTest {
  private final Assignor range = new RangeAssignor();

  @Property(tries = 200)
  void everyPartitionHasOneSubscribedOwner(@ForAll long seed, @ForAll boolean homogeneous) {
    GroupSpec group = RandomGroups.group(new Random(seed), homogeneous);
    AssignmentChecks.holdsForAnyAssignor(group, range.assign(group));
  }

  @Property(tries = 200)
  void subscribersInStaticThenMemberOrderGetContiguousRangesLargestFirst(
      @ForAll long seed, @ForAll boolean homogeneous) {
    GroupSpec group = RandomGroups.group(new Random(seed), homogeneous);
    TargetAssignment target = range.assign(group);
    for (SubscribedTopic topic : group.topics()) {
      List<AssignmentMember> subscribers = subscribersInRangeOrder(group, topic);
      int next = 0;
      int previousSize = Integer.MAX_VALUE;
      for (AssignmentMember member : subscribers) {
        Set<Integer> got =
            target.partitions(member.memberId()).getOrDefault(topic.topicId(), Set.of());
        String what = member.memberId() + "'s range of " + topic.name() + ": " + got;
        for (int p = next; p < next + got.size(); p++) {
          assertThat(got).as(what).contains(p);
        }
        assertThat(got.size()).as(what).isLessThanOrEqualTo(previousSize);
        if (previousSize != Integer.MAX_VALUE) {
          assertThat(got.size()).as(what).isGreaterThanOrEqualTo(previousSize - 1);
        }
        next += got.size();
        previousSize = got.size();
      }
    }
  }

  @Property(tries = 200)
  void topicsWithTheSamePartitionsAndSubscribersAreCoPartitioned(@ForAll long seed) {
    GroupSpec group = RandomGroups.group(new Random(seed), true);
    GroupSpec sameSizes =
        new GroupSpec(
            group.members(),
            group.topics().stream()
                .map(topic -> new SubscribedTopic(topic.topicId(), topic.name(), 12))
                .toList());
    TargetAssignment target = range.assign(sameSizes);
    for (AssignmentMember member : sameSizes.members()) {
      List<Set<Integer>> perTopic = List.copyOf(target.partitions(member.memberId()).values());
      assertThat(Set.copyOf(perTopic))
          .as("%s's partitions of each topic: %s", member.memberId(), perTopic)
          .hasSizeLessThanOrEqualTo(1);
    }
  }

  @Property(tries = 200)
  void theAssignmentDoesNotDependOnTheInputsOrder(@ForAll long seed, @ForAll boolean homogeneous) {
    Random random = new Random(seed);
    GroupSpec group = RandomGroups.group(random, homogeneous);
    assertThat(range.assign(RandomGroups.shuffled(group, random))).isEqualTo(range.assign(group));
  }

  /** Static members first by instance id, then dynamic ones; ties by member id. */
  private static List<AssignmentMember> subscribersInRangeOrder(
      GroupSpec group, SubscribedTopic topic) {
    return group.members().stream()
        .filter(member -> member.subscribedTopics().contains(topic.name()))
        .sorted(
            Comparator.comparing((AssignmentMember member) -> member.instanceId().isEmpty())
                .thenComparing(member -> member.instanceId().orElse(""))
                .thenComparing(AssignmentMember::memberId))
        .toList();
  }
}
