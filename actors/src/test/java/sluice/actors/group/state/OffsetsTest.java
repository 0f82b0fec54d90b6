package sluice.actors.group.state;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.group.state.GroupHarness.topic;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.state.OffsetCommitRequest.Offset;

class OffsetsTest {
  private final GroupHarness group = new GroupHarness(topic("orders", 2), topic("other", 1));
  private final TopicPartition orders0 = new TopicPartition("orders", 0);
  private final TopicPartition orders1 = new TopicPartition("orders", 1);

  private PartitionResults commit(String memberId, int epoch, Map<TopicPartition, Offset> offsets) {
    return group.apply(
        group.machine.commitOffsets(
            new OffsetCommitRequest("g", memberId, epoch, offsets), group.clock.millis()));
  }

  @Test
  void aMemberCommitsWhatItOwnsAndAFetchReturnsExactlyThat() {
    ScriptedMember a = group.member("a", "orders");
    a.join();

    PartitionResults r = commit("a", 1, Map.of(orders0, new Offset(42, 3, "m")));

    assertThat(r.accepted()).containsExactly(orders0);
    var fetched = group.machine.fetchOffsets(null);
    assertThat(fetched).containsOnlyKeys(orders0);
    assertThat(fetched.get(orders0).offset()).isEqualTo(42);
    assertThat(fetched.get(orders0).leaderEpoch()).isEqualTo(3);
    assertThat(fetched.get(orders0).commitTimestamp()).isEqualTo(group.clock.millis());
    assertThat(group.machine.fetchOffsets(Set.of(orders1))).isEmpty();
  }

  @Test
  void aStaleEpochAnUnknownMemberOrAPartitionNotOwnedIsRefusedAndWritesNothing() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    group.member("b", "orders").join();
    a.heartbeat();
    a.heartbeat();
    TopicPartition notOwned = a.owned.get("id-orders").contains(0) ? orders1 : orders0;
    group.log.clear();

    assertThat(commit("a", 1, Map.of(orders0, Offset.of(1))).errorOf(orders0))
        .isEqualTo(GroupError.STALE_MEMBER_EPOCH);
    assertThat(commit("zombie", 2, Map.of(orders0, Offset.of(1))).errorOf(orders0))
        .isEqualTo(GroupError.UNKNOWN_MEMBER_ID);
    assertThat(commit("a", 2, Map.of(notOwned, Offset.of(1))).errorOf(notOwned))
        .isEqualTo(GroupError.PARTITION_NOT_OWNED);
    assertThat(commit(null, -1, Map.of(orders0, Offset.of(1))).errorOf(orders0))
        .isEqualTo(GroupError.UNKNOWN_MEMBER_ID);
    assertThat(group.log).isEmpty();
  }

  @Test
  void aMemberMayCommitAPartitionItIsRevoking() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    group.member("b", "orders").join();
    a.heartbeatWithoutRevoking();

    PartitionResults r = commit("a", 1, Map.of(orders0, Offset.of(5), orders1, Offset.of(6)));

    assertThat(r.refused()).isEmpty();
  }

  @Test
  void aGroupWithoutMembersTakesCommitsFromAnyone() {
    PartitionResults r = commit(null, -1, Map.of(orders0, Offset.of(7)));

    assertThat(r.accepted()).containsExactly(orders0);
    assertThat(group.machine.state()).isEqualTo(GroupState.EMPTY);
  }

  @Test
  void metadataOverTheLimitOrANegativeOffsetIsRefusedPerPartition() {
    String big = "x".repeat(4097);
    PartitionResults r =
        commit(null, -1, Map.of(orders0, new Offset(1, -1, big), orders1, Offset.of(-1)));

    assertThat(r.errorOf(orders0)).isEqualTo(GroupError.OFFSET_METADATA_TOO_LARGE);
    assertThat(r.errorOf(orders1)).isEqualTo(GroupError.INVALID_REQUEST);
    assertThat(commit(null, -1, Map.of(orders0, new Offset(1, -1, "x".repeat(4096)))).accepted())
        .containsExactly(orders0);
  }

  @Test
  void offsetsOfASubscribedTopicCannotBeDeletedOthersCan() {
    commit(null, -1, Map.of(orders0, Offset.of(1), new TopicPartition("other", 0), Offset.of(2)));
    group.member("a", "orders").join();

    PartitionResults r =
        group.apply(group.machine.deleteOffsets(Set.of(orders0, new TopicPartition("other", 0))));

    assertThat(r.errorOf(orders0)).isEqualTo(GroupError.GROUP_SUBSCRIBED_TO_TOPIC);
    assertThat(r.accepted()).containsExactly(new TopicPartition("other", 0));
    assertThat(group.machine.fetchOffsets(null)).containsOnlyKeys(orders0);
  }

  @Test
  void offsetsExpireOnceTheGroupHasStayedEmptyForTheRetentionThenTheGroupGoes() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    commit("a", 1, Map.of(orders0, Offset.of(10)));
    a.leave();
    assertThat(group.expire().isEmpty()).isTrue();

    group.advance(Duration.ofDays(7).minusMillis(1));
    assertThat(group.expire().isEmpty()).isTrue();
    assertThat(group.machine.fetchOffsets(null)).containsOnlyKeys(orders0);

    group.advance(Duration.ofMillis(1));
    Expired expired = group.expire();
    assertThat(expired.offsets()).containsExactly(orders0);
    assertThat(expired.groupDeleted()).isTrue();
    assertThat(group.machine.fetchOffsets(null)).isEmpty();
    assertThat(group.machine.state()).isEqualTo(GroupState.DEAD);
  }

  @Test
  void aGroupWithMembersKeepsItsOffsetsHoweverOld() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    commit("a", 1, Map.of(orders0, Offset.of(10)));
    for (int day = 0; day < 8; day++) {
      group.advance(Duration.ofDays(1));
      a.heartbeat();
      assertThat(group.expire().isEmpty()).isTrue();
    }
    assertThat(group.machine.fetchOffsets(null)).containsOnlyKeys(orders0);
  }

  @Test
  void deletingAGroupNeedsItEmptyAndWritesOffsetsThenMembershipTombstones() {
    ScriptedMember a = group.member("a", "orders");
    a.join();
    commit("a", 1, Map.of(orders0, Offset.of(10)));

    assertThat(group.apply(group.machine.delete()).error()).isEqualTo(GroupError.NON_EMPTY_GROUP);
    a.leave();
    group.log.clear();
    assertThat(group.apply(group.machine.delete())).isNull();

    assertThat(MembershipTest.types(group.log)).containsExactly(1, 6, 4, 3);
    assertThat(group.log).allMatch(GroupRecord::isTombstone);
    assertThat(group.machine.state()).isEqualTo(GroupState.DEAD);
    assertThat(group.apply(group.machine.delete()).error())
        .isEqualTo(GroupError.GROUP_ID_NOT_FOUND);
  }

  @Test
  void describeShowsStateEpochsAssignorAndMembers() {
    group.member("a", "orders").join();

    GroupDescription d = group.machine.describe();

    assertThat(d.state()).isEqualTo(GroupState.STABLE);
    assertThat(d.groupEpoch()).isEqualTo(1);
    assertThat(d.assignmentEpoch()).isEqualTo(1);
    assertThat(d.assignor()).isEqualTo("uniform");
    assertThat(d.members())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.clientId()).isEqualTo("client-a");
              assertThat(m.clientHost()).isEqualTo("/10.0.0.1");
              assertThat(m.assignment()).isEqualTo(Map.of("id-orders", Set.of(0, 1)));
            });
    assertThat(d.topicNames()).containsEntry("id-orders", "orders");
  }
}
