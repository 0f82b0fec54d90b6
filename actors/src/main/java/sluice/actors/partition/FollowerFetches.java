package sluice.actors.partition;

import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.partition.PartitionLeader.Diverging;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.actors.partition.PartitionLeader.ReplicaFetchReply;
import sluice.storage.log.EpochEndOffset;

/**
 * A partition leader's answers to its followers' {@link ReplicaFetch}es (Kafka's fetch from a
 * replica, KIP-101/KIP-320): the checks in Kafka's order (limits, a follower of the partition, the
 * current leader epoch, the follower's last fetched epoch against the leader's epochs, the offset
 * range), then the batches from the fetch offset up to the <em>confirmed</em> log end offset (a
 * write in flight may still fail), read on the fetch dispatcher; at the log end the fetch parks in
 * the partition's {@link FetchPurgatory} until the next write or its {@code maxWaitMs}.
 *
 * <p>Not thread-safe: the leader calls it from its command handlers, between writes; the reads on
 * the fetch dispatcher touch only the log and values captured before.
 */
final class FollowerFetches {

  private final PartitionContext partition;
  private final ReplicaTracker replicas;
  private final FetchPurgatory purgatory;

  FollowerFetches(PartitionContext partition, ReplicaTracker replicas, FetchPurgatory purgatory) {
    this.partition = partition;
    this.replicas = replicas;
    this.purgatory = purgatory;
  }

  /**
   * Answers {@code fetch} if it is refused or its follower's log diverges, and returns false; true
   * if its fetch offset is the follower's log end offset, to be counted and served.
   */
  boolean admit(ReplicaFetch fetch, long logEndOffset, int leaderEpoch) {
    ApiError error = check(fetch, leaderEpoch);
    Diverging diverging = null;
    if (error == null && fetch.lastFetchedEpoch() >= 0) {
      diverging = divergence(fetch, logEndOffset);
    }
    if (error == null && diverging == null) {
      error =
          FetchValidation.range(
              partition.topicPartition(),
              fetch.fetchOffset(),
              partition.log().logStartOffset(),
              logEndOffset);
    }
    if (error == null && diverging == null) {
      return true;
    }
    fetch.replyTo().tell(reply(new byte[0], logEndOffset, diverging, error));
    return false;
  }

  /** Serves an admitted fetch, or parks it at the log end. */
  void serveOrPark(ReplicaFetch fetch, long logEndOffset) {
    if (fetch.fetchOffset() == logEndOffset && fetch.maxWaitMs() > 0) {
      purgatory.park(new Parked(fetch), fetch.maxWaitMs());
      return;
    }
    serve(fetch, logEndOffset);
  }

  /**
   * A new leader epoch began: parked follower fetches, of the older epoch, are answered with what
   * {@link #check} says of them now.
   */
  void fenceParked(long logEndOffset, int leaderEpoch) {
    for (FetchPurgatory.DelayedFetch parked : purgatory.take(f -> f instanceof Parked)) {
      ReplicaFetch fetch = ((Parked) parked).fetch;
      fetch.replyTo().tell(reply(new byte[0], logEndOffset, null, check(fetch, leaderEpoch)));
    }
  }

  /** Why {@code fetch} is refused before its offsets are looked at, or null. */
  private ApiError check(ReplicaFetch fetch, int leaderEpoch) {
    ApiError limits =
        FetchValidation.limits("A replica fetch", fetch.maxBytes(), fetch.maxWaitMs());
    if (limits != null) {
      return limits;
    }
    String topicPartition = partition.topicPartition();
    if (!replicas.isFollower(fetch.replicaId())) {
      return ApiError.of(
          ErrorCode.NOT_LEADER_OR_FOLLOWER,
          "Broker %d is not a follower of %s: its replicas are %s, led by broker %d",
          fetch.replicaId(),
          topicPartition,
          replicas.replicas(),
          partition.settings().brokerId());
    }
    if (fetch.currentLeaderEpoch() < leaderEpoch) {
      return ApiError.of(
          ErrorCode.FENCED_LEADER_EPOCH,
          "Broker %d fetched %s in leader epoch %d, but the current leader epoch is %d",
          fetch.replicaId(),
          topicPartition,
          fetch.currentLeaderEpoch(),
          leaderEpoch);
    }
    if (fetch.currentLeaderEpoch() > leaderEpoch) {
      return ApiError.of(
          ErrorCode.UNKNOWN_LEADER_EPOCH,
          "Broker %d fetched %s in leader epoch %d, which this leader (epoch %d) does not know"
              + " yet",
          fetch.replicaId(),
          topicPartition,
          fetch.currentLeaderEpoch(),
          leaderEpoch);
    }
    return null;
  }

  /**
   * Where the follower's log leaves the leader's, or null if it does not: the leader's largest
   * epoch at or below the follower's last fetched epoch and where it ends here, when that is
   * another epoch or ends before the follower's log end offset. The end is capped to the confirmed
   * log end offset: a write in flight may still fail.
   */
  private Diverging divergence(ReplicaFetch fetch, long logEndOffset) {
    EpochEndOffset answer = partition.log().endOffsetForEpoch(fetch.lastFetchedEpoch());
    if (answer.isUndefined()) {
      return new Diverging(EpochEndOffset.UNDEFINED_EPOCH, EpochEndOffset.UNDEFINED_EPOCH_OFFSET);
    }
    long end = Math.min(answer.endOffset(), logEndOffset);
    if (answer.epoch() != fetch.lastFetchedEpoch() || end < fetch.fetchOffset()) {
      return new Diverging(answer.epoch(), end);
    }
    return null;
  }

  private ReplicaFetchReply reply(
      byte[] batches, long logEndOffset, Diverging diverging, ApiError error) {
    var log = partition.log();
    return new ReplicaFetchReply(
        batches, log.highWatermark(), log.logStartOffset(), logEndOffset, diverging, error);
  }

  /** A follower's fetch waiting at the log end for the next write. */
  private final class Parked implements FetchPurgatory.DelayedFetch {
    private final ReplicaFetch fetch;

    Parked(ReplicaFetch fetch) {
      this.fetch = fetch;
    }

    @Override
    public boolean canComplete(long highWatermark, long logEndOffset) {
      return fetch.fetchOffset() < logEndOffset;
    }

    @Override
    public void complete(long highWatermark, long logEndOffset) {
      serve(fetch, logEndOffset);
    }

    @Override
    public void abort(ApiError error) {
      fetch.replyTo().tell(ReplicaFetchReply.failed(error));
    }
  }

  /** Answers with the batches from the fetch offset up to the confirmed log end offset. */
  private void serve(ReplicaFetch fetch, long logEnd) {
    if (fetch.fetchOffset() >= logEnd) {
      fetch.replyTo().tell(reply(new byte[0], logEnd, null, null));
      return;
    }
    long highWatermark = partition.log().highWatermark();
    partition
        .fetchExecutor()
        .execute(() -> fetch.replyTo().tell(read(fetch, highWatermark, logEnd)));
  }

  /** Reads for {@link #serve}; runs on the fetch dispatcher, touching no actor state. */
  private ReplicaFetchReply read(ReplicaFetch fetch, long highWatermark, long logEnd) {
    var log = partition.log();
    LogRead read =
        LogRead.of(
            log,
            partition.topicPartition(),
            fetch.fetchOffset(),
            Math.min(fetch.maxBytes(), partition.settings().fetchMaxBytes()),
            logEnd,
            logEnd);
    return new ReplicaFetchReply(
        read.error() == null ? read.batches() : new byte[0],
        highWatermark,
        log.logStartOffset(),
        logEnd,
        null,
        read.error());
  }
}
