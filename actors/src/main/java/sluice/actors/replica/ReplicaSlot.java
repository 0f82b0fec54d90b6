package sluice.actors.replica;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sluice.actors.lease.WriteLease;
import sluice.actors.replica.PartitionFollower.Assignment;
import sluice.actors.replica.PartitionFollower.Truncation;
import sluice.actors.replica.PartitionFollower.TruncationNeeded;

/**
 * What this broker does with one partition log, and the rule that keeps it in line with the
 * metadata and the write lease: which follower runs, who holds the lease, which leaders wait for
 * it, and a cut waiting for the next follower. The {@link ReplicaManager} keeps one per partition
 * it has business with, tells it what happened, and carries out the {@link Step}s it returns;
 * nothing here sends a message or touches a file, so the rule is tested without actors.
 *
 * <p>Invariants: at most one writer, a follower or a lease holder, and never both; a follower being
 * stopped is still the writer until it has terminated; a lease is granted only when no follower
 * runs; a cut is applied only by a follower of the assignment it was decided under.
 *
 * <p>Not thread-safe: owned by the manager's actor.
 */
final class ReplicaSlot {

  /** Something the manager does for this slot. */
  sealed interface Step {}

  /** Tell the follower to stop; it stays the writer until it has terminated. */
  record StopFollower(ActorRef<PartitionFollower.Command> follower) implements Step {}

  /** Give the running follower's log these topic configs. */
  record UpdateConfigs(Map<String, String> configs) implements Step {}

  /** Grant the lease: watch the holder and answer. */
  record Grant(WriteLease.Acquire acquire) implements Step {}

  /** Delete the partition's log on this broker; {@code reason} is logged. */
  record DeleteLog(String reason) implements Step {}

  /**
   * Start a follower of {@code wanted}, cutting its log first as {@code truncation} says (or null);
   * report it with {@link #followerStarted}.
   */
  record StartFollower(WantedReplica wanted, Truncation truncation) implements Step {}

  /** The slot holds nothing any more: drop it. */
  record Forget() implements Step {}

  /** How a follower of this slot ended. */
  enum FollowerExit {
    /** Not this slot's follower (an older one): nothing changes. */
    NOT_MINE,
    /** Stopped when asked. */
    STOPPED,
    /** Stopped on its own (its log could not be opened or written): restart after a pause. */
    STOPPED_ON_ITS_OWN
  }

  /** The topic id of the log this broker keeps, null if none (or only a leader's). */
  private String topicId;

  private ActorRef<PartitionFollower.Command> follower;
  private Assignment following;
  private Map<String, String> followingConfigs;
  private boolean stopping;
  private Truncation truncation;
  private boolean backingOff;
  private ActorRef<?> holder;
  private final List<WriteLease.Acquire> waiting = new ArrayList<>();

  /** A corrupt batch's offset the next follower cuts the log at, whatever it follows; or null. */
  private WriteLease.CutBeforeFollowing corruptCut;

  /**
   * A leader asks for the lease: true if it holds it already (answer at once), else it waits its
   * turn (reconcile next).
   */
  boolean acquire(WriteLease.Acquire acquire) {
    if (acquire.holder().equals(holder)) {
      return true;
    }
    waiting.add(acquire);
    return false;
  }

  /**
   * The lease holder found a corrupt batch in the log: the next follower cuts there first. Ignored
   * from anyone but the holder; of two, the lower offset is kept.
   *
   * @return whether it was kept
   */
  boolean cutBeforeFollowing(WriteLease.CutBeforeFollowing cut) {
    if (holder == null || !holder.equals(cut.holder())) {
      return false;
    }
    if (corruptCut == null || cut.offset() < corruptCut.offset()) {
      corruptCut = cut;
    }
    return true;
  }

  /** The follower {@code terminated} is gone (reconcile next unless {@code NOT_MINE}). */
  FollowerExit followerTerminated(ActorRef<PartitionFollower.Command> terminated) {
    if (!terminated.equals(follower)) {
      return FollowerExit.NOT_MINE;
    }
    follower = null;
    following = null;
    FollowerExit exit = stopping ? FollowerExit.STOPPED : FollowerExit.STOPPED_ON_ITS_OWN;
    backingOff |= exit == FollowerExit.STOPPED_ON_ITS_OWN;
    stopping = false;
    return exit;
  }

  /** A pause after a follower stopped on its own is over (reconcile next). */
  void restartDue() {
    backingOff = false;
  }

  /** Whether {@code terminated} held the lease, which is free now (reconcile next if so). */
  boolean holderTerminated(ActorRef<?> terminated) {
    if (!terminated.equals(holder)) {
      return false;
    }
    holder = null;
    return true;
  }

  /** The follower asks for a cut: it is stopped, and its successor applies the cut. */
  List<Step> cutRequested(TruncationNeeded needed) {
    if (!needed.follower().equals(follower) || stopping) {
      return List.of();
    }
    truncation = needed.truncation();
    return List.of(stopFollower());
  }

  /** A follower started for {@code wanted}, carrying the truncation {@link StartFollower} named. */
  void followerStarted(ActorRef<PartitionFollower.Command> started, WantedReplica wanted) {
    follower = started;
    following = wanted.assignment();
    followingConfigs = wanted.configs();
    truncation = null;
    corruptCut = null;
  }

  /**
   * The steps that bring this partition in line with {@code wanted} (null: the metadata gives this
   * broker no replica of it) and the lease: a follower stops when it follows something else or a
   * leader waits for the lease; with no follower, the lease goes to the next waiting leader; with
   * no leader either, a log of a topic this broker no longer replicates is deleted, and a follower
   * starts if the metadata asks for one.
   */
  List<Step> reconcile(WantedReplica wanted, int brokerId) {
    List<Step> steps = new ArrayList<>();
    if (follower != null) {
      if (!stopping
          && (!waiting.isEmpty()
              || wanted == null
              || !wanted.followedBy(brokerId)
              || !wanted.assignment().equals(following))) {
        steps.add(stopFollower());
      } else if (!stopping && !wanted.configs().equals(followingConfigs)) {
        steps.add(new UpdateConfigs(wanted.configs()));
        followingConfigs = wanted.configs();
      }
      return steps;
    }
    if (holder == null && !waiting.isEmpty()) {
      WriteLease.Acquire next = waiting.remove(0);
      holder = next.holder();
      steps.add(new Grant(next));
    }
    if (holder != null) {
      // The leader keeps its own log; it deletes it itself when its topic is deleted.
      if (wanted != null) {
        topicId = wanted.topicId();
      }
      truncation = null;
      return steps;
    }
    if (topicId != null && (wanted == null || !topicId.equals(wanted.topicId()))) {
      steps.add(
          new DeleteLog(
              wanted == null
                  ? "this broker no longer holds a replica of it"
                  : "its topic was created again"));
      topicId = null;
      truncation = null;
      corruptCut = null;
    }
    if (wanted == null) {
      steps.add(new Forget());
      return steps;
    }
    topicId = wanted.topicId();
    if (wanted.followedBy(brokerId) && !backingOff) {
      Assignment assignment = wanted.assignment();
      steps.add(
          new StartFollower(
              wanted,
              withCorruptCut(
                  assignment,
                  truncation != null && truncation.assignment().equals(assignment)
                      ? truncation
                      : null)));
    }
    return steps;
  }

  /** {@code truncation}, or the corrupt batch's cut if there is one and it is lower. */
  private Truncation withCorruptCut(Assignment assignment, Truncation truncation) {
    if (corruptCut == null
        || (truncation != null
            && (truncation.startOver() || truncation.offset() <= corruptCut.offset()))) {
      return truncation;
    }
    return new Truncation(
        assignment,
        corruptCut.offset(),
        false,
        "the batch at offset " + corruptCut.offset() + " is corrupt here: " + corruptCut.reason());
  }

  private StopFollower stopFollower() {
    stopping = true;
    return new StopFollower(follower);
  }
}
