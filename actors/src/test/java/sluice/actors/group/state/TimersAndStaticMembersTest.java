package sluice.actors.group.state;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.group.state.GroupHarness.topic;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimersAndStaticMembersTest {
  private final GroupHarness group = new GroupHarness(topic("orders", 6));

  @Test
  void aStaticMemberThatLeavesForAWhileGetsItsAssignmentBackWithoutARebalance() {
    ScriptedMember a = group.staticMember("a1", "instance-a", "orders");
    ScriptedMember b = group.staticMember("b1", "instance-b", "orders");
    a.join();
    b.join();
    a.heartbeat();
    a.heartbeat();
    b.heartbeat();
    Map<String, java.util.Set<Integer>> before = b.owned;
    int epoch = group.machine.membership().groupEpoch();

    assertThat(b.leaveTemporarily().memberEpoch()).isEqualTo(Member.STATIC_LEAVE_EPOCH);
    assertThat(group.machine.membership().groupEpoch()).isEqualTo(epoch);
    assertThat(a.heartbeat().assignment()).isNull();

    ScriptedMember back = group.staticMember("b2", "instance-b", "orders");
    HeartbeatResponse r = back.join();

    assertThat(r.assignment()).isEqualTo(before);
    assertThat(r.memberEpoch()).isEqualTo(epoch);
    assertThat(group.machine.membership().groupEpoch()).isEqualTo(epoch);
    assertThat(group.machine.membership().member("b1")).isEmpty();
    assertThat(group.machine.state()).isEqualTo(GroupState.STABLE);
  }

  @Test
  void aSecondLiveMemberWithTheSameInstanceIdIsRefused() {
    group.staticMember("a1", "instance-a", "orders").join();

    HeartbeatResponse r = group.staticMember("a2", "instance-a", "orders").join();

    assertThat(r.error()).isEqualTo(GroupError.UNRELEASED_INSTANCE_ID);
    assertThat(r.message()).contains("held by member a1");
  }

  @Test
  void aReplacedStaticMemberIsFencedByInstanceId() {
    ScriptedMember old = group.staticMember("a1", "instance-a", "orders");
    old.join();
    old.leaveTemporarily();
    group.staticMember("a2", "instance-a", "orders").join();

    old.epoch = 1;
    assertThat(old.heartbeat().error()).isEqualTo(GroupError.FENCED_INSTANCE_ID);
  }

  @Test
  void aStaticMemberNotBackWithinTheSessionTimeoutIsRemoved() {
    ScriptedMember a = group.staticMember("a1", "instance-a", "orders");
    a.join();
    a.leaveTemporarily();

    group.advance(Duration.ofMillis(44_999));
    assertThat(group.expire().members()).isEmpty();
    group.advance(Duration.ofMillis(1));
    assertThat(group.expire().members()).containsEntry("a1", "session");
    assertThat(group.machine.state()).isEqualTo(GroupState.EMPTY);
  }

  @Test
  void aMemberThatStopsHeartbeatingIsRemovedAfterTheSessionTimeout() {
    ScriptedMember a = group.member("a", "orders");
    ScriptedMember b = group.member("b", "orders");
    a.join();
    b.join();
    group.advance(Duration.ofSeconds(30));
    a.heartbeat();
    group.advance(Duration.ofSeconds(15));

    Expired expired = group.expire();

    assertThat(expired.members()).containsOnlyKeys("b");
    a.heartbeat();
    a.heartbeat();
    assertThat(a.ownedCount()).isEqualTo(6);
  }

  @Test
  void aMemberThatDoesNotRevokeWithinItsRebalanceTimeoutIsRemovedAndItsPartitionsMove() {
    ScriptedMember a = group.member("a", "orders");
    ScriptedMember b = group.member("b", "orders");
    a.rebalanceTimeoutMs = 10_000;
    a.join();
    b.join();
    a.heartbeatWithoutRevoking();
    for (int i = 0; i < 3; i++) {
      group.advance(Duration.ofSeconds(3));
      a.heartbeatWithoutRevoking();
      b.heartbeat();
      assertThat(group.expire().members()).isEmpty();
      assertThat(b.ownedCount()).isZero();
    }
    group.advance(Duration.ofSeconds(1));

    assertThat(group.expire().members()).containsEntry("a", "revocation");
    b.heartbeat();
    assertThat(b.ownedCount()).isEqualTo(6);
    assertThat(a.heartbeat().error()).isEqualTo(GroupError.UNKNOWN_MEMBER_ID);
  }

  @Test
  void aCoordinatorThatLoadsTheGroupGivesEveryMemberAFullSession() {
    group.member("a", "orders").join();
    group.advance(Duration.ofSeconds(40));
    GroupHarness loaded = new GroupHarness(topic("orders", 6));
    group.log.forEach(loaded.machine::replay);
    loaded.clock.advance(Duration.ofMillis(group.clock.millis() - loaded.clock.millis()));

    assertThat(loaded.expire().members()).isEmpty();
    loaded.advance(Duration.ofSeconds(44));
    assertThat(loaded.expire().members()).isEmpty();
    loaded.advance(Duration.ofSeconds(1));
    assertThat(loaded.expire().members()).containsOnlyKeys("a");
  }
}
