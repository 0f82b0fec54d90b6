package sluice.actors.group.state;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.group.state.GroupHarness.topic;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.MemberState;
import sluice.actors.group.log.RecordType;

class MembershipTest {
  private final GroupHarness group = new GroupHarness(topic("orders", 6));

  @Test
  void theFirstMemberCreatesTheGroupAndGetsEveryPartition() {
    HeartbeatResponse r = group.member("a", "orders").join();

    assertThat(r.ok()).isTrue();
    assertThat(r.memberEpoch()).isEqualTo(1);
    assertThat(r.heartbeatIntervalMs()).isEqualTo(5_000);
    assertThat(r.assignment()).isEqualTo(Map.of("id-orders", Set.of(0, 1, 2, 3, 4, 5)));
    assertThat(types(group.log)).containsExactly(5, 4, 3, 7, 6, 8);
    assertThat(group.machine.state()).isEqualTo(GroupState.STABLE);
  }

  @Test
  void aJoiningMemberGetsPartitionsOnlyAfterTheirOwnerRevokedThem() {
    ScriptedMember a = group.member("a", "orders");
    ScriptedMember b = group.member("b", "orders");
    a.join();

    HeartbeatResponse joined = b.join();
    assertThat(joined.memberEpoch()).isEqualTo(2);
    assertThat(joined.assignment()).isEmpty();
    assertThat(member("b").state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);
    assertThat(group.machine.state()).isEqualTo(GroupState.RECONCILING);

    HeartbeatResponse told = a.heartbeat();
    assertThat(told.memberEpoch()).isEqualTo(1);
    assertThat(member("a").state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
    assertThat(member("a").pendingRevocation().get("id-orders")).hasSize(3);
    assertThat(b.heartbeat().assignment()).isNull();

    assertThat(a.heartbeat().memberEpoch()).isEqualTo(2);
    assertThat(member("a").state()).isEqualTo(MemberState.STABLE);
    HeartbeatResponse released = b.heartbeat();
    assertThat(released.assignment().get("id-orders")).hasSize(3);
    assertThat(a.ownedCount() + b.ownedCount()).isEqualTo(6);
    assertThat(group.machine.state()).isEqualTo(GroupState.STABLE);
  }

  @Test
  void aLeavingMemberIsRemovedAtOnceWithItsTombstonesInOrder() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    group.member("b", "other").join();
    group.log.clear();

    HeartbeatResponse r = a.leave();

    assertThat(r.memberEpoch()).isEqualTo(Member.LEAVE_EPOCH);
    assertThat(group.machine.membership().member("a")).isEmpty();
    assertThat(group.log).allMatch(rec -> rec.key().groupId().equals("g"));
    assertThat(types(group.log)).containsExactly(8, 7, 5, 4, 3);
    assertThat(group.log.subList(0, 3)).allMatch(GroupRecord::isTombstone);
    assertThat(group.machine.state()).isEqualTo(GroupState.ASSIGNING);
  }

  @Test
  void aMemberThatLeftAndRejoinsUnderTheSameIdStartsAfresh() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    a.leave();
    assertThat(group.machine.state()).isEqualTo(GroupState.EMPTY);

    HeartbeatResponse back = a.join();

    assertThat(back.memberEpoch()).isEqualTo(3);
    assertThat(back.assignment().get("id-orders")).hasSize(6);
  }

  @Test
  void anEpochAheadOfTheCoordinatorsOrOlderThanThePreviousIsFenced() {
    ScriptedMember a = group.member("a", "orders");
    a.join();

    a.epoch = 7;
    assertThat(a.heartbeat().error()).isEqualTo(GroupError.FENCED_MEMBER_EPOCH);
    a.join();
    group.member("b", "orders").join();
    a.heartbeat();
    a.heartbeat();
    group.member("c", "orders").join();
    a.heartbeat();
    a.heartbeat();
    assertThat(member("a").epoch()).isEqualTo(3);
    assertThat(member("a").assignment().previousMemberEpoch()).isEqualTo(2);

    a.epoch = 1;
    assertThat(a.heartbeat().error()).isEqualTo(GroupError.FENCED_MEMBER_EPOCH);
    assertThat(a.last.message()).contains("sent epoch 1 but its epoch is 3");
  }

  @Test
  void theEpochBeforeIsAcceptedWhenTheMemberOwnsNoMoreThanItsAssignment() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    group.member("b", "orders").join();
    a.heartbeat();
    a.heartbeat();
    int previous = member("a").assignment().previousMemberEpoch();

    a.epoch = previous;
    HeartbeatResponse r = a.heartbeat();

    assertThat(r.ok()).isTrue();
    assertThat(r.memberEpoch()).isEqualTo(member("a").epoch());
  }

  @Test
  void aFencedMemberThatRejoinsUnderItsIdIsANewJoinAndItsPendingPartitionsGoToTheirNewOwner() {
    ScriptedMember a = group.member("a", "orders");
    ScriptedMember b = group.member("b", "orders");
    a.join();
    b.join();
    a.heartbeat();
    assertThat(member("a").state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
    assertThat(member("a").assignment().previousMemberEpoch()).isEqualTo(1);
    int before = group.log.size();

    // The client was fenced: it dropped everything and joins again under its member id.
    HeartbeatResponse rejoined = a.join();

    assertThat(rejoined.ok()).as("%s", rejoined).isTrue();
    assertThat(rejoined.memberEpoch()).isEqualTo(2);
    assertThat(rejoined.assignment().get("id-orders")).hasSize(3);
    assertThat(member("a").pendingRevocation()).isEmpty();
    List<GroupRecord> written = group.log.subList(before, group.log.size());
    assertThat(written.get(0).value())
        .as("first the member's records say it holds nothing")
        .isEqualTo(Member.JOINING);
    assertThat(types(written)).doesNotContain(3);

    HeartbeatResponse released = b.heartbeat();
    assertThat(released.assignment().get("id-orders")).hasSize(3);
    assertThat(a.owned.get("id-orders")).doesNotContainAnyElementsOf(b.owned.get("id-orders"));
    assertThat(a.ownedCount() + b.ownedCount()).isEqualTo(6);
    assertThat(group.machine.state()).isEqualTo(GroupState.STABLE);
  }

  @Test
  void aJoinResentBecauseItsAnswerWasLostGetsTheSameAssignmentAndWritesNothing() {
    ScriptedMember a = group.member("a", "orders");
    HeartbeatResponse first = a.join();
    int before = group.log.size();

    HeartbeatResponse again = a.join();
    assertThat(again.memberEpoch()).isEqualTo(first.memberEpoch());
    assertThat(again.assignment()).isEqualTo(first.assignment());
    HeartbeatResponse withoutOwned = a.send(a.request(0, 30_000, List.of("orders"), null), true);
    assertThat(withoutOwned.memberEpoch()).isEqualTo(first.memberEpoch());
    assertThat(withoutOwned.assignment()).isEqualTo(first.assignment());
    assertThat(group.log).hasSize(before);
  }

  @Test
  void anUnknownMemberIsToldSo() {
    ScriptedMember ghost = group.member("ghost", "orders");
    ghost.epoch = 4;

    assertThat(ghost.heartbeat().error()).isEqualTo(GroupError.UNKNOWN_MEMBER_ID);
    assertThat(ghost.leave().error()).isEqualTo(GroupError.UNKNOWN_MEMBER_ID);
    assertThat(group.log).isEmpty();
  }

  @Test
  void badRequestsAreRefusedAndWriteNothing() {
    ScriptedMember empty = group.member("", "orders");
    assertThat(empty.join().error()).isEqualTo(GroupError.INVALID_REQUEST);

    ScriptedMember negative = group.member("n", "orders");
    negative.rebalanceTimeoutMs = -1;
    assertThat(negative.join().error()).isEqualTo(GroupError.INVALID_REQUEST);
    assertThat(negative.last.message()).contains("rebalance timeout -1 ms is negative");

    ScriptedMember picky = group.member("p", "orders");
    picky.assignor = "sticky";
    assertThat(picky.join().error()).isEqualTo(GroupError.UNSUPPORTED_ASSIGNOR);
    assertThat(picky.last.message()).contains("range, uniform");

    assertThat(group.heartbeat(picky.request(-3, null, null, null)).error())
        .isEqualTo(GroupError.INVALID_REQUEST);
    assertThat(group.log).isEmpty();
    assertThat(group.machine.state()).isEqualTo(GroupState.DEAD);
  }

  @Test
  void aFullGroupRefusesANewMemberButNotItsOwn() {
    GroupHarness small =
        new GroupHarness(GroupConfig.defaults().withMaxSize(1), topic("orders", 2));
    ScriptedMember a = small.member("a", "orders");
    a.join();

    assertThat(small.member("b", "orders").join().error())
        .isEqualTo(GroupError.GROUP_MAX_SIZE_REACHED);
    assertThat(a.heartbeat().ok()).isTrue();
  }

  @Test
  void theGroupEpochRisesWhenASubscribedTopicGrowsAndTheNewPartitionIsAssigned() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    assertThat(a.heartbeat().assignment()).isNull();

    group.topics = group.topics.with(topic("orders", 8));
    HeartbeatResponse r = a.heartbeat();

    assertThat(group.machine.membership().groupEpoch()).isEqualTo(2);
    assertThat(r.memberEpoch()).isEqualTo(2);
    assertThat(r.assignment().get("id-orders")).hasSize(8);
  }

  @Test
  void aRegexSubscriptionTakesInTopicsCreatedLater() {
    ScriptedMember a = group.member("a");
    HeartbeatRequest join =
        new HeartbeatRequest(
            "g", "a", 0, null, null, 1000, null, "ord.*", null, Map.of(), "c", "h");
    assertThat(a.send(join, true).assignment()).containsOnlyKeys("id-orders");

    group.topics = group.topics.with(topic("ordinals", 2)).with(topic("other", 3));
    HeartbeatResponse r = a.heartbeat();

    assertThat(r.assignment()).containsOnlyKeys("id-orders", "id-ordinals");
  }

  @Test
  void anInvalidRegexIsRefused() {
    HeartbeatRequest join =
        new HeartbeatRequest("g", "a", 0, null, null, 1000, null, "ord(", null, Map.of(), "c", "h");

    assertThat(group.heartbeat(join).error()).isEqualTo(GroupError.INVALID_REGULAR_EXPRESSION);
  }

  @Test
  void aSubscriptionChangeRaisesTheEpochAndMovesPartitions() {
    group.topics = group.topics.with(topic("other", 2));
    ScriptedMember a = group.member("a", "orders");
    a.join();

    HeartbeatResponse r = a.subscribe(List.of("other"));
    a.heartbeat();

    assertThat(group.machine.membership().groupEpoch()).isEqualTo(2);
    assertThat(r.memberEpoch()).isEqualTo(1);
    assertThat(a.owned).containsOnlyKeys("id-other");
  }

  @Test
  void theGroupStatesFollowMembershipAndReconciliation() {
    assertThat(group.machine.state()).isEqualTo(GroupState.DEAD);
    ScriptedMember a = group.member("a", "orders");
    a.join();
    assertThat(group.machine.state()).isEqualTo(GroupState.STABLE);
    group.member("b", "orders").join();
    assertThat(group.machine.state()).isEqualTo(GroupState.RECONCILING);
    a.leave();
    assertThat(group.machine.state()).isEqualTo(GroupState.ASSIGNING);
  }

  private Member member(String id) {
    return group.machine.membership().member(id).orElseThrow();
  }

  static List<Integer> types(List<GroupRecord> records) {
    return records.stream().map(r -> (int) r.key().type().id()).toList();
  }

  static boolean isType(GroupRecord record, RecordType type) {
    return record.key().type() == type;
  }
}
