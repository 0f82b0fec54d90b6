package sluice.storage.log;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The fsyncs of one partition log and its recovery point: everything below the recovery point is on
 * disk, so {@link LogLoader} checks only the batches after it.
 *
 * <p>Appends are written to the page cache; by default the OS decides when they reach the disk, as
 * in Kafka, because replication provides durability. {@code flush.messages} and {@code flush.ms}
 * force an fsync after that many records or that much time, in the writer's thread. A segment is
 * fsynced when it rolls, as Kafka's {@code UnifiedLog.roll} does it: on a background flusher
 * thread, so the writer goes on appending to the new segment meanwhile; only when that fsync has
 * finished does the recovery point move to the new segment and get checkpointed. A crash before
 * then leaves the recovery point where it was, so recovery checks the closed segment again. Flushes
 * complete in roll order; a failed one leaves the recovery point behind and the next flush retries
 * it, and is told to the log's background-failure listener (no caller would hear of it otherwise:
 * the broker takes its data directory offline). A flush queued before the log was closed or
 * truncated does nothing (a truncation may have removed or rewritten what it would flush).
 *
 * <p>The flusher is one thread per log, started at a roll and stopped after {@value #IDLE_SECONDS}
 * s without work, so a broker with many quiet partitions holds no threads for them.
 *
 * <p>Thread-safety: the log's writer calls it under the log's lock; the background flush takes that
 * lock to choose its segments and to move the recovery point, and fsyncs outside it.
 */
final class LogFlusher {
  private static final System.Logger LOG = System.getLogger(PartitionLog.class.getName());
  static final int IDLE_SECONDS = 30;
  private static final long CLOSE_WAIT_SECONDS = 60;

  private final Object lock;
  private final LogSegments segments;
  private final ReplicationState replication;
  private final Executor executor;
  private final ExecutorService ownExecutor;
  private final BiConsumer<String, RuntimeException> backgroundWriteFailures;
  // guarded by lock
  private long recoveryPoint;
  private long recoverySequence;
  private long unflushedMessages;
  private long lastFlushMs;
  private long checkpointedRecoveryPoint = -1;

  /**
   * @param lock the log's lock
   * @param recoveryPoint the offset below which the segments were on disk when the log was loaded
   * @param executor runs the background flushes, in submission order, one at a time; null for a
   *     thread of the log's own
   * @param backgroundWriteFailures told, on the flusher thread, what background write failed and
   *     how
   */
  LogFlusher(
      Object lock,
      LogSegments segments,
      ReplicationState replication,
      long recoveryPoint,
      long nowMs,
      Executor executor,
      BiConsumer<String, RuntimeException> backgroundWriteFailures) {
    this.lock = lock;
    this.backgroundWriteFailures = backgroundWriteFailures;
    this.segments = segments;
    this.replication = replication;
    this.recoveryPoint = recoveryPoint;
    this.lastFlushMs = nowMs;
    this.ownExecutor = executor == null ? newExecutor(segments) : null;
    this.executor = executor == null ? ownExecutor : executor;
  }

  /** Everything below this offset is known to be on disk. */
  long recoveryPoint() {
    synchronized (lock) {
      return recoveryPoint;
    }
  }

  /**
   * Writes {@code partition.checkpoint}, then the high watermark if it changed. Every change of the
   * segments or the recovery point calls it, except a roll: a crash before the roll's flush leaves
   * the old checkpoint, whose recovery point is still right, and the loader numbers the new segment
   * by counting the batches before it.
   */
  void writeCheckpoint() {
    new PartitionCheckpoint(recoveryPoint, recoverySequence, segments.firstSequences())
        .write(segments.dir());
    checkpointedRecoveryPoint = recoveryPoint;
    replication.checkpointHighWatermark();
  }

  /** True if the recovery point moved since the last checkpoint. */
  boolean isCheckpointBehind() {
    return checkpointedRecoveryPoint != recoveryPoint;
  }

  /**
   * Counts an append's records and fsyncs if {@code flush.messages} or {@code flush.ms} says so.
   */
  void appended(int records, long now, LogConfig config) {
    unflushedMessages += records;
    if (unflushedMessages >= config.flushMessages() || now - lastFlushMs >= config.flushMs()) {
      flush(now);
    }
  }

  /** Fsyncs a log quiet since its last records if {@code flush.ms} has passed. */
  void flushIfDue(long now, LogConfig config) {
    if (unflushedMessages > 0 && now - lastFlushMs >= config.flushMs()) {
      flush(now);
    }
  }

  /** Fsyncs every segment not known to be on disk; the recovery point becomes the log end. */
  void flush(long now) {
    for (LogSegment segment : segments.from(recoveryPoint, Long.MAX_VALUE)) {
      segment.flush();
    }
    recoveryPoint = segments.endOffset();
    recoverySequence = segments.lastSequence();
    unflushedMessages = 0;
    lastFlushMs = now;
  }

  /** The log rolled: fsyncs the closed segments in the background, up to the new active one. */
  void rolled(long now) {
    long upTo = segments.endOffset();
    long sequenceBelow = segments.lastSequence();
    long truncationsAtRoll = segments.truncations();
    executor.execute(() -> flushClosedSegments(upTo, sequenceBelow, truncationsAtRoll));
    unflushedMessages = 0;
    lastFlushMs = now;
  }

  /** Batches were removed from the end: a recovery point above the log end comes down to it. */
  void truncated() {
    if (recoveryPoint > segments.endOffset()) {
      recoveryPoint = segments.endOffset();
      recoverySequence = segments.lastSequence();
    }
  }

  /** The log restarted empty: there is nothing below its start left to fsync. */
  void restarted() {
    recoveryPoint = segments.endOffset();
    recoverySequence = segments.lastSequence();
  }

  /**
   * On the flusher: fsyncs every segment from the one holding the recovery point to below {@code
   * upTo} (the base offset of the segment a roll started), outside the lock, then advances the
   * recovery point to {@code upTo} and checkpoints it, unless the log was closed or truncated
   * meanwhile. A segment retired meanwhile is skipped; any other failure leaves the recovery point
   * where it was, for the next flush to retry.
   */
  private void flushClosedSegments(long upTo, long sequenceBelow, long truncationsAtRoll) {
    List<LogSegment> toFlush;
    synchronized (lock) {
      if (isStale(upTo, truncationsAtRoll)) {
        return;
      }
      toFlush = segments.from(recoveryPoint, upTo);
    }
    for (LogSegment segment : toFlush) {
      try {
        segment.flush();
      } catch (UncheckedIOException e) {
        synchronized (lock) {
          if (segments.isClosed() || !segments.contains(segment)) {
            continue;
          }
        }
        LOG.log(
            Level.ERROR,
            "Background fsync of "
                + segment.logFile()
                + " failed; the recovery point of "
                + segments.dir()
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
      if (isStale(upTo, truncationsAtRoll)) {
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
          "Checkpoint of " + segments.dir() + " after a background fsync failed",
          checkpointFailure);
      backgroundWriteFailures.accept("the checkpoint of " + segments.dir(), checkpointFailure);
    }
  }

  private boolean isStale(long upTo, long truncationsAtRoll) {
    return segments.isClosed()
        || segments.truncations() != truncationsAtRoll
        || recoveryPoint >= upTo;
  }

  private static ExecutorService newExecutor(LogSegments segments) {
    var executor =
        new ThreadPoolExecutor(
            1,
            1,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              var thread = new Thread(task, "sluice-flusher-" + segments.dir().getFileName());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /**
   * Stops the log's own flusher thread (queued flushes find the log closed) and waits for it to
   * finish. Call after closing the log, outside its lock.
   */
  void stop() {
    if (ownExecutor == null) {
      return;
    }
    ownExecutor.shutdown();
    try {
      if (!ownExecutor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.log(
            Level.WARNING,
            "Flusher of " + segments.dir() + " still busy after " + CLOSE_WAIT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
