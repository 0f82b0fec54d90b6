package sluice.storage.log;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import sluice.storage.record.RecordBatch;

/**
 * The log of one partition replica (Kafka's {@code UnifiedLog}): a directory {@code
 * <dataDir>/<topic>-<partition>/} of segments, plus {@code partition.checkpoint} ({@link
 * PartitionCheckpoint}), {@code leader-epoch-checkpoint} ({@link LeaderEpochCache}) and {@code
 * high-watermark.checkpoint}. The log's one door: it checks what callers ask and runs each change
 * under one lock through its parts, the segments and their batches ({@link LogSegments}), their
 * fsyncs ({@link LogFlusher}), the high watermark and leader epochs ({@link ReplicationState}) and
 * compaction ({@link LogCompactor}).
 *
 * <p><b>Batch sequences.</b> Every appended batch gets a sequence number, 1 for the first, +1 per
 * batch, which restarts, retention and compaction keep and truncation gives back ({@link
 * LogSegments}); the akka-persistence journal uses them as sequenceNr.
 *
 * <p><b>Durability.</b> Appends are written to the page cache and, by default, left to the OS, as
 * in Kafka; {@code flush.messages} and {@code flush.ms} force fsyncs in the writer's thread, and a
 * rolled segment is fsynced on a background thread before the recovery point moves past it ({@link
 * LogFlusher}). {@link #close()} fsyncs everything itself and waits for that thread to finish.
 *
 * <p><b>Thread-safety.</b> Not thread-safe for writes: one writer (the partition leader or
 * follower) calls {@link #append} and {@link #truncateTo}. {@link #read}, {@link
 * #offsetForTimestamp}, {@link #batchHeadersFrom} and the offset getters are safe from any thread
 * and take no lock, as do {@link #leaderEpochs}, {@link #latestEpoch} and {@link
 * #endOffsetForEpoch}. {@link #deleteRetainedSegments} and {@link #compact} run on a background
 * thread alongside them: structural changes take an internal lock, and removed segments stay open
 * for {@code file.delete.delay.ms} so that reads in flight finish.
 */
public final class PartitionLog implements AutoCloseable {
  private final Path dir;
  private final Clock clock;
  private final Object lock = new Object();
  private final LogSegments segments;
  private final LogFlusher flusher;
  private final RecoveryReport recoveryReport;
  private final ReplicationState replication;
  private final LogCompactor compactor;
  private volatile LogConfig config;

  private PartitionLog(
      Path dir,
      LogConfig config,
      Clock clock,
      LogLoader.Loaded loaded,
      Executor flusher,
      BiConsumer<String, RuntimeException> backgroundWriteFailures) {
    this.dir = dir;
    this.config = config;
    this.clock = clock;
    this.segments = new LogSegments(dir, loaded.segments(), loaded.lastSequence());
    this.replication = new ReplicationState(segments, loaded.leaderEpochs());
    this.flusher =
        new LogFlusher(
            lock,
            segments,
            replication,
            loaded.durableOffset(),
            clock.millis(),
            flusher,
            backgroundWriteFailures);
    this.compactor = new LogCompactor(lock, clock, segments, this::config);
    this.recoveryReport = loaded.report();
  }

  /**
   * Opens (creating if needed) the log in {@code dir} and recovers it: batches after the recovery
   * point are checked, a torn or corrupt tail is truncated, missing or corrupt indexes are rebuilt
   * (see {@link #recoveryReport()}).
   */
  public static PartitionLog open(Path dir, LogConfig config, Clock clock) {
    return open(dir, config, clock, null, (what, failure) -> {});
  }

  /**
   * As {@link #open(Path, LogConfig, Clock)}; {@code backgroundWriteFailures} is told, on the
   * flusher thread, of each write the log makes on its own that fails (the fsync of a rolled
   * segment, the checkpoint after it) with what failed and the failure. Writes made in a caller's
   * thread throw to that caller instead.
   */
  public static PartitionLog open(
      Path dir,
      LogConfig config,
      Clock clock,
      BiConsumer<String, RuntimeException> backgroundWriteFailures) {
    return open(dir, config, clock, null, backgroundWriteFailures);
  }

  /**
   * As {@link #open(Path, LogConfig, Clock)}, with the closed segments' flushes run by {@code
   * flusher} (tasks in submission order, one at a time) instead of the log's own thread; null for
   * the log's own.
   */
  static PartitionLog open(Path dir, LogConfig config, Clock clock, Executor flusher) {
    return open(dir, config, clock, flusher, (what, failure) -> {});
  }

  static PartitionLog open(
      Path dir,
      LogConfig config,
      Clock clock,
      Executor flusher,
      BiConsumer<String, RuntimeException> backgroundWriteFailures) {
    var log =
        new PartitionLog(
            dir,
            config,
            clock,
            LogLoader.load(dir, config, clock.millis()),
            flusher,
            backgroundWriteFailures);
    synchronized (log.lock) {
      log.flusher.flush(clock.millis());
      log.flusher.writeCheckpoint();
    }
    return log;
  }

  public Path dir() {
    return dir;
  }

  public LogConfig config() {
    return config;
  }

  /** What recovery found and repaired when this log was opened. */
  public RecoveryReport recoveryReport() {
    return recoveryReport;
  }

  /** The first offset still in the log. */
  public long logStartOffset() {
    return segments.startOffset();
  }

  /** The offset the next appended batch must start at. */
  public long logEndOffset() {
    return segments.endOffset();
  }

  /** The sequence of the last batch in the log, 0 if none was ever appended. */
  public long lastSequence() {
    return segments.lastSequence();
  }

  /**
   * The high watermark this replica last knew: offsets below it are on every in-sync replica. Set
   * by the replica's single writer ({@link #updateHighWatermark}) and checkpointed with the log and
   * by {@link #checkpointHighWatermark()}; after a crash it comes back as last checkpointed, at or
   * below the true one. Always within [log start offset, log end offset]. Safe from any thread.
   */
  public long highWatermark() {
    return replication.highWatermark();
  }

  /**
   * Sets the high watermark, capped to the log end offset. It may go down (a follower learns a
   * lower one from a new leader). Single writer.
   *
   * @throws IllegalArgumentException if {@code offset} is negative
   */
  public void updateHighWatermark(long offset) {
    replication.updateHighWatermark(offset);
  }

  /**
   * Writes the high watermark to {@code high-watermark.checkpoint} if it changed since the last.
   */
  public void checkpointHighWatermark() {
    synchronized (lock) {
      if (!segments.isClosed()) {
        replication.checkpointHighWatermark();
      }
    }
  }

  /** The leader-epoch entries, ascending; an immutable snapshot. Safe from any thread. */
  public List<EpochEntry> leaderEpochs() {
    return replication.leaderEpochs();
  }

  /**
   * The latest leader epoch that wrote to (or was assigned in) this log, or {@link
   * EpochEndOffset#UNDEFINED_EPOCH}. Safe from any thread.
   */
  public int latestEpoch() {
    return replication.latestEpoch();
  }

  /**
   * Where {@code requestedEpoch} ends in this log, as the leader answers a follower's
   * OffsetsForLeaderEpoch request: see {@link LeaderEpochCache#endOffsetFor(List, int, long)},
   * never past the log end. Safe from any thread.
   */
  public EpochEndOffset endOffsetForEpoch(int requestedEpoch) {
    return replication.endOffsetForEpoch(requestedEpoch);
  }

  /**
   * Records that leader epoch {@code epoch} starts at the log end offset, before it writes
   * anything: a replica becoming leader calls this (as Kafka's leader does on promotion), so that
   * it can answer {@link #endOffsetForEpoch} for older epochs with the right end even before its
   * first append. A no-op if {@code epoch} is already the latest. Single writer.
   *
   * @throws IllegalArgumentException if {@code epoch} is negative
   * @throws IllegalStateException if {@code epoch} is below the latest epoch
   */
  public void assignLeaderEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException(
          "Cannot assign leader epoch " + epoch + " to " + dir + ": epochs are 0 or more");
    }
    synchronized (lock) {
      ensureOpen();
      replication.assignLeaderEpoch(epoch);
    }
  }

  /** Bytes of all segment files. */
  public long sizeInBytes() {
    return segments.sizeInBytes();
  }

  /** Number of segments, the active one included. */
  public int segmentCount() {
    return segments.count();
  }

  /**
   * Base offset of the segment taking appends: it changes when the log rolls. Retention never
   * deletes this segment, so a replica that snapshots its state once per segment keeps a snapshot
   * within the log whatever retention deletes. Single writer.
   */
  public long activeSegmentBaseOffset() {
    return segments.active().baseOffset();
  }

  /** Everything below this offset is known to be on disk. */
  public long recoveryPoint() {
    return flusher.recoveryPoint();
  }

  /**
   * Appends one batch whose offsets, leader epoch and timestamps the caller has already set and
   * validated (CRC, size); rolls first if the active segment is full or old. A batch whose leader
   * epoch is above the latest epoch opens that epoch in the leader-epoch cache (written before the
   * batch); a batch without an epoch (-1) leaves the cache alone. Single writer.
   *
   * @return the batch's sequence
   * @throws IllegalStateException if the batch does not start at {@link #logEndOffset()}, or its
   *     leader epoch is below the latest epoch (truncate the divergent suffix first)
   */
  public long append(RecordBatch batch) {
    synchronized (lock) {
      ensureOpen();
      segments.checkAppendable(batch);
      replication.checkAppendable(batch);
      long now = clock.millis();
      LogConfig current = config;
      if (segments.rollDue(batch, now, current)) {
        roll(now);
      }
      replication.appending(batch);
      long sequence = segments.append(batch, current.indexIntervalBytes());
      flusher.appended(batch.recordCount(), now, current);
      return sequence;
    }
  }

  /**
   * Whole batches starting with the one holding {@code offset}: at least one if it lies wholly
   * below {@code maxOffsetExclusive}, then more while they fit in {@code maxBytes}, never one that
   * reaches {@code maxOffsetExclusive} (the high watermark). Empty at the log end. Safe from any
   * thread.
   *
   * @throws OffsetOutOfRangeException if {@code offset} is outside [log start, log end]
   */
  public FetchSlice read(long offset, int maxBytes, long maxOffsetExclusive) {
    return segments.read(offset, maxBytes, maxOffsetExclusive);
  }

  /** The first offset of a record whose timestamp is at or above {@code timestamp}, if any. */
  public OptionalLong offsetForTimestamp(long timestamp) {
    return segments.offsetForTimestamp(timestamp);
  }

  /**
   * The headers of the batches from sequence {@code fromSequence} (or from the first batch still in
   * the log, if that one was deleted) to the last batch at the time of the call, each with its
   * sequence number, read from batch headers only. Safe from any thread; the cursor is not.
   */
  public BatchCursor batchHeadersFrom(long fromSequence) {
    synchronized (lock) {
      return segments.batchHeadersFrom(fromSequence);
    }
  }

  /**
   * Removes every batch holding an offset at or above {@code offset} (a batch straddling it goes
   * entirely, so the log end may end up below {@code offset}) and gives their sequence numbers
   * back. Below the log start offset everything goes and the log restarts empty at {@code offset},
   * numbering batches from 1 again (as {@link #truncateFullyAndStartAt}). Both indexes stay
   * consistent; the truncated segment is fsynced so removed batches cannot come back after a crash.
   * Leader-epoch entries starting at or after the new log end are removed (all of them when the log
   * restarts empty). At or beyond the log end the batches stay, but epoch entries starting at the
   * log end are still removed: an epoch assigned by {@link #assignLeaderEpoch} that never wrote
   * must not survive a follower's truncation. Single writer.
   */
  public void truncateTo(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException(
          "Cannot truncate " + dir + " to negative offset " + offset);
    }
    synchronized (lock) {
      ensureOpen();
      if (offset >= logEndOffset()) {
        replication.truncated();
        return;
      }
      long now = clock.millis();
      if (offset < logStartOffset()) {
        segments.restartEmptyAt(offset, now, config);
        replication.restarted();
      } else {
        segments.truncateTo(offset, now, config);
      }
      replication.truncated();
      flusher.truncated();
      flusher.writeCheckpoint();
    }
  }

  /**
   * Removes every batch and restarts the log empty at {@code offset}, above its log end offset
   * (Kafka's {@code truncateFullyAndStartAt}): a follower whose log end is below the leader's log
   * start offset (retention ran on the leader) starts over there. Batches are numbered from 1 again
   * (the last sequence becomes 0, so state derived from the former batches, such as snapshots taken
   * at their sequence numbers, lies above it), the leader-epoch entries go, and the high watermark
   * becomes {@code offset}. Single writer.
   *
   * @throws IllegalArgumentException if {@code offset} is not above the log end offset ({@link
   *     #truncateTo} with an offset below the log start offset restarts the log lower)
   */
  public void truncateFullyAndStartAt(long offset) {
    synchronized (lock) {
      ensureOpen();
      if (offset <= logEndOffset()) {
        throw new IllegalArgumentException(
            "Cannot restart "
                + dir
                + " empty at offset "
                + offset
                + ": it is not above the log end offset "
                + logEndOffset());
      }
      segments.restartEmptyAt(offset, clock.millis(), config);
      replication.restarted();
      replication.updateHighWatermark(offset); // the log's only offset now
      flusher.restarted();
      flusher.writeCheckpoint();
    }
  }

  /** Forces every batch to disk and checkpoints the recovery point. */
  public void flush() {
    synchronized (lock) {
      ensureOpen();
      flusher.flush(clock.millis());
      flusher.writeCheckpoint();
    }
  }

  /** Replaces the config; segment sizes and retention apply from the next append or check. */
  public void updateConfig(LogConfig newConfig) {
    this.config = newConfig;
  }

  /**
   * Background maintenance by the configured policy, with the injected clock: removes due pending
   * deletions; rolls the active segment once {@code segment.ms} old (so that time retention works
   * on quiet topics); flushes if {@code flush.ms} has passed; with {@code cleanup.policy} delete,
   * deletes closed segments from the oldest while their newest record is older than {@code
   * retention.ms} or the log is larger than {@code retention.bytes} without them. Safe alongside
   * appends and reads.
   *
   * @return the number of segments deleted
   */
  public int deleteRetainedSegments() {
    synchronized (lock) {
      if (segments.isClosed()) {
        return 0;
      }
      long now = clock.millis();
      LogConfig current = config;
      segments.closeRetired(now);
      if (segments.rollDue(now, current)) {
        roll(now);
      }
      flusher.flushIfDue(now, current);
      int deleted =
          current.cleanupPolicy().deletes() ? segments.retireByRetention(now, current) : 0;
      if (deleted > 0) {
        replication.retained();
      }
      if (deleted > 0 || flusher.isCheckpointBehind()) {
        flusher.writeCheckpoint();
      }
      return deleted;
    }
  }

  /**
   * Compacts the closed segments if {@code cleanup.policy} includes compact: keeps the latest
   * record of each key, drops tombstones older than {@code delete.retention.ms}, never a batch (see
   * {@link LogCompactor}). Safe alongside appends and reads; one compaction at a time.
   *
   * @return the number of segments rewritten
   */
  public int compact() {
    return config.cleanupPolicy().compacts() && !segments.isClosed() ? compactor.compact() : 0;
  }

  /**
   * Closes the log: records final index entries, fsyncs every segment not known to be on disk
   * (closed ones whose background flush has not finished included), checkpoints, closes every file
   * and waits for the flusher thread to end.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (segments.isClosed()) {
        return;
      }
      flusher.flush(clock.millis());
      flusher.writeCheckpoint();
      segments.close();
    }
    flusher.stop();
  }

  /**
   * Closes the file handles without flushing, trimming or checkpointing: the directory is left as a
   * crash of the process would leave it. For crash tests.
   */
  void abandon() {
    synchronized (lock) {
      segments.release();
    }
    flusher.stop();
  }

  /** Closes the log and deletes its directory. */
  public void delete() {
    close();
    Fs.deleteRecursively(dir);
  }

  /**
   * Closes the active segment and starts a new one at the log end; the flusher fsyncs the closed
   * one and moves the recovery point when that is done.
   */
  private void roll(long now) {
    segments.roll(now, config.segmentIndexBytes());
    flusher.rolled(now);
  }

  private void ensureOpen() {
    if (segments.isClosed()) {
      throw new IllegalStateException("Log " + dir + " is closed");
    }
  }
}
