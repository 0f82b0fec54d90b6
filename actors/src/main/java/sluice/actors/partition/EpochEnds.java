package sluice.actors.partition;

import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.partition.PartitionLeader.EpochEnd;
import sluice.actors.partition.PartitionLeader.EpochEndReply;
import sluice.storage.log.EpochEndOffset;

/**
 * A partition leader's answers to {@link EpochEnd}: the asker's current epoch checked as a
 * follower's fetch checks it, then the log's leader-epoch cache asked, the end capped at the
 * confirmed log end offset (a write in flight may still fail). Stateless; the leader calls it from
 * its command handler.
 */
final class EpochEnds {
  private EpochEnds() {}

  static EpochEndReply answer(
      PartitionContext partition, EpochEnd query, int leaderEpoch, long logEndOffset) {
    ApiError error =
        epochError(partition.topicPartition(), query.currentLeaderEpoch(), leaderEpoch);
    if (error != null) {
      return new EpochEndReply(
          EpochEndOffset.UNDEFINED_EPOCH, EpochEndOffset.UNDEFINED_EPOCH_OFFSET, error);
    }
    EpochEndOffset end = partition.log().endOffsetForEpoch(query.leaderEpoch());
    if (end.isUndefined()) {
      return new EpochEndReply(end.epoch(), end.endOffset(), null);
    }
    return new EpochEndReply(end.epoch(), Math.min(end.endOffset(), logEndOffset), null);
  }

  /**
   * {@code FENCED_LEADER_EPOCH} if {@code current} is older than the leader's epoch, {@code
   * UNKNOWN_LEADER_EPOCH} if newer, null if equal or -1 (not checked).
   */
  static ApiError epochError(String topicPartition, int current, int leaderEpoch) {
    if (current < 0 || current == leaderEpoch) {
      return null;
    }
    if (current < leaderEpoch) {
      return ApiError.of(
          ErrorCode.FENCED_LEADER_EPOCH,
          "Leader epoch %d of %s is fenced: the current leader epoch is %d",
          current,
          topicPartition,
          leaderEpoch);
    }
    return ApiError.of(
        ErrorCode.UNKNOWN_LEADER_EPOCH,
        "Leader epoch %d of %s is unknown to this leader (epoch %d) yet",
        current,
        topicPartition,
        leaderEpoch);
  }
}
