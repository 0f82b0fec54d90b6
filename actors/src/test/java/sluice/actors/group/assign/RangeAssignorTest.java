package sluice.actors.group.assign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The range assignor on small groups whose assignments are worked out by hand. */
class RangeAssignorTest {
  private final Assignor range = new RangeAssignor();

  @Test
  void coPartitionedTopicsGetTheSameRangesAndTheFirstMemberTheExtraPartition() {
    // Kafka's own example: M0 gets partitions 0 and 1 of both topics, M1 partition 2 of both.
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("M1", Set.of("T1", "T2"), Map.of()),
                AssignmentMember.of("M0", Set.of("T1", "T2"), Map.of())),
            List.of(new SubscribedTopic("id-1", "T1", 3), new SubscribedTopic("id-2", "T2", 3)));

    assertThat(range.assign(group).members())
        .isEqualTo(
            Map.of(
                "M0", Map.of("id-1", Set.of(0, 1), "id-2", Set.of(0, 1)),
                "M1", Map.of("id-1", Set.of(2), "id-2", Set.of(2))));
  }

  @Test
  void eachTopicIsSplitAmongItsOwnSubscribers() {
    // t1 (5 partitions): a and b, so 3 and 2; t2 (2 partitions): b and c, one each.
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("a", Set.of("t1"), Map.of()),
                AssignmentMember.of("b", Set.of("t1", "t2"), Map.of()),
                AssignmentMember.of("c", Set.of("t2"), Map.of())),
            List.of(new SubscribedTopic("id-1", "t1", 5), new SubscribedTopic("id-2", "t2", 2)));

    assertThat(range.assign(group).members())
        .isEqualTo(
            Map.of(
                "a", Map.of("id-1", Set.of(0, 1, 2)),
                "b", Map.of("id-1", Set.of(3, 4), "id-2", Set.of(0)),
                "c", Map.of("id-2", Set.of(1))));
  }

  @Test
  void staticMembersComeFirstByInstanceIdThenDynamicOnesByMemberId() {
    // Order: m3 (instance "a"), m2 (instance "z"), then m1 and m0 (dynamic, by member id).
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("m1", Set.of("t"), Map.of()),
                AssignmentMember.of("m0", Set.of("t"), Map.of()),
                new AssignmentMember("m2", Optional.of("z"), Set.of("t"), Map.of()),
                new AssignmentMember("m3", Optional.of("a"), Set.of("t"), Map.of())),
            List.of(new SubscribedTopic("id-t", "t", 6)));

    assertThat(range.assign(group).members())
        .isEqualTo(
            Map.of(
                "m3", Map.of("id-t", Set.of(0, 1)),
                "m2", Map.of("id-t", Set.of(2, 3)),
                "m0", Map.of("id-t", Set.of(4)),
                "m1", Map.of("id-t", Set.of(5))));
  }

  @Test
  void aStaticMemberRejoiningUnderANewMemberIdKeepsItsRange() {
    SubscribedTopic topic = new SubscribedTopic("id-t", "t", 4);
    GroupSpec before =
        new GroupSpec(
            List.of(
                new AssignmentMember("x", Optional.of("i1"), Set.of("t"), Map.of()),
                new AssignmentMember("y", Optional.of("i2"), Set.of("t"), Map.of())),
            List.of(topic));
    GroupSpec after =
        new GroupSpec(
            List.of(
                new AssignmentMember("z", Optional.of("i1"), Set.of("t"), Map.of()),
                new AssignmentMember("y", Optional.of("i2"), Set.of("t"), Map.of())),
            List.of(topic));

    assertThat(range.assign(before).partitions("x")).isEqualTo(Map.of("id-t", Set.of(0, 1)));
    assertThat(range.assign(after).partitions("z")).isEqualTo(Map.of("id-t", Set.of(0, 1)));
  }

  @Test
  void theCurrentAssignmentDoesNotChangeTheRanges() {
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("a", Set.of("t"), Map.of("id-t", Set.of(2, 3))),
                AssignmentMember.of("b", Set.of("t"), Map.of("id-t", Set.of(0, 1)))),
            List.of(new SubscribedTopic("id-t", "t", 4)));

    assertThat(range.assign(group).members())
        .isEqualTo(Map.of("a", Map.of("id-t", Set.of(0, 1)), "b", Map.of("id-t", Set.of(2, 3))));
  }

  @Test
  void moreMembersThanPartitionsLeavesTheLastOnesWithNothing() {
    GroupSpec group =
        new GroupSpec(
            List.of(
                AssignmentMember.of("a", Set.of("t"), Map.of()),
                AssignmentMember.of("b", Set.of("t"), Map.of()),
                AssignmentMember.of("c", Set.of("t"), Map.of())),
            List.of(new SubscribedTopic("id-t", "t", 2)));

    assertThat(range.assign(group).members())
        .isEqualTo(
            Map.of("a", Map.of("id-t", Set.of(0)), "b", Map.of("id-t", Set.of(1)), "c", Map.of()));
  }
}
