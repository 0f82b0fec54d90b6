package sluice.storage.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.RecordBatchBuilder;
import sluice.storage.record.TimestampType;

/**
 * Log compaction of one partition ({@code cleanup.policy=compact}), Kafka's log cleaner reduced to
 * one pass in the caller's thread:
 *
 * <ol>
 *   <li>The cleanable range is the closed segments, oldest first, up to the first one whose newest
 *       record is younger than {@code min.compaction.lag.ms}. The active segment is never
 *       compacted.
 *   <li>A map from each key to its latest offset in that range is built by decoding the records
 *       (compressed batches are decompressed).
 *   <li>A record is kept if it is the latest for its key, except a tombstone (null value) older
 *       than {@code delete.retention.ms} by its timestamp; records without a key are dropped.
 * </ol>
 *
 * A segment with something to drop is rewritten into {@code <base>.log.cleaned} (and its indexes)
 * beside it, batch by batch: a batch keeps its base offset, last offset, leader epoch, producer
 * fields, codec and timestamp type, only its records shrink; a batch left without records stays as
 * a 61-byte header with its original max timestamp, so no batch and no batch sequence ever
 * disappears. Control batches are copied unchanged.
 *
 * <p>Crash behaviour of the swap, done under the log's lock after the cleaned files are fsynced:
 * delete the old indexes, rename the cleaned log over the old one (atomic), rename the cleaned
 * indexes, fsync the directory between steps. A crash before the log rename leaves leftover {@code
 * .cleaned} files (deleted on open) and possibly missing indexes (rebuilt); after it, the compacted
 * log with missing or renamed indexes. Either way the log reads correctly.
 *
 * <p>A pass whose input is unchanged since the last one (same closed segments, no truncation, same
 * config) and with no kept tombstone due for removal returns at once, so the background thread may
 * call it often.
 *
 * <p>Thread-safety: one compaction at a time (a second concurrent call returns at once); safe
 * alongside appends, reads and retention. If the log was truncated or a segment removed while it
 * was being cleaned, the cleaned copy is discarded.
 */
final class LogCompactor {
  private static final String CLEANED_SUFFIX = ".cleaned";

  private final Object lock;
  private final Clock clock;
  private final LogSegments segments;
  private final Supplier<LogConfig> currentConfig;
  private final AtomicBoolean running = new AtomicBoolean();
  // what the last pass saw; a pass with the same input and no tombstone due would change nothing
  private long lastCleanableEnd = -1;
  private long lastTruncations = -1;
  private LogConfig lastConfig;
  private long nextTombstoneExpiry = Long.MAX_VALUE;

  /**
   * @param lock the log's lock, held while choosing segments and swapping one in
   * @param currentConfig the log's config, read at each pass
   */
  LogCompactor(Object lock, Clock clock, LogSegments segments, Supplier<LogConfig> currentConfig) {
    this.lock = lock;
    this.clock = clock;
    this.segments = segments;
    this.currentConfig = currentConfig;
  }

  /** One compaction pass; returns the number of segments rewritten. */
  int compact() {
    if (!running.compareAndSet(false, true)) {
      return 0;
    }
    try {
      return compactOnce();
    } finally {
      running.set(false);
    }
  }

  private int compactOnce() {
    LogConfig config = currentConfig.get();
    long now = clock.millis();
    long truncations;
    List<LogSegment> cleanable = new ArrayList<>();
    synchronized (lock) {
      truncations = segments.truncations();
      for (LogSegment segment : segments.closedSegments()) {
        if (config.minCompactionLagMs() > 0
            && now - segment.largestTimestamp() < config.minCompactionLagMs()) {
          break;
        }
        cleanable.add(segment);
      }
    }
    long cleanableEnd = cleanable.isEmpty() ? -1 : cleanable.get(cleanable.size() - 1).nextOffset();
    if (cleanableEnd == lastCleanableEnd
        && truncations == lastTruncations
        && config.equals(lastConfig)
        && now < nextTombstoneExpiry) {
      return 0;
    }
    lastCleanableEnd = cleanableEnd;
    lastTruncations = truncations;
    lastConfig = config;
    nextTombstoneExpiry = Long.MAX_VALUE;
    Map<ByteBuffer, Long> latest = latestOffsets(cleanable);
    int rewritten = 0;
    for (LogSegment segment : cleanable) {
      List<ByteBuffer> batches = new ArrayList<>();
      if (!filter(segment, latest, now, config.deleteRetentionMs(), batches)) {
        continue;
      }
      LogSegment cleaned = writeCleaned(segment, batches, config, now);
      synchronized (lock) {
        if (segments.isClosed()
            || segments.truncations() != truncations
            || !segments.isCurrentClosedSegment(segment)) {
          cleaned.release();
          cleaned.deleteFiles();
          lastCleanableEnd = -1; // the input changed: the next pass starts over
          return rewritten;
        }
        swap(segment, cleaned);
        segments.replace(
            segment, cleaned, clock.millis() + currentConfig.get().fileDeleteDelayMs());
      }
      rewritten++;
    }
    return rewritten;
  }

  private static Map<ByteBuffer, Long> latestOffsets(List<LogSegment> segments) {
    Map<ByteBuffer, Long> latest = new HashMap<>();
    for (LogSegment segment : segments) {
      BatchScanner scanner = segment.scan(0, segment.size());
      while (scanner.next()) {
        RecordBatch batch = RecordBatch.wrap(scanner.batchBytes());
        if (batch.isControl()) {
          continue;
        }
        for (Record record : batch.records()) {
          if (record.key() != null) {
            latest.put(ByteBuffer.wrap(record.key()), record.offset());
          }
        }
      }
    }
    return latest;
  }

  /**
   * Fills {@code out} with the segment's batches as compaction leaves them.
   *
   * @return true if any record was dropped
   */
  private boolean filter(
      LogSegment segment,
      Map<ByteBuffer, Long> latest,
      long now,
      long deleteRetentionMs,
      List<ByteBuffer> out) {
    boolean changed = false;
    BatchScanner scanner = segment.scan(0, segment.size());
    while (scanner.next()) {
      RecordBatch batch = RecordBatch.wrap(copy(scanner.batchBytes()));
      if (batch.isControl()) {
        out.add(batch.buffer());
        continue;
      }
      List<Record> records = batch.records();
      List<Record> kept = new ArrayList<>();
      for (Record record : records) {
        if (keep(record, latest, now, deleteRetentionMs)) {
          kept.add(record);
        }
      }
      if (kept.size() == records.size()) {
        out.add(batch.buffer());
      } else {
        out.add(rebuild(batch, kept));
        changed = true;
      }
    }
    return changed;
  }

  private boolean keep(
      Record record, Map<ByteBuffer, Long> latest, long now, long deleteRetentionMs) {
    if (record.key() == null) {
      return false;
    }
    Long latestOffset = latest.get(ByteBuffer.wrap(record.key()));
    if (latestOffset != null && latestOffset > record.offset()) {
      return false;
    }
    if (record.value() != null) {
      return true;
    }
    long timestamp = Math.max(record.timestamp(), 0);
    long expiry =
        deleteRetentionMs > Long.MAX_VALUE - timestamp
            ? Long.MAX_VALUE
            : timestamp + deleteRetentionMs;
    if (now < expiry) {
      nextTombstoneExpiry = Math.min(nextTombstoneExpiry, expiry);
      return true;
    }
    return false;
  }

  /** The batch with only {@code kept}, same offset range and header fields. */
  static ByteBuffer rebuild(RecordBatch batch, List<Record> kept) {
    var builder =
        new RecordBatchBuilder(batch.compressionType(), batch.baseOffset(), batch.baseTimestamp())
            .producer(batch.producerId(), batch.producerEpoch(), batch.baseSequence())
            .partitionLeaderEpoch(batch.partitionLeaderEpoch())
            .transactional(batch.isTransactional())
            .lastOffset(batch.lastOffset());
    for (Record record : kept) {
      builder.appendWithOffset(
          record.offset(), record.timestamp(), record.key(), record.value(), record.headers());
    }
    ByteBuffer rebuilt = builder.build();
    RecordBatch view = RecordBatch.wrap(rebuilt);
    if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
      view.setLogAppendTime(batch.maxTimestamp());
    } else if (kept.isEmpty()) {
      setMaxTimestamp(rebuilt, batch.maxTimestamp());
    }
    return rebuilt;
  }

  /**
   * Keeps an emptied batch's max timestamp, as Kafka's empty batch headers do, so time retention
   * and the time index still see it. The builder has no setter for it, so the field and the CRC
   * (which covers it) are patched here.
   */
  private static void setMaxTimestamp(ByteBuffer batch, long maxTimestamp) {
    batch.putLong(RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
    var crc = new CRC32C();
    crc.update(batch.duplicate().position(RecordBatch.ATTRIBUTES_OFFSET));
    batch.putInt(RecordBatch.CRC_OFFSET, (int) crc.getValue());
  }

  private static ByteBuffer copy(ByteBuffer bytes) {
    ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
    copy.put(bytes.duplicate()).flip();
    return copy;
  }

  private static LogSegment writeCleaned(
      LogSegment segment, List<ByteBuffer> batches, LogConfig config, long now) {
    Path dir = segment.logFile().getParent();
    LogSegment cleaned =
        LogSegment.create(
            dir,
            segment.baseOffset(),
            CLEANED_SUFFIX,
            config.segmentIndexBytes(),
            now,
            segment.firstSequence());
    for (ByteBuffer batch : batches) {
      cleaned.append(RecordBatch.wrap(batch), config.indexIntervalBytes());
    }
    cleaned.onBecomeInactive();
    cleaned.flush();
    return cleaned;
  }

  /** Puts the cleaned files in place of the old ones, in the crash-safe order above. */
  private static void swap(LogSegment old, LogSegment cleaned) {
    Path dir = old.logFile().getParent();
    long base = old.baseOffset();
    Fs.deleteIfExists(LogSegment.file(dir, base, LogSegment.INDEX_SUFFIX));
    Fs.deleteIfExists(LogSegment.file(dir, base, LogSegment.TIME_INDEX_SUFFIX));
    Fs.fsyncDirectory(dir);
    cleaned.renameFiles("");
    Fs.fsyncDirectory(dir);
  }
}
