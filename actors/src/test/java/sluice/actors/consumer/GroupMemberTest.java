package sluice.actors.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.consumer.InstanceHarness.NAMES;
import static sluice.actors.consumer.InstanceHarness.O0;
import static sluice.actors.consumer.InstanceHarness.O1;
import static sluice.actors.consumer.InstanceHarness.assignment;
import static sluice.actors.consumer.InstanceHarness.heartbeat;
import static sluice.actors.consumer.InstanceHarness.of;
import static sluice.actors.consumer.InstanceHarness.only;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.HeartbeatResponse;

class GroupMemberTest {
  private final InstanceHarness h = new InstanceHarness(InstanceHarness.config());
  private final ConsumerInstance instance = h.instance;

  @Test
  void subscribingJoinsWithItsOwnMemberIdAndOneHeartbeatIsInFlightAtATime() {
    HeartbeatRequest join = heartbeat(instance.subscribe(List.of("orders"), h.now).effects());

    assertThat(join.memberId()).isEqualTo("member-1");
    assertThat(join.memberEpoch()).isZero();
    assertThat(join.subscribedTopicNames()).containsExactly("orders");
    assertThat(join.rebalanceTimeoutMs()).isEqualTo(InstanceConfig.DEFAULT_MAX_POLL_INTERVAL_MS);
    assertThat(join.isFull()).isTrue();
    assertThat(instance.tick(h.now + 60_000)).isEmpty();

    List<Effect> ack = instance.heartbeatAnswered(assignment(1, 0, 1), NAMES, h.now);
    HeartbeatRequest owned = heartbeat(ack);
    assertThat(owned.memberEpoch()).isEqualTo(1);
    assertThat(owned.ownedPartitions()).isEqualTo(Map.of("id-orders", Set.of(0, 1)));
    assertThat(owned.subscribedTopicNames()).isNull();
    assertThat(instance.assignment()).containsExactly(O0, O1);

    instance.heartbeatAnswered(
        new HeartbeatResponse("member-1", 1, 5_000, null, null, null), NAMES, h.now);
    assertThat(instance.nextDeadline()).isEqualTo(h.now + 5_000);
    assertThat(instance.tick(h.now + 4_999)).isEmpty();
    assertThat(heartbeat(instance.tick(h.now + 5_000)).memberEpoch()).isEqualTo(1);
  }

  @Test
  void afterAHeartbeatWhoseAnswerCannotBeUsedTheNextIsFullSoTheAssignmentComesAgain() {
    h.joinedWith(0);
    instance.tick(h.now + 5_000);
    // the answer names a topic this broker cannot name yet: the entity reports it as a failure
    instance.heartbeatFailed(h.now + 5_000);

    HeartbeatRequest retry = heartbeat(instance.tick(h.now + 10_000));
    assertThat(retry.isFull()).isTrue();
    assertThat(retry.subscribedTopicNames()).containsExactly("orders");

    instance.heartbeatAnswered(
        new HeartbeatResponse("member-1", 1, 5_000, null, null, null), NAMES, h.now + 10_000);
    assertThat(heartbeat(instance.tick(h.now + 15_000)).isFull()).isFalse();
  }

  @Test
  void withAutoCommitARevokedPartitionIsCommittedBeforeTheRevocationIsAcknowledged() {
    h.joinedWith(0, 1);
    h.pollAndConsume(3);

    List<Effect> effects = instance.heartbeatAnswered(assignment(2, 0), NAMES, h.now);

    Effect.Commit commit = only(Effect.Commit.class, effects);
    assertThat(commit.request().offsets()).containsOnlyKeys(O1);
    assertThat(commit.request().offsets().get(O1).offset()).isEqualTo(3);
    assertThat(commit.request().memberEpoch()).isEqualTo(2);
    assertThat(commit.request().memberId()).isEqualTo("member-1");
    assertThat(instance.assignment()).contains(O1);
    assertThat(instance.poll(h.now, 100).fetches())
        .extracting(Effect.Fetch::partition)
        .containsExactly(O0);
    h.now += 5_000;
    for (Effect.Heartbeat beat : of(Effect.Heartbeat.class, instance.tick(h.now))) {
      assertThat(beat.request().ownedPartitions().get("id-orders")).contains(1);
    }

    List<Effect> after =
        instance.commitAnswered(commit.id(), InstanceHarness.acceptedAll(commit), h.now);

    assertThat(instance.assignment()).containsExactly(O0);
    instance.heartbeatFailed(h.now);
    assertThat(heartbeat(instance.tick(h.now + 5_000)).ownedPartitions())
        .isEqualTo(Map.of("id-orders", Set.of(0)));
    assertThat(instance.committed()).containsEntry(O1, 3L);
  }

  @Test
  void aRevocationIsAcknowledgedAtOnceWhenNothingIsLeftToCommit() {
    InstanceHarness manual = new InstanceHarness(InstanceHarness.config().withAutoCommit(false));
    manual.joinedWith(0, 1);
    manual.pollAndConsume(3);

    List<Effect> effects = manual.instance.heartbeatAnswered(assignment(2, 0), NAMES, manual.now);

    assertThat(of(Effect.Commit.class, effects)).isEmpty();
    assertThat(manual.instance.assignment()).containsExactly(O0);
    assertThat(heartbeat(effects).ownedPartitions()).isEqualTo(Map.of("id-orders", Set.of(0)));
  }

  @Test
  void aRevocationCommittedWhileAHeartbeatIsInFlightIsAcknowledgedAsSoonAsThatOneIsAnswered() {
    h.joinedWith(0, 1);
    h.pollAndConsume(3);
    Effect.Commit commit =
        only(Effect.Commit.class, instance.heartbeatAnswered(assignment(2, 0), NAMES, h.now));
    h.now += 5_000;
    HeartbeatRequest inFlight = heartbeat(instance.tick(h.now));
    assertThat(inFlight.ownedPartitions()).isEqualTo(Map.of("id-orders", Set.of(0, 1)));

    // the revocation is done, but a heartbeat is in flight: the acknowledgement must follow it
    assertThat(instance.commitAnswered(commit.id(), InstanceHarness.acceptedAll(commit), h.now))
        .isEmpty();
    List<Effect> answered =
        instance.heartbeatAnswered(
            new HeartbeatResponse("member-1", 2, 5_000, null, null, null), NAMES, h.now + 10);

    assertThat(heartbeat(answered).ownedPartitions()).isEqualTo(Map.of("id-orders", Set.of(0)));
  }

  @Test
  void aHeartbeatAnsweredWithNothingChangedLeavesTheNextOneForTheInterval() {
    h.joinedWith(0);
    instance.heartbeatAnswered(
        new HeartbeatResponse("member-1", 1, 5_000, null, null, null), NAMES, h.now);
    heartbeat(instance.tick(h.now + 5_000));

    assertThat(
            instance.heartbeatAnswered(
                new HeartbeatResponse("member-1", 1, 5_000, null, null, null),
                NAMES,
                h.now + 5_010))
        .isEmpty();
    assertThat(instance.nextDeadline()).isEqualTo(h.now + 10_010);
  }

  @Test
  void theCommittedOffsetsOfNewlyAssignedPartitionsAreLookedUpWithTheAssignmentNotAtTheNextPoll() {
    instance.subscribe(List.of("orders"), h.now);

    List<Effect> effects = instance.heartbeatAnswered(assignment(1, 0, 1), NAMES, h.now);

    assertThat(only(Effect.FetchCommitted.class, effects).partitions())
        .containsExactlyInAnyOrder(O0, O1);
    assertThat(of(Effect.FetchCommitted.class, instance.poll(h.now, 1_000).effects())).isEmpty();
    instance.committedFetched(Map.of(O0, 7L));
    Effect.ListOffsets reset =
        only(Effect.ListOffsets.class, instance.poll(h.now, 1_000).effects());
    assertThat(reset.partitions()).containsOnlyKeys(O1);
    assertThat(instance.position(O0)).contains(7L);
  }

  @Test
  void aFailedRevocationCommitStillGivesThePartitionBack() {
    h.joinedWith(0, 1);
    h.pollAndConsume(3);
    Effect.Commit commit =
        only(Effect.Commit.class, instance.heartbeatAnswered(assignment(2, 0), NAMES, h.now));

    instance.commitFailed(commit.id(), h.now);

    assertThat(instance.assignment()).containsExactly(O0);
    assertThat(instance.committed()).doesNotContainEntry(O1, 3L);
  }

  @Test
  void autoCommitCommitsWhatThePreviousPollsReturnedAtMostEveryInterval() {
    h.joinedWith(0);
    h.pollAndConsume(4);
    h.now += 1_000;
    assertThat(of(Effect.Commit.class, h.pollAndConsume(2).effects())).isEmpty();

    h.now += InstanceConfig.DEFAULT_AUTO_COMMIT_INTERVAL_MS;
    PollPlan plan = h.pollAndConsume(10);

    Effect.Commit commit = only(Effect.Commit.class, plan.effects());
    assertThat(commit.request().offsets().get(O0).offset()).isEqualTo(6);
    instance.commitAnswered(commit.id(), InstanceHarness.acceptedAll(commit), h.now);
    assertThat(instance.position(O0)).contains(16L);

    h.now += InstanceConfig.DEFAULT_AUTO_COMMIT_INTERVAL_MS;
    assertThat(
            only(Effect.Commit.class, instance.poll(h.now, 10).effects())
                .request()
                .offsets()
                .get(O0)
                .offset())
        .isEqualTo(16);
    h.now += InstanceConfig.DEFAULT_AUTO_COMMIT_INTERVAL_MS;
    assertThat(of(Effect.Commit.class, instance.poll(h.now, 10).effects())).hasSize(1);
  }

  @Test
  void anInstanceNotPolledWithinMaxPollIntervalLeavesAndRejoinsWhenPolled() {
    h.joinedWith(0, 1);
    long interval = InstanceConfig.DEFAULT_MAX_POLL_INTERVAL_MS;
    instance.heartbeatAnswered(
        new HeartbeatResponse("member-1", 1, 5_000, null, null, null), NAMES, h.now);
    assertThat(
            instance.tick(h.now + interval).stream()
                .map(e -> ((Effect.Heartbeat) e).request().memberEpoch()))
        .doesNotContain(-1);

    HeartbeatRequest leave = heartbeat(instance.tick(h.now + interval + 1));

    assertThat(leave.memberEpoch()).isEqualTo(-1);
    assertThat(instance.inGroup()).isFalse();
    assertThat(instance.assignment()).isEmpty();
    assertThat(instance.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    assertThat(instance.heartbeatAnswered(assignment(3, 0, 1), NAMES, h.now + interval + 2))
        .isEmpty();
    assertThat(instance.assignment()).isEmpty();

    PollPlan poll = instance.poll(h.now + interval + 10, 100);

    HeartbeatRequest rejoin = heartbeat(poll.effects());
    assertThat(rejoin.memberEpoch()).isZero();
    assertThat(rejoin.memberId()).isEqualTo("member-1");
    assertThat(rejoin.subscribedTopicNames()).containsExactly("orders");
    assertThat(poll.fetches()).isEmpty();
  }

  @Test
  void aFencedMemberDropsItsPartitionsUncommittedAndJoinsAgainUnderTheSameId() {
    h.joinedWith(0, 1);
    h.pollAndConsume(3);

    List<Effect> effects =
        instance.heartbeatAnswered(
            new HeartbeatResponse("member-1", 1, 0, null, GroupError.FENCED_MEMBER_EPOCH, "fenced"),
            NAMES,
            h.now + 5_000);

    assertThat(of(Effect.Commit.class, effects)).isEmpty();
    assertThat(instance.assignment()).isEmpty();
    assertThat(heartbeat(effects).memberEpoch()).isZero();
    assertThat(heartbeat(effects).memberId()).isEqualTo("member-1");
  }

  @Test
  void unsubscribingWithAutoCommitCommitsThenLeaves() {
    h.joinedWith(0);
    h.pollAndConsume(3);

    Effect.Commit commit = only(Effect.Commit.class, instance.unsubscribe(h.now));
    assertThat(commit.request().memberEpoch()).isEqualTo(1);

    List<Effect> after =
        instance.commitAnswered(commit.id(), InstanceHarness.acceptedAll(commit), h.now);

    assertThat(heartbeat(after).memberEpoch()).isEqualTo(-1);
    assertThat(instance.inGroup()).isFalse();
    assertThat(instance.subscribePattern("ord.*", h.now).ok()).isTrue();
  }
}
