package sluice.actors.group.assign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The uniform assignor on small groups whose assignments are worked out by hand. */
class UniformAssignorTest {
  private static final SubscribedTopic T1 = new SubscribedTopic("id-1", "t1", 3);
  private static final SubscribedTopic T2 = new SubscribedTopic("id-2", "t2", 4);
  private static final SubscribedTopic SEVEN = new SubscribedTopic("id-7", "seven", 7);
  private static final SubscribedTopic SIX = new SubscribedTopic("id-6", "six", 6);

  private final Assignor uniform = new UniformAssignor();

  @Test
  void aNewGroupIsDealtTopicByTopicAndTheFirstMembersTakeTheExtraPartitions() {
    // 7 partitions over 3 members: quotas 3, 2, 2; a comes first in member order.
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("c", Set.of("t1", "t2"), Map.of()),
                AssignmentMember.of("a", Set.of("t1", "t2"), Map.of()),
                AssignmentMember.of("b", Set.of("t1", "t2"), Map.of())),
            List.of(T2, T1));

    assertThat(uniform.assign(group).members())
        .isEqualTo(
            Map.of(
                "a", Map.of("id-1", Set.of(0, 1, 2)),
                "b", Map.of("id-2", Set.of(0, 1)),
                "c", Map.of("id-2", Set.of(2, 3))));
  }

  @Test
  void theExtraPartitionGoesToTheMemberAlreadyHoldingIt() {
    // Quotas 3, 2, 2: b holds 3, so nothing moves (Kafka's builder would give a the 3 and move
    // one).
    Map<String, Map<String, Set<Integer>>> current =
        Map.of(
            "a", Map.of("id-7", Set.of(0, 1)),
            "b", Map.of("id-7", Set.of(2, 3, 4)),
            "c", Map.of("id-7", Set.of(5, 6)));
    GroupSpec group = homogeneous(List.of("a", "b", "c"), "seven", current, SEVEN);

    assertThat(uniform.assign(group).members()).isEqualTo(current);
  }

  @Test
  void aJoiningMemberTakesOnlyTheHighestPartitionsOfEachHolder() {
    GroupSpec group =
        homogeneous(
            List.of("a", "b", "c"),
            "six",
            Map.of("a", Map.of("id-6", Set.of(0, 1, 2)), "b", Map.of("id-6", Set.of(3, 4, 5))),
            SIX);

    assertThat(uniform.assign(group).members())
        .isEqualTo(
            Map.of(
                "a", Map.of("id-6", Set.of(0, 1)),
                "b", Map.of("id-6", Set.of(3, 4)),
                "c", Map.of("id-6", Set.of(2, 5))));
  }

  @Test
  void aLeavingMembersPartitionsAreDealtToTheOthersInMemberOrder() {
    // c left with 4 and 5; a and b fill up to 3 each.
    GroupSpec group =
        homogeneous(
            List.of("a", "b"),
            "six",
            Map.of("a", Map.of("id-6", Set.of(0, 1)), "b", Map.of("id-6", Set.of(2, 3))),
            SIX);

    assertThat(uniform.assign(group).members())
        .isEqualTo(
            Map.of("a", Map.of("id-6", Set.of(0, 1, 4)), "b", Map.of("id-6", Set.of(2, 3, 5))));
  }

  @Test
  void staleClaimsAreIgnoredAndATwiceClaimedPartitionStaysWithTheFirstMember() {
    // a: a deleted topic, partition 9 of a 3-partition topic, t2 it no longer subscribes to.
    // b also claims t1-0, which a keeps (member order); b keeps t1-1.
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of(
                    "a",
                    Set.of("t1"),
                    Map.of("id-gone", Set.of(0), "id-1", Set.of(0, 9), "id-2", Set.of(0, 1, 2))),
                AssignmentMember.of("b", Set.of("t1"), Map.of("id-1", Set.of(0, 1)))),
            List.of(T1, T2));

    assertThat(uniform.assign(group).members())
        .isEqualTo(Map.of("a", Map.of("id-1", Set.of(0, 2)), "b", Map.of("id-1", Set.of(1))));
  }

  @Test
  void heterogeneousSubscriptionsFillTheLeastLoadedSubscriber() {
    // a: t1; b: t1 and t2; c: t2. Both topics have 3 partitions over 2 subscribers, so t1 first
    // (by name). t1: 0 -> a, 1 -> b, 2 -> a. t2: 0 -> c (b holds 1), 1 -> b, 2 -> c.
    SubscribedTopic t2 = new SubscribedTopic("id-2", "t2", 3);
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("a", Set.of("t1"), Map.of()),
                AssignmentMember.of("b", Set.of("t1", "t2"), Map.of()),
                AssignmentMember.of("c", Set.of("t2"), Map.of())),
            List.of(T1, t2));

    assertThat(uniform.assign(group).members())
        .isEqualTo(
            Map.of(
                "a", Map.of("id-1", Set.of(0, 2)),
                "b", Map.of("id-1", Set.of(1), "id-2", Set.of(1)),
                "c", Map.of("id-2", Set.of(0, 2))));
  }

  @Test
  void aChainOfTwoMovesEvensOutCountsThatEachTopicFindsBalanced() {
    // Kafka's own example of what its per-topic balancing leaves: 9, 10, 11. Within t1 (a, b) and
    // within t2 (b, c) the counts differ by one, yet c -> b (t2) and b -> a (t1) gives 10, 10, 10.
    SubscribedTopic t1 = new SubscribedTopic("id-1", "t1", 15);
    SubscribedTopic t2 = new SubscribedTopic("id-2", "t2", 15);
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("a", Set.of("t1"), Map.of("id-1", range(0, 9))),
                AssignmentMember.of(
                    "b", Set.of("t1", "t2"), Map.of("id-1", range(9, 15), "id-2", range(0, 4))),
                AssignmentMember.of("c", Set.of("t2"), Map.of("id-2", range(4, 15)))),
            List.of(t1, t2));

    assertThat(uniform.assign(group).members())
        .isEqualTo(
            Map.of(
                "a", Map.of("id-1", union(range(0, 9), Set.of(14))),
                "b", Map.of("id-1", range(9, 14), "id-2", union(range(0, 4), Set.of(14))),
                "c", Map.of("id-2", range(4, 14))));
  }

  @Test
  void aMemberSubscribedToNothingExistingIsListedWithNothing() {
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("a", Set.of("t1"), Map.of()),
                AssignmentMember.of("b", Set.of("not-created-yet"), Map.of("id-1", Set.of(0)))),
            List.of(T1));

    assertThat(uniform.assign(group).members())
        .isEqualTo(Map.of("a", Map.of("id-1", Set.of(0, 1, 2)), "b", Map.of()));
  }

  @Test
  void anEmptyGroupHasAnEmptyAssignment() {
    assertThat(uniform.assign(new GroupSpec(List.of(), List.of(T1))).members()).isEmpty();
  }

  private static GroupSpec homogeneous(
      List<String> memberIds,
      String topic,
      Map<String, Map<String, Set<Integer>>> current,
      SubscribedTopic... topics) {
    return new GroupSpec(
        memberIds.stream()
            .map(id -> AssignmentMember.of(id, Set.of(topic), current.getOrDefault(id, Map.of())))
            .toList(),
        List.of(topics));
  }

  static Set<Integer> range(int from, int to) {
    return java.util.stream.IntStream.range(from, to)
        .boxed()
        .collect(java.util.stream.Collectors.toSet());
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    Set<Integer> union = new java.util.HashSet<>(a);
    union.addAll(b);
    return union;
  }
}
