package sluice.storage.log;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import sluice.storage.record.RecordBatch;

/**
 * The log of one partition replica (Kafka's {@code UnifiedLog} and {@code LocalLog}): a directory
 * {@code <dataDir>/<topic>-<partition>/} of {@link LogSegment}s named by base offset, plus {@code
 * partition.checkpoint} ({@link PartitionCheckpoint}) and {@code leader-epoch-checkpoint} ({@link
 * LeaderEpochCache}). The last segment is active and takes appends; the others are closed and only
 * read, deleted by retention or rewritten by compaction.
 *
 * <p><b>Leader epochs.</b> The log keeps its leader-epoch cache consistent with its batches: {@link
 * #append} records an epoch when a batch's leader epoch rises above the latest (so leader and
 * follower appends both maintain it), {@link #truncateTo} drops the entries of removed batches,
 * retention moves the first entry up to the new log start, and recovery truncates it with a torn
 * tail. {@link #endOffsetForEpoch} answers a follower's OffsetsForLeaderEpoch question; {@link
 * FollowerTruncation} turns the answer into the follower's truncation offset.
 *
 * <p><b>Batch sequences.</b> Every appended batch gets a sequence number: 1 for the first batch
 * ever appended, +1 per batch. Retention deletes whole segments and their numbers with them;
 * compaction never removes a batch (an emptied batch stays as a header); {@link #truncateTo} gives
 * the numbers of removed batches back. A log restarted empty ({@link #truncateFullyAndStartAt})
 * numbers from 1 again, as a new log. Each segment's first sequence is kept in the checkpoint, so
 * numbers survive restarts. The akka-persistence journal uses them as sequenceNr.
 *
 * <p><b>Durability.</b> Appends are written to the page cache; by default the OS decides when they
 * reach the disk, as in Kafka, because replication provides durability. {@code flush.messages} and
 * {@code flush.ms} force an fsync after that many records or that much time, in the writer's
 * thread. A segment is fsynced when it rolls, as Kafka's {@code UnifiedLog.roll} does it: on a
 * background flusher thread, so the writer goes on appending to the new segment meanwhile; only
 * when that fsync has finished does the recovery point (everything below it is on disk) move to the
 * new segment and get checkpointed. A crash before then leaves the recovery point where it was, so
 * {@link #open} checks the closed segment again ({@link LogLoader}). Flushes complete in roll
 * order; a failed one leaves the recovery point behind and the next flush retries it, and is told
 * to the listener given at {@link #open(Path, LogConfig, Clock, BiConsumer) open} (no caller would
 * hear of it otherwise: the broker takes its data directory offline). {@link #close()} fsyncs
 * everything itself and waits for the flusher to finish.
 *
 * <p>The flusher is one thread per log, started at a roll and stopped after {@value
 * #FLUSHER_IDLE_SECONDS} s without work, so a broker with many quiet partitions holds no threads
 * for them.
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
  private static final System.Logger LOG = System.getLogger(PartitionLog.class.getName());
  private static final String DELETED_SUFFIX = ".deleted";
  static final int FLUSHER_IDLE_SECONDS = 30;
  private static final long CLOSE_WAIT_SECONDS = 60;

  private final Path dir;
  private final Clock clock;
  private final Object lock = new Object();
  private final ConcurrentSkipListMap<Long, LogSegment> segments;
  private final RecoveryReport recoveryReport;
  private final LeaderEpochCache leaderEpochs;
  private final ArrayDeque<PendingDeletion> pendingDeletions = new ArrayDeque<>();
  private final LogCompactor compactor = new LogCompactor(this);
  private final Executor flusher;
  private final ExecutorService ownedFlusher;
  private final BiConsumer<String, RuntimeException> backgroundWriteFailures;
  private volatile LogConfig config;
  private volatile LogSegment active;
  private volatile long logEndOffset;
  private volatile long lastSequence;
  private volatile boolean closed;
  private volatile long highWatermark;
  // guarded by lock
  private long checkpointedHighWatermark = -1;
  private long recoveryPoint;
  private long recoverySequence;
  private long checkpointedRecoveryPoint = -1;
  private long unflushedMessages;
  private long lastFlushMs;
  private long truncations;

  /** A removed segment kept open until {@code dueMs}; its files are deleted if it was renamed. */
  private record PendingDeletion(LogSegment segment, long dueMs, boolean deleteFiles) {}

  private PartitionLog(
      Path dir,
      LogConfig config,
      Clock clock,
      LogLoader.Loaded loaded,
      Executor flusher,
      BiConsumer<String, RuntimeException> backgroundWriteFailures) {
    this.dir = dir;
    this.backgroundWriteFailures = backgroundWriteFailures;
    this.config = config;
    this.clock = clock;
    this.ownedFlusher = flusher == null ? newFlusher(dir) : null;
    this.flusher = flusher == null ? ownedFlusher : flusher;
    this.segments = new ConcurrentSkipListMap<>(loaded.segments());
    this.recoveryReport = loaded.report();
    this.leaderEpochs = loaded.leaderEpochs();
    this.active = segments.lastEntry().getValue();
    this.logEndOffset = active.nextOffset();
    this.lastSequence = loaded.lastSequence();
    this.recoveryPoint = loaded.durableOffset();
    this.lastFlushMs = clock.millis();
    long checkpointed = HighWatermarkCheckpoint.read(dir).orElse(0L);
    this.highWatermark = Math.max(logStartOffset(), Math.min(checkpointed, logEndOffset));
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
      log.flushLocked(clock.millis());
      log.writeCheckpoint();
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
    return segments.firstKey();
  }

  /** The offset the next appended batch must start at. */
  public long logEndOffset() {
    return logEndOffset;
  }

  /** The sequence of the last batch in the log, 0 if none was ever appended. */
  public long lastSequence() {
    return lastSequence;
  }

  /**
   * The high watermark this replica last knew: offsets below it are on every in-sync replica. Kept
   * in memory by the replica's single writer ({@link #updateHighWatermark}) and written to {@code
   * high-watermark.checkpoint} by {@link #checkpointHighWatermark()}, at every checkpoint of the
   * log (roll, flush, truncation, close) and whenever the caller asks; after a crash it comes back
   * as last checkpointed, which is at or below the true one (safe: consumers wait a little longer).
   * Always within [log start offset, log end offset]. Safe from any thread.
   */
  public long highWatermark() {
    return highWatermark;
  }

  /**
   * Sets the high watermark, capped to the log end offset. It may go down (a follower learns a
   * lower one from a new leader). Single writer.
   *
   * @throws IllegalArgumentException if {@code offset} is negative
   */
  public void updateHighWatermark(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException(
          "Cannot set the high watermark of " + dir + " to negative offset " + offset);
    }
    highWatermark = Math.max(logStartOffset(), Math.min(offset, logEndOffset));
  }

  /**
   * Writes the high watermark to {@code high-watermark.checkpoint} if it changed since the last.
   */
  public void checkpointHighWatermark() {
    synchronized (lock) {
      if (!closed) {
        writeHighWatermarkCheckpoint();
      }
    }
  }

  private void writeHighWatermarkCheckpoint() {
    long current = highWatermark;
    if (current != checkpointedHighWatermark) {
      HighWatermarkCheckpoint.write(dir, current);
      checkpointedHighWatermark = current;
    }
  }

  /** The leader-epoch entries, ascending; an immutable snapshot. Safe from any thread. */
  public List<EpochEntry> leaderEpochs() {
    return leaderEpochs.epochs();
  }

  /**
   * The latest leader epoch that wrote to (or was assigned in) this log, or {@link
   * EpochEndOffset#UNDEFINED_EPOCH}. Safe from any thread.
   */
  public int latestEpoch() {
    return leaderEpochs.latestEpoch();
  }

  /**
   * Where {@code requestedEpoch} ends in this log, as the leader answers a follower's
   * OffsetsForLeaderEpoch request: see {@link LeaderEpochCache#endOffsetFor(List, int, long)}. Safe
   * from any thread: it reads the log end offset before the epochs, and appends publish a new epoch
   * before the log end that includes it, so an answer never runs past that log end (a concurrent
   * truncation is capped to it).
   */
  public EpochEndOffset endOffsetForEpoch(int requestedEpoch) {
    long end = logEndOffset;
    EpochEndOffset answer =
        LeaderEpochCache.endOffsetFor(leaderEpochs.epochs(), requestedEpoch, end);
    return answer.endOffset() > end ? new EpochEndOffset(answer.epoch(), end) : answer;
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
      checkEpochNotBelowLatest(epoch, logEndOffset);
      leaderEpochs.assign(epoch, logEndOffset);
    }
  }

  /** Bytes of all segment files. */
  public long sizeInBytes() {
    long size = 0;
    for (LogSegment segment : segments.values()) {
      size += segment.size();
    }
    return size;
  }

  /** Number of segments, the active one included. */
  public int segmentCount() {
    return segments.size();
  }

  /** Base offset of the segment taking appends. */
  long activeSegmentBaseOffset() {
    return active.baseOffset();
  }

  /** Everything below this offset is known to be on disk. */
  public long recoveryPoint() {
    synchronized (lock) {
      return recoveryPoint;
    }
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
      if (batch.baseOffset() != logEndOffset) {
        throw new IllegalStateException(
            "Batch base offset "
                + batch.baseOffset()
                + " is not the log end offset "
                + logEndOffset
                + " of "
                + dir);
      }
      if (batch.magic() != RecordBatch.MAGIC || batch.lastOffsetDelta() < 0) {
        throw new IllegalArgumentException(
            "Not an appendable v2 batch for "
                + dir
                + ": magic "
                + batch.magic()
                + ", last offset delta "
                + batch.lastOffsetDelta());
      }
      int epoch = batch.partitionLeaderEpoch();
      if (epoch >= 0) {
        checkEpochNotBelowLatest(epoch, batch.baseOffset());
      }
      long now = clock.millis();
      LogConfig current = config;
      LogSegment segment = active;
      if (!segment.isEmpty()
          && (!segment.canFit(batch.sizeInBytes(), batch.lastOffset(), current.segmentBytes())
              || segment.timeWaitedForRoll(now, batch.maxTimestamp()) >= current.segmentMs())) {
        segment = roll(now);
      }
      if (epoch > leaderEpochs.latestEpoch()) {
        leaderEpochs.assign(epoch, batch.baseOffset());
      }
      segment.append(batch, current.indexIntervalBytes());
      logEndOffset = batch.nextOffset();
      long sequence = lastSequence + 1;
      lastSequence = sequence;
      unflushedMessages += batch.recordCount();
      if (unflushedMessages >= current.flushMessages() || now - lastFlushMs >= current.flushMs()) {
        flushLocked(now);
      }
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
    long end = logEndOffset;
    Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
    if (offset > end || entry == null || offset < segments.firstKey()) {
      throw new OffsetOutOfRangeException(offset, logStartOffset(), end);
    }
    while (entry != null) {
      FetchSlice slice = entry.getValue().read(offset, maxBytes, maxOffsetExclusive);
      if (slice != null) {
        return slice;
      }
      entry = segments.higherEntry(entry.getKey());
    }
    LogSegment last = active;
    return new FetchSlice(last.channel(), last.size(), 0);
  }

  /** The first offset of a record whose timestamp is at or above {@code timestamp}, if any. */
  public OptionalLong offsetForTimestamp(long timestamp) {
    for (LogSegment segment : segments.values()) {
      OptionalLong found = segment.findOffsetByTimestamp(timestamp);
      if (found.isPresent()) {
        return found;
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The headers of the batches from sequence {@code fromSequence} (or from the first batch still in
   * the log, if that one was deleted) to the last batch at the time of the call, each with its
   * sequence number, read from batch headers only. Safe from any thread; the cursor is not.
   */
  public BatchCursor batchHeadersFrom(long fromSequence) {
    List<LogSegment> snapshot;
    List<Integer> sizes = new ArrayList<>();
    long last;
    synchronized (lock) {
      snapshot = new ArrayList<>(segments.values());
      for (LogSegment segment : snapshot) {
        sizes.add(segment.size());
      }
      last = lastSequence;
    }
    int start = 0;
    for (int i = 0; i < snapshot.size(); i++) {
      if (snapshot.get(i).firstSequence() <= fromSequence) {
        start = i;
      }
    }
    return new BatchCursor(
        snapshot.subList(start, snapshot.size()),
        sizes.subList(start, sizes.size()),
        fromSequence,
        last);
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
      if (offset >= logEndOffset) {
        leaderEpochs.truncateFromEnd(logEndOffset);
        return;
      }
      truncations++;
      long now = clock.millis();
      if (offset < logStartOffset()) {
        restartEmptyAt(offset, now);
      } else {
        Map.Entry<Long, LogSegment> floorEntry = segments.lowerEntry(offset);
        LogSegment floor =
            floorEntry != null ? floorEntry.getValue() : segments.firstEntry().getValue();
        List<LogSegment> removed =
            new ArrayList<>(segments.tailMap(floor.baseOffset(), false).values());
        long sequenceAfterFloor =
            removed.isEmpty() ? lastSequence + 1 : removed.get(0).firstSequence();
        for (LogSegment segment : removed) {
          retire(segment, now);
        }
        int removedInFloor = floor.truncateTo(offset);
        floor.onBecomeActive(config.segmentIndexBytes());
        floor.flush();
        active = floor;
        logEndOffset = floor.nextOffset();
        lastSequence = sequenceAfterFloor - removedInFloor - 1;
        leaderEpochs.truncateFromEnd(logEndOffset);
      }
      if (recoveryPoint > logEndOffset) {
        recoveryPoint = logEndOffset;
        recoverySequence = lastSequence;
      }
      if (highWatermark > logEndOffset) {
        highWatermark = logEndOffset;
      }
      writeCheckpoint();
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
      if (offset <= logEndOffset) {
        throw new IllegalArgumentException(
            "Cannot restart "
                + dir
                + " empty at offset "
                + offset
                + ": it is not above the log end offset "
                + logEndOffset);
      }
      truncations++;
      restartEmptyAt(offset, clock.millis());
      recoveryPoint = offset;
      recoverySequence = lastSequence;
      highWatermark = offset;
      writeCheckpoint();
    }
  }

  /**
   * Replaces every segment by one empty segment at {@code offset}, which no segment starts at, and
   * numbers batches from 1 again, as in a new log: the history before is gone, so every sequence
   * number that describes it (a snapshot's, say) is now above {@link #lastSequence}, where it is
   * recognisably stale. Giving back only the removed batches' numbers would leave an older
   * history's number (one retention had already removed the batch of) equal to the new last
   * sequence, and a snapshot taken there would seem to describe the restarted log. Call under the
   * lock.
   */
  private void restartEmptyAt(long offset, long now) {
    long nextSequence = 1;
    List<LogSegment> removed = new ArrayList<>(segments.values());
    LogSegment fresh =
        LogSegment.create(dir, offset, config.segmentIndexBytes(), now, nextSequence);
    segments.put(offset, fresh);
    active = fresh;
    for (LogSegment segment : removed) {
      retire(segment, now);
    }
    logEndOffset = offset;
    lastSequence = nextSequence - 1;
    leaderEpochs.clear();
  }

  /** Forces every batch to disk and checkpoints the recovery point. */
  public void flush() {
    synchronized (lock) {
      ensureOpen();
      flushLocked(clock.millis());
      writeCheckpoint();
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
      if (closed) {
        return 0;
      }
      long now = clock.millis();
      LogConfig current = config;
      deleteDueFiles(now, false);
      if (!active.isEmpty() && active.timeWaitedForRoll(now, now) >= current.segmentMs()) {
        roll(now);
      }
      if (unflushedMessages > 0 && now - lastFlushMs >= current.flushMs()) {
        flushLocked(now);
      }
      int deleted = 0;
      if (current.cleanupPolicy().deletes()) {
        while (segments.size() > 1
            && current.retentionMs() >= 0
            && now - segments.firstEntry().getValue().largestTimestamp() > current.retentionMs()) {
          retire(segments.firstEntry().getValue(), now);
          deleted++;
        }
        long excess = current.retentionBytes() < 0 ? -1 : sizeInBytes() - current.retentionBytes();
        while (segments.size() > 1 && excess - segments.firstEntry().getValue().size() >= 0) {
          excess -= segments.firstEntry().getValue().size();
          retire(segments.firstEntry().getValue(), now);
          deleted++;
        }
      }
      if (deleted > 0) {
        leaderEpochs.truncateFromStart(logStartOffset());
      }
      if (deleted > 0 || checkpointedRecoveryPoint != recoveryPoint) {
        writeCheckpoint();
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
    return config.cleanupPolicy().compacts() && !closed ? compactor.compact() : 0;
  }

  /**
   * Closes the log: records final index entries, fsyncs every segment not known to be on disk
   * (closed ones whose background flush has not finished included), checkpoints, closes every file
   * and waits for the flusher thread to end.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      flushLocked(clock.millis());
      writeCheckpoint();
      closed = true;
      for (LogSegment segment : segments.values()) {
        segment.close();
      }
      deleteDueFiles(Long.MAX_VALUE, true);
    }
    stopFlusher();
  }

  /**
   * Closes the file handles without flushing, trimming or checkpointing: the directory is left as a
   * crash of the process would leave it. For crash tests.
   */
  void abandon() {
    synchronized (lock) {
      closed = true;
      for (LogSegment segment : segments.values()) {
        segment.release();
      }
      deleteDueFiles(Long.MAX_VALUE, false);
    }
    stopFlusher();
  }

  /** Closes the log and deletes its directory. */
  public void delete() {
    close();
    Fs.deleteRecursively(dir);
  }

  // ---- shared with LogCompactor ----

  Object lock() {
    return lock;
  }

  Clock clock() {
    return clock;
  }

  /** Changes whenever {@link #truncateTo} runs, so compaction can tell its input changed. */
  long truncations() {
    return truncations;
  }

  boolean isClosed() {
    return closed;
  }

  /** A snapshot of the closed segments, oldest first. */
  List<LogSegment> closedSegments() {
    synchronized (lock) {
      List<LogSegment> closedOnes = new ArrayList<>(segments.values());
      closedOnes.remove(closedOnes.size() - 1);
      return closedOnes;
    }
  }

  /** True if {@code segment} is still in the log and closed. Call under the lock. */
  boolean isCurrentClosedSegment(LogSegment segment) {
    return segments.get(segment.baseOffset()) == segment && segment != active;
  }

  /**
   * Puts a compacted copy in place of a closed segment (under the lock). The old one stays open for
   * reads in flight until {@code file.delete.delay.ms}; its files were replaced, not renamed.
   */
  void replaceSegment(LogSegment old, LogSegment cleaned) {
    segments.put(cleaned.baseOffset(), cleaned);
    pendingDeletions.add(
        new PendingDeletion(old, clock.millis() + config.fileDeleteDelayMs(), false));
  }

  /**
   * Closes the active segment and starts a new one at the log end. The closed segment (and any
   * earlier one not yet on disk) is fsynced by the flusher; the recovery point moves when that is
   * done ({@link #flushClosedSegments}). No checkpoint is written here: a crash before the flush
   * leaves the old one, whose recovery point is still right, and the loader numbers the new segment
   * by counting the batches before it.
   */
  private LogSegment roll(long now) {
    LogSegment old = active;
    old.onBecomeInactive();
    LogSegment fresh =
        LogSegment.create(dir, logEndOffset, config.segmentIndexBytes(), now, lastSequence + 1);
    segments.put(fresh.baseOffset(), fresh);
    active = fresh;
    long flushedOffset = logEndOffset;
    long flushedSequence = lastSequence;
    long truncationsAtRoll = truncations;
    flusher.execute(() -> flushClosedSegments(flushedOffset, flushedSequence, truncationsAtRoll));
    unflushedMessages = 0;
    lastFlushMs = now;
    return fresh;
  }

  /**
   * On the flusher: fsyncs every segment from the one holding the recovery point to below {@code
   * upTo} (the base offset of the segment a roll started), outside the lock, then advances the
   * recovery point to {@code upTo} and checkpoints it, unless the log was closed or truncated
   * meanwhile (a truncation may have removed or rewritten what was flushed). A segment retired
   * meanwhile is skipped; any other failure leaves the recovery point where it was, for the next
   * flush to retry.
   */
  private void flushClosedSegments(long upTo, long sequenceBelow, long truncationsAtRoll) {
    List<LogSegment> toFlush;
    synchronized (lock) {
      if (closed || truncations != truncationsAtRoll || recoveryPoint >= upTo) {
        return;
      }
      Long from = segments.floorKey(recoveryPoint);
      toFlush =
          new ArrayList<>(
              (from == null ? segments.headMap(upTo) : segments.subMap(from, upTo)).values());
    }
    for (LogSegment segment : toFlush) {
      try {
        segment.flush();
      } catch (UncheckedIOException e) {
        synchronized (lock) {
          if (closed || segments.get(segment.baseOffset()) != segment) {
            continue;
          }
        }
        LOG.log(
            Level.ERROR,
            "Background fsync of "
                + segment.logFile()
                + " failed; the recovery point of "
                + dir
                + " stays at "
                + recoveryPoint()
                + " until a flush succeeds",
            e);
        backgroundWriteFailures.accept("the background fsync of " + segment.logFile(), e);
        return;
      }
    }
    UncheckedIOException checkpointFailure = null;
    synchronized (lock) {
      if (closed || truncations != truncationsAtRoll || recoveryPoint >= upTo) {
        return;
      }
      recoveryPoint = upTo;
      recoverySequence = sequenceBelow;
      try {
        writeCheckpoint();
      } catch (UncheckedIOException e) {
        // The next checkpoint (a flush, a retention check, close) writes it: it differs from the
        // recovery point checkpointed.
        checkpointFailure = e;
      }
    }
    if (checkpointFailure != null) {
      LOG.log(
          Level.ERROR,
          "Checkpoint of " + dir + " after a background fsync failed",
          checkpointFailure);
      backgroundWriteFailures.accept("the checkpoint of " + dir, checkpointFailure);
    }
  }

  private static ExecutorService newFlusher(Path dir) {
    var executor =
        new ThreadPoolExecutor(
            1,
            1,
            FLUSHER_IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              var thread = new Thread(task, "sluice-flusher-" + dir.getFileName());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Stops the log's own flusher (queued tasks find the log closed) and waits for it to finish. */
  private void stopFlusher() {
    if (ownedFlusher == null) {
      return;
    }
    ownedFlusher.shutdown();
    try {
      if (!ownedFlusher.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.log(
            Level.WARNING, "Flusher of " + dir + " still busy after " + CLOSE_WAIT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void flushLocked(long now) {
    Map.Entry<Long, LogSegment> from = segments.floorEntry(recoveryPoint);
    for (LogSegment segment :
        (from == null ? segments : segments.tailMap(from.getKey(), true)).values()) {
      segment.flush();
    }
    recoveryPoint = logEndOffset;
    recoverySequence = lastSequence;
    unflushedMessages = 0;
    lastFlushMs = now;
  }

  private void writeCheckpoint() {
    var firstSequences = new TreeMap<Long, Long>();
    for (LogSegment segment : segments.values()) {
      firstSequences.put(segment.baseOffset(), segment.firstSequence());
    }
    new PartitionCheckpoint(recoveryPoint, recoverySequence, firstSequences).write(dir);
    checkpointedRecoveryPoint = recoveryPoint;
    writeHighWatermarkCheckpoint();
  }

  /** Removes a segment from the log; renames its files and deletes them after the delay. */
  private void retire(LogSegment segment, long now) {
    segments.remove(segment.baseOffset(), segment);
    segment.renameFiles(DELETED_SUFFIX);
    pendingDeletions.add(new PendingDeletion(segment, now + config.fileDeleteDelayMs(), true));
  }

  private void deleteDueFiles(long now, boolean all) {
    while (!pendingDeletions.isEmpty() && (all || pendingDeletions.peek().dueMs() <= now)) {
      PendingDeletion pending = pendingDeletions.poll();
      pending.segment().release();
      if (pending.deleteFiles()) {
        pending.segment().deleteFiles();
      }
    }
  }

  private void checkEpochNotBelowLatest(int epoch, long offset) {
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
              + dir
              + " (entries "
              + leaderEpochs.epochs()
              + "); truncate the divergent suffix first");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Log " + dir + " is closed");
    }
  }
}
