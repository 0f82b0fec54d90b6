package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.TestInbox;
import akka.actor.typed.ActorRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.actors.lease.WriteLease;
import sluice.actors.replica.PartitionFollower.Truncation;
import sluice.actors.replica.PartitionFollower.TruncationNeeded;
import sluice.actors.replica.ReplicaSlot.DeleteLog;
import sluice.actors.replica.ReplicaSlot.FollowerExit;
import sluice.actors.replica.ReplicaSlot.Forget;
import sluice.actors.replica.ReplicaSlot.Grant;
import sluice.actors.replica.ReplicaSlot.StartFollower;
import sluice.actors.replica.ReplicaSlot.Step;
import sluice.actors.replica.ReplicaSlot.StopFollower;
import sluice.actors.replica.ReplicaSlot.UpdateConfigs;

/** The per-partition rule of the replica manager, without actors; this broker is broker 2. */
class ReplicaSlotTest {
  private static final int SELF = 2;

  private final ReplicaSlot slot = new ReplicaSlot();

  private static WantedReplica wanted(String topicId, int leader, int epoch) {
    return new WantedReplica("t", 0, topicId, leader, epoch, Map.of());
  }

  private static <T> ActorRef<T> ref() {
    return TestInbox.<T>create().getRef();
  }

  private static WriteLease.Acquire acquire(ActorRef<?> holder) {
    return new WriteLease.Acquire("t-0", holder, ref());
  }

  /** Starts a follower of {@code wanted} as the manager would; returns it. */
  private ActorRef<PartitionFollower.Command> follow(WantedReplica wanted) {
    assertThat(slot.reconcile(wanted, SELF)).containsExactly(new StartFollower(wanted, null));
    ActorRef<PartitionFollower.Command> follower = ref();
    slot.followerStarted(follower, wanted);
    assertThat(slot.reconcile(wanted, SELF)).isEmpty();
    return follower;
  }

  @Test
  void aFollowerRunsOnlyWhenAnotherLiveBrokerLeads() {
    assertThat(slot.reconcile(wanted("a", SELF, 1), SELF)).isEmpty();
    assertThat(slot.reconcile(wanted("a", -1, 1), SELF)).isEmpty();
    follow(wanted("a", 1, 1));
  }

  @Test
  void aNewLeaderEpochStopsTheFollowerAndStartsOneForItOnceTheOldHasTerminated() {
    ActorRef<PartitionFollower.Command> old = follow(wanted("a", 1, 1));
    WantedReplica next = wanted("a", 3, 2);

    assertThat(slot.reconcile(next, SELF)).containsExactly(new StopFollower(old));
    assertThat(slot.reconcile(next, SELF)).as("stopping already").isEmpty();
    assertThat(slot.followerTerminated(old)).isEqualTo(FollowerExit.STOPPED);
    assertThat(slot.reconcile(next, SELF)).containsExactly(new StartFollower(next, null));
  }

  @Test
  void aLeaseIsGrantedOnlyAfterTheFollowerHasTerminated() {
    WantedReplica wanted = wanted("a", 1, 1);
    ActorRef<PartitionFollower.Command> follower = follow(wanted);
    WriteLease.Acquire leader = acquire(ref());

    assertThat(slot.acquire(leader)).isFalse();
    assertThat(slot.reconcile(wanted, SELF)).containsExactly(new StopFollower(follower));
    assertThat(slot.reconcile(wanted, SELF)).isEmpty();
    assertThat(slot.followerTerminated(follower)).isEqualTo(FollowerExit.STOPPED);
    assertThat(slot.reconcile(wanted, SELF)).containsExactly(new Grant(leader));
    assertThat(slot.acquire(new WriteLease.Acquire("t-0", leader.holder(), ref())))
        .as("the holder asking again")
        .isTrue();
  }

  @Test
  void noFollowerStartsWhileAnyHolderLivesWhateverTheMetadataSays() {
    WriteLease.Acquire first = acquire(ref());
    WriteLease.Acquire second = acquire(ref());
    assertThat(slot.acquire(first)).isFalse();
    assertThat(slot.reconcile(wanted("a", SELF, 1), SELF)).containsExactly(new Grant(first));
    assertThat(slot.acquire(second)).isFalse();

    WantedReplica follow = wanted("a", 1, 2);
    assertThat(slot.reconcile(follow, SELF)).isEmpty();
    assertThat(slot.holderTerminated(second.holder())).as("not the holder").isFalse();
    assertThat(slot.holderTerminated(first.holder())).isTrue();
    assertThat(slot.reconcile(follow, SELF)).containsExactly(new Grant(second));
    assertThat(slot.reconcile(follow, SELF)).isEmpty();
    assertThat(slot.holderTerminated(second.holder())).isTrue();
    assertThat(slot.reconcile(follow, SELF)).containsExactly(new StartFollower(follow, null));
  }

  @Test
  void aCutIsCarriedByTheNextFollowerOfTheSameAssignmentOnly() {
    WantedReplica wanted = wanted("a", 1, 1);
    ActorRef<PartitionFollower.Command> follower = follow(wanted);
    Truncation cut = new Truncation(wanted.assignment(), 3, false, "diverged");

    assertThat(slot.cutRequested(new TruncationNeeded(cut, ref())))
        .as("another follower")
        .isEmpty();
    assertThat(slot.cutRequested(new TruncationNeeded(cut, follower)))
        .containsExactly(new StopFollower(follower));
    assertThat(slot.cutRequested(new TruncationNeeded(cut, follower))).as("stopping").isEmpty();
    slot.followerTerminated(follower);
    assertThat(slot.reconcile(wanted, SELF)).containsExactly(new StartFollower(wanted, cut));

    ActorRef<PartitionFollower.Command> next = ref();
    slot.followerStarted(next, wanted);
    slot.cutRequested(new TruncationNeeded(cut, next));
    slot.followerTerminated(next);
    WantedReplica newEpoch = wanted("a", 1, 2);
    assertThat(slot.reconcile(newEpoch, SELF)).containsExactly(new StartFollower(newEpoch, null));
  }

  @Test
  void aLeaseDropsAWaitingCut() {
    WantedReplica wanted = wanted("a", 1, 1);
    ActorRef<PartitionFollower.Command> follower = follow(wanted);
    slot.cutRequested(
        new TruncationNeeded(new Truncation(wanted.assignment(), 3, false, "x"), follower));
    slot.followerTerminated(follower);
    WriteLease.Acquire leader = acquire(ref());
    slot.acquire(leader);
    assertThat(slot.reconcile(wanted, SELF)).containsExactly(new Grant(leader));
    slot.holderTerminated(leader.holder());

    assertThat(slot.reconcile(wanted, SELF)).containsExactly(new StartFollower(wanted, null));
  }

  @Test
  void aCorruptBatchTheHolderFoundIsCutByTheNextFollowerWhateverItFollows() {
    WriteLease.Acquire leader = acquire(ref());
    assertThat(slot.acquire(leader)).isFalse();
    assertThat(slot.reconcile(wanted("a", SELF, 1), SELF)).containsExactly(new Grant(leader));
    assertThat(slot.cutBeforeFollowing(new WriteLease.CutBeforeFollowing("t-0", ref(), 3, "x")))
        .as("not the holder")
        .isFalse();
    assertThat(
            slot.cutBeforeFollowing(
                new WriteLease.CutBeforeFollowing("t-0", leader.holder(), 7, "crc")))
        .isTrue();
    assertThat(
            slot.cutBeforeFollowing(
                new WriteLease.CutBeforeFollowing("t-0", leader.holder(), 5, "crc")))
        .isTrue();
    WantedReplica moved = wanted("a", 3, 2);
    assertThat(slot.reconcile(moved, SELF)).as("the holder lives").isEmpty();
    assertThat(slot.holderTerminated(leader.holder())).isTrue();

    List<Step> steps = slot.reconcile(moved, SELF);
    assertThat(steps).hasSize(1);
    Truncation cut = ((StartFollower) steps.get(0)).truncation();
    assertThat(cut.assignment()).isEqualTo(moved.assignment());
    assertThat(cut.offset()).as("the lower of the two").isEqualTo(5);
    assertThat(cut.startOver()).isFalse();
    assertThat(cut.reason()).contains("corrupt", "crc");

    slot.followerStarted(ref(), moved);
    assertThat(slot.followerTerminated(ref())).isEqualTo(FollowerExit.NOT_MINE);
  }

  @Test
  void aFollowersOwnLowerCutWinsOverTheCorruptBatchsCut() {
    WriteLease.Acquire leader = acquire(ref());
    slot.acquire(leader);
    slot.reconcile(wanted("a", SELF, 1), SELF);
    slot.cutBeforeFollowing(new WriteLease.CutBeforeFollowing("t-0", leader.holder(), 5, "crc"));
    slot.holderTerminated(leader.holder());
    WantedReplica moved = wanted("a", 3, 2);
    List<Step> first = slot.reconcile(moved, SELF);
    ActorRef<PartitionFollower.Command> follower = ref();
    slot.followerStarted(follower, moved);
    assertThat(((StartFollower) first.get(0)).truncation().offset()).isEqualTo(5);

    Truncation lower = new Truncation(moved.assignment(), 2, false, "diverged");
    assertThat(slot.cutRequested(new TruncationNeeded(lower, follower)))
        .containsExactly(new StopFollower(follower));
    slot.followerTerminated(follower);
    assertThat(slot.reconcile(moved, SELF)).containsExactly(new StartFollower(moved, lower));
  }

  @Test
  void aFollowerThatStoppedOnItsOwnIsStartedAgainOnlyAfterThePause() {
    WantedReplica wanted = wanted("a", 1, 1);
    ActorRef<PartitionFollower.Command> follower = follow(wanted);

    assertThat(slot.followerTerminated(ref())).isEqualTo(FollowerExit.NOT_MINE);
    assertThat(slot.followerTerminated(follower)).isEqualTo(FollowerExit.STOPPED_ON_ITS_OWN);
    assertThat(slot.reconcile(wanted, SELF)).isEmpty();
    slot.restartDue();
    assertThat(slot.reconcile(wanted, SELF)).containsExactly(new StartFollower(wanted, null));
  }

  @Test
  void aBrokerNoLongerAReplicaDeletesItsLogOnceItsFollowerHasTerminated() {
    ActorRef<PartitionFollower.Command> follower = follow(wanted("a", 1, 1));

    assertThat(slot.reconcile(null, SELF)).containsExactly(new StopFollower(follower));
    slot.followerTerminated(follower);
    List<Step> steps = slot.reconcile(null, SELF);

    assertThat(steps).hasSize(2);
    assertThat(steps.get(0)).isInstanceOf(DeleteLog.class);
    assertThat(((DeleteLog) steps.get(0)).reason()).contains("no longer holds a replica");
    assertThat(steps.get(1)).isEqualTo(new Forget());
  }

  @Test
  void aTopicCreatedAgainReplacesTheLogAndAnOfflineOneKeepsIt() {
    ActorRef<PartitionFollower.Command> follower = follow(wanted("a", 1, 1));
    assertThat(slot.reconcile(wanted("a", -1, 2), SELF))
        .containsExactly(new StopFollower(follower));
    slot.followerTerminated(follower);
    assertThat(slot.reconcile(wanted("a", -1, 2), SELF)).as("offline: the log is kept").isEmpty();

    WantedReplica again = wanted("b", 1, 0);
    List<Step> steps = slot.reconcile(again, SELF);

    assertThat(steps).hasSize(2);
    assertThat(((DeleteLog) steps.get(0)).reason()).contains("created again");
    assertThat(steps.get(1)).isEqualTo(new StartFollower(again, null));
  }

  @Test
  void aLeaseOnALogThisBrokerNeverReplicatedDeletesNothing() {
    WriteLease.Acquire leader = acquire(ref());
    slot.acquire(leader);
    assertThat(slot.reconcile(null, SELF)).containsExactly(new Grant(leader));
    slot.holderTerminated(leader.holder());

    assertThat(slot.reconcile(null, SELF)).containsExactly(new Forget());
  }

  @Test
  void newTopicConfigsGoToTheRunningFollowerOnce() {
    follow(wanted("a", 1, 1));
    WantedReplica changed = new WantedReplica("t", 0, "a", 1, 1, Map.of("retention.ms", "1"));

    assertThat(slot.reconcile(changed, SELF))
        .containsExactly(new UpdateConfigs(Map.of("retention.ms", "1")));
    assertThat(slot.reconcile(changed, SELF)).isEmpty();
  }
}
