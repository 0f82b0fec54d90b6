package sluice.actors.partition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.metadata.PartitionAssignment;

/**
 * Which ISR change a partition leader proposes to the controller, and when: at most one at a time,
 * none after the controller refused one as stale ({@code FENCED_LEADER_EPOCH}, {@code
 * INVALID_UPDATE_VERSION}) until newer metadata arrives. Out: the members behind the log end and
 * not caught up for longer than {@code replica-lag-time-max} (only at the periodic check); in: the
 * followers outside the ISR that reached the high watermark and the start of the leader's epoch and
 * fetched within that time, if they may join: not while their broker's registration names an
 * offline data directory (Kafka's leader checks a replica's eligibility the same way before it
 * proposes; the controller would refuse it). Time is the leader's clock; the sending is the
 * leader's ({@link LeaderReplication}).
 *
 * <p>Not thread-safe: owned by one partition leader.
 */
final class IsrProposals {

  private static final Logger LOG = LoggerFactory.getLogger(IsrProposals.class);

  private final PartitionContext partition;
  private final ReplicaTracker replicas;
  private final IntPredicate mayJoin;

  /** An ISR change is at the controller; at most one is. */
  private boolean inFlight;

  /** The controller refused an ISR change as stale: propose nothing until new metadata comes. */
  private boolean awaitingMetadata;

  /**
   * @param mayJoin whether a broker may join the ISR now (its data directory takes writes)
   */
  IsrProposals(PartitionContext partition, ReplicaTracker replicas, IntPredicate mayJoin) {
    this.partition = partition;
    this.replicas = replicas;
    this.mayJoin = mayJoin;
  }

  /**
   * The ISR to propose now, or null: none while one is outstanding or after a stale refusal; out
   * with the members not caught up (only when {@code shrink}), else in with the followers that
   * caught up.
   */
  List<Integer> next(long logEndOffset, long highWatermark, long epochStartOffset, boolean shrink) {
    if (inFlight || awaitingMetadata) {
      return null;
    }
    long now = partition.clock().millis();
    String topicPartition = partition.topicPartition();
    if (shrink) {
      List<Integer> outOfSync = replicas.outOfSync(logEndOffset, now);
      if (!outOfSync.isEmpty()) {
        List<Integer> newIsr = new ArrayList<>(replicas.isr());
        newIsr.removeAll(outOfSync);
        LOG.info(
            "Partition {} proposes removing {} from its ISR {}: not caught up for more than {} ms",
            topicPartition,
            outOfSync,
            replicas.isr(),
            partition.settings().replicaLagTimeMax().toMillis());
        return newIsr;
      }
    }
    List<Integer> caughtUp =
        replicas.caughtUpOutsideIsr(highWatermark, epochStartOffset, now).stream()
            .filter(mayJoin::test)
            .toList();
    if (caughtUp.isEmpty()) {
      return null;
    }
    List<Integer> newIsr = new ArrayList<>(replicas.isr());
    newIsr.addAll(caughtUp);
    LOG.info(
        "Partition {} proposes adding {} to its ISR {}: caught up with the high watermark {}",
        topicPartition,
        caughtUp,
        replicas.isr(),
        highWatermark);
    return newIsr;
  }

  /** {@code newIsr} went to the controller; its members count for the high watermark already. */
  void sent(List<Integer> newIsr) {
    inFlight = true;
    replicas.proposed(newIsr);
  }

  /**
   * The controller answered the proposal made in {@code proposedLeaderEpoch} and {@code
   * proposedPartitionEpoch}; this leader is now in {@code leaderEpoch} and {@code partitionEpoch}.
   * Returns the assignment to adopt (it names this broker, this leader epoch and a newer partition
   * epoch), or null: the proposal failed, and is made again at the next check unless it was stale.
   */
  PartitionAssignment answered(
      int proposedLeaderEpoch,
      int proposedPartitionEpoch,
      PartitionAssignment changed,
      ApiError error,
      int leaderEpoch,
      int partitionEpoch) {
    inFlight = false;
    if (changed != null
        && changed.leader() == partition.settings().brokerId()
        && changed.leaderEpoch() == leaderEpoch
        && changed.partitionEpoch() > partitionEpoch) {
      return changed;
    }
    replicas.proposalFailed();
    if (error != null) {
      ErrorCode code = error.code();
      boolean stale =
          code == ErrorCode.FENCED_LEADER_EPOCH || code == ErrorCode.INVALID_UPDATE_VERSION;
      // Unless newer metadata came while the proposal was out: then propose again from that.
      if (stale && proposedLeaderEpoch == leaderEpoch && proposedPartitionEpoch == partitionEpoch) {
        awaitingMetadata = true;
      }
      LOG.warn(
          "Partition {}: the controller refused an ISR change: {} {}",
          partition.topicPartition(),
          code,
          error.message());
    }
    return null;
  }

  /** Newer metadata arrived: proposals may be made again. */
  void newMetadata() {
    awaitingMetadata = false;
  }
}
