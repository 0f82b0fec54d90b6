package sluice.actors.partition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sluice.actors.metadata.PartitionAssignment;

/**
 * What a partition leader knows of its followers (Kafka's {@code Replica} state and the ISR rules
 * of its {@code Partition}): each follower's log end offset, learned from its fetch offset, and the
 * last time it was caught up; from these the high watermark candidate and the ISR changes to
 * propose.
 *
 * <p><b>Caught up</b> (Kafka's rule): a fetch whose offset reaches the leader's log end offset at
 * that moment makes the follower caught up now; a fetch whose offset reaches the leader's log end
 * offset as it was at the follower's previous fetch makes it caught up as of that previous fetch. A
 * follower whose log end offset equals the leader's is caught up regardless of time.
 *
 * <p><b>ISR</b>: the committed ISR is the one in the metadata; while a proposal that adds members
 * is outstanding, the <i>maximal</i> ISR (committed plus pending additions) counts for the high
 * watermark, so a member the controller may already have admitted is never left out of it.
 *
 * <p>Not thread-safe: owned by one partition leader. Times are milliseconds from the caller's
 * clock, passed in, so tests drive time by hand. Nothing is persisted: a new leader starts with
 * every in-sync follower caught up as of its start and every log end offset unknown (-1).
 */
final class ReplicaTracker {

  /** A follower's log end offset before its first fetch to this leader. */
  static final long UNKNOWN_OFFSET = -1;

  /** One follower's fetch state. */
  private static final class FollowerState {
    long logEndOffset = UNKNOWN_OFFSET;
    long lastCaughtUpTimeMs;
    long lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET;
    long lastFetchTimeMs;

    FollowerState(long lastCaughtUpTimeMs) {
      this.lastCaughtUpTimeMs = lastCaughtUpTimeMs;
    }
  }

  private final int leaderId;
  private final long replicaLagTimeMaxMs;
  private final Map<Integer, FollowerState> followers = new HashMap<>();
  private List<Integer> replicas;
  private List<Integer> isr;
  private List<Integer> pendingIsr;

  /**
   * @param leaderId this broker, the partition's leader
   * @param assignment the partition as the leader found it in the metadata
   * @param replicaLagTimeMaxMs how long an in-sync follower may stay behind before it is proposed
   *     out of the ISR
   * @param nowMs when this broker started leading
   * @throws IllegalArgumentException if the assignment does not name this broker as leader
   */
  ReplicaTracker(
      int leaderId, PartitionAssignment assignment, long replicaLagTimeMaxMs, long nowMs) {
    if (replicaLagTimeMaxMs <= 0) {
      throw new IllegalArgumentException(
          "The replica lag time must be positive, not " + replicaLagTimeMaxMs + " ms");
    }
    this.leaderId = leaderId;
    this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
    this.replicas = List.of();
    this.isr = List.of();
    reset(assignment, nowMs);
  }

  /**
   * Starts over for a new leader epoch (Kafka resets its follower states on every promotion): log
   * end offsets unknown, in-sync followers caught up as of {@code nowMs}, no pending proposal.
   */
  void reset(PartitionAssignment assignment, long nowMs) {
    followers.clear();
    pendingIsr = null;
    apply(assignment, nowMs);
  }

  /**
   * Takes the replicas and the committed ISR of {@code assignment} (same leader epoch, a newer
   * partition epoch), keeping what is known of followers that stay; clears any pending proposal. A
   * follower that left the ISR is proposed back only after its next fetch: the controller takes a
   * dead broker out at once, and its last fetch, seconds old, would put it straight back.
   */
  void apply(PartitionAssignment assignment, long nowMs) {
    if (assignment.leader() != leaderId) {
      throw new IllegalArgumentException(
          "Broker "
              + leaderId
              + " cannot track the replicas of partition "
              + assignment.partition()
              + ": broker "
              + assignment.leader()
              + " leads it");
    }
    List<Integer> left = new ArrayList<>(isr);
    left.removeAll(assignment.isr());
    replicas = List.copyOf(assignment.replicas());
    isr = List.copyOf(assignment.isr());
    pendingIsr = null;
    followers.keySet().retainAll(replicas);
    for (int replica : left) {
      FollowerState state = followers.get(replica);
      if (state != null) {
        state.lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET;
      }
    }
    for (int replica : replicas) {
      if (replica != leaderId) {
        followers.computeIfAbsent(replica, id -> new FollowerState(nowMs));
      }
    }
  }

  List<Integer> replicas() {
    return replicas;
  }

  /** The ISR as committed in the metadata. */
  List<Integer> isr() {
    return isr;
  }

  /** Whether an ISR change is outstanding at the controller. */
  boolean hasPendingIsr() {
    return pendingIsr != null;
  }

  /** Records that {@code newIsr} was proposed to the controller. */
  void proposed(List<Integer> newIsr) {
    pendingIsr = List.copyOf(newIsr);
  }

  /** The proposal failed or got no answer: the committed ISR alone counts again. */
  void proposalFailed() {
    pendingIsr = null;
  }

  /** The committed ISR plus the members a pending proposal would add (Kafka's maximal ISR). */
  Set<Integer> maximalIsr() {
    Set<Integer> result = new LinkedHashSet<>(isr);
    if (pendingIsr != null) {
      result.addAll(pendingIsr);
    }
    return result;
  }

  /** Whether {@code replicaId} is a replica of the partition other than the leader. */
  boolean isFollower(int replicaId) {
    return followers.containsKey(replicaId);
  }

  /**
   * A follower's log end offset as last fetched, {@link #UNKNOWN_OFFSET} before its first fetch.
   */
  long logEndOffset(int replicaId) {
    FollowerState state = followers.get(replicaId);
    return state == null ? UNKNOWN_OFFSET : state.logEndOffset;
  }

  /**
   * Records a follower's fetch from {@code fetchOffset} (its log end offset) while the leader's log
   * end offset is {@code leaderLogEndOffset}.
   *
   * @throws IllegalArgumentException if {@code replicaId} is not a follower
   */
  void onFetch(int replicaId, long fetchOffset, long leaderLogEndOffset, long nowMs) {
    FollowerState state = followers.get(replicaId);
    if (state == null) {
      throw new IllegalArgumentException(
          "Broker " + replicaId + " is not a follower; replicas are " + replicas);
    }
    if (fetchOffset >= leaderLogEndOffset) {
      state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, nowMs);
    } else if (fetchOffset >= state.lastFetchLeaderLogEndOffset
        && state.lastFetchLeaderLogEndOffset != UNKNOWN_OFFSET) {
      state.lastCaughtUpTimeMs = Math.max(state.lastCaughtUpTimeMs, state.lastFetchTimeMs);
    }
    state.logEndOffset = fetchOffset;
    state.lastFetchLeaderLogEndOffset = leaderLogEndOffset;
    state.lastFetchTimeMs = nowMs;
  }

  /**
   * The smallest log end offset over the maximal ISR, the leader's own ({@code leaderLogEndOffset})
   * included: what the high watermark may be. {@link #UNKNOWN_OFFSET} while an in-sync follower has
   * not fetched yet. The caller keeps its high watermark from going down.
   */
  long highWatermarkCandidate(long leaderLogEndOffset) {
    long result = leaderLogEndOffset;
    for (int member : maximalIsr()) {
      if (member != leaderId) {
        result = Math.min(result, logEndOffset(member));
      }
    }
    return result;
  }

  /**
   * Committed ISR members (never the leader) that are not caught up: behind the leader's log end
   * offset and not caught up for longer than the replica lag time.
   */
  List<Integer> outOfSync(long leaderLogEndOffset, long nowMs) {
    List<Integer> result = new ArrayList<>();
    for (int member : isr) {
      FollowerState state = followers.get(member);
      if (member == leaderId || state == null) {
        continue;
      }
      boolean caughtUp =
          state.logEndOffset == leaderLogEndOffset
              || nowMs - state.lastCaughtUpTimeMs <= replicaLagTimeMaxMs;
      if (!caughtUp) {
        result.add(member);
      }
    }
    return result;
  }

  /**
   * Followers outside the maximal ISR that may join it (Kafka's rule): their log end offset reached
   * the high watermark and the start offset of the leader's current epoch, as of a fetch within the
   * replica lag time (a broker that fetched once and died is not proposed again and again).
   */
  List<Integer> caughtUpOutsideIsr(long highWatermark, long leaderEpochStartOffset, long nowMs) {
    Set<Integer> maximal = maximalIsr();
    List<Integer> result = new ArrayList<>();
    for (int replica : replicas) {
      if (replica == leaderId || maximal.contains(replica)) {
        continue;
      }
      FollowerState state = followers.get(replica);
      long end = logEndOffset(replica);
      boolean fetchedLately =
          state != null
              && state.lastFetchLeaderLogEndOffset != UNKNOWN_OFFSET
              && nowMs - state.lastFetchTimeMs <= replicaLagTimeMaxMs;
      if (fetchedLately && end >= highWatermark && end >= leaderEpochStartOffset) {
        result.add(replica);
      }
    }
    return result;
  }
}
