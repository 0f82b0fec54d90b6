package sluice.storage.log;

import java.util.List;
import sluice.storage.record.RecordBatch;

/**
 * What replication keeps beside one partition log's batches: the high watermark and the
 * leader-epoch cache (KIP-101, KIP-279), each in a checkpoint file of its own and each kept within
 * the log's offsets as batches are appended, truncated and retained.
 *
 * <p><b>High watermark.</b> Offsets below it are on every in-sync replica. The replica's single
 * writer sets it, capped to the log end; it is written to {@code high-watermark.checkpoint}, if it
 * changed, at every checkpoint of the log (roll, flush, truncation, close) and whenever the caller
 * asks, so after a crash it comes back as last checkpointed, which is at or below the true one
 * (safe: consumers wait a little longer).
 *
 * <p><b>Leader epochs.</b> An append whose batch's leader epoch rises above the latest opens that
 * epoch, before the batch is written (so leader and follower appends both maintain the cache, and
 * after a crash the file can only be ahead of the log). A batch or an assignment below the latest
 * epoch is refused: a replica must truncate its divergent suffix first, where Kafka would rewrite
 * the cache. Truncation drops the entries of removed batches, retention moves the first entry up to
 * the new log start, and recovery ({@link LogLoader}) truncates it with a torn tail. {@link
 * #endOffsetForEpoch} answers a follower's OffsetsForLeaderEpoch question; {@link
 * FollowerTruncation} turns the answer into the follower's truncation offset.
 *
 * <p>Thread-safety: the owning {@link PartitionLog} calls the mutators under its lock; the high
 * watermark and the epoch queries are safe from any thread without a lock.
 */
final class ReplicationState {
  private final LogSegments segments;
  private final LeaderEpochCache leaderEpochs;
  private volatile long highWatermark;
  // guarded by the log's lock
  private long checkpointedHighWatermark = -1;

  ReplicationState(LogSegments segments, LeaderEpochCache leaderEpochs) {
    this.segments = segments;
    this.leaderEpochs = leaderEpochs;
    long checkpointed = HighWatermarkCheckpoint.read(segments.dir()).orElse(0L);
    this.highWatermark =
        Math.max(segments.startOffset(), Math.min(checkpointed, segments.endOffset()));
  }

  long highWatermark() {
    return highWatermark;
  }

  /**
   * Sets the high watermark within [log start, log end].
   *
   * @throws IllegalArgumentException if {@code offset} is negative
   */
  void updateHighWatermark(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException(
          "Cannot set the high watermark of " + segments.dir() + " to negative offset " + offset);
    }
    highWatermark = Math.max(segments.startOffset(), Math.min(offset, segments.endOffset()));
  }

  /** Writes the high watermark to its checkpoint if it changed since the last write. */
  void checkpointHighWatermark() {
    long current = highWatermark;
    if (current != checkpointedHighWatermark) {
      HighWatermarkCheckpoint.write(segments.dir(), current);
      checkpointedHighWatermark = current;
    }
  }

  List<EpochEntry> leaderEpochs() {
    return leaderEpochs.epochs();
  }

  int latestEpoch() {
    return leaderEpochs.latestEpoch();
  }

  /**
   * See {@link LeaderEpochCache#endOffsetFor(List, int, long)}. It reads the log end offset before
   * the epochs, and appends publish a new epoch before the log end that includes it, so an answer
   * never runs past that log end (a concurrent truncation is capped to it).
   */
  EpochEndOffset endOffsetForEpoch(int requestedEpoch) {
    long end = segments.endOffset();
    EpochEndOffset answer =
        LeaderEpochCache.endOffsetFor(leaderEpochs.epochs(), requestedEpoch, end);
    return answer.endOffset() > end ? new EpochEndOffset(answer.epoch(), end) : answer;
  }

  /**
   * Records that {@code epoch} (0 or more) starts at the log end offset; a no-op if it is the
   * latest.
   *
   * @throws IllegalStateException if {@code epoch} is below the latest epoch
   */
  void assignLeaderEpoch(int epoch) {
    checkNotBelowLatest(epoch, segments.endOffset());
    leaderEpochs.assign(epoch, segments.endOffset());
  }

  /**
   * @throws IllegalStateException if {@code batch} carries a leader epoch below the latest
   */
  void checkAppendable(RecordBatch batch) {
    if (batch.partitionLeaderEpoch() >= 0) {
      checkNotBelowLatest(batch.partitionLeaderEpoch(), batch.baseOffset());
    }
  }

  /** Opens the leader epoch of a batch about to be appended if it is above the latest. */
  void appending(RecordBatch batch) {
    int epoch = batch.partitionLeaderEpoch();
    if (epoch > leaderEpochs.latestEpoch()) {
      leaderEpochs.assign(epoch, batch.baseOffset());
    }
  }

  /**
   * Batches were removed from the end (or none, when asked to truncate at or beyond the log end):
   * epoch entries starting at or after the log end go, so an epoch assigned at the log end that
   * never wrote does not survive, and the high watermark comes down to the log end.
   */
  void truncated() {
    long end = segments.endOffset();
    leaderEpochs.truncateFromEnd(end);
    if (highWatermark > end) {
      highWatermark = end;
    }
  }

  /** The log restarted empty: every epoch entry goes, the high watermark is capped to its end. */
  void restarted() {
    leaderEpochs.clear();
    truncated();
  }

  /** Retention moved the log start: the first epoch entry moves up to it. */
  void retained() {
    leaderEpochs.truncateFromStart(segments.startOffset());
  }

  private void checkNotBelowLatest(int epoch, long offset) {
    int latest = leaderEpochs.latestEpoch();
    if (epoch < latest) {
      throw new IllegalStateException(
          "Leader epoch "
              + epoch
              + " at offset "
              + offset
              + " is below the latest epoch "
              + latest
              + " of "
              + segments.dir()
              + " (entries "
              + leaderEpochs.epochs()
              + "); truncate the divergent suffix first");
    }
  }
}
