package sluice.bench.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.storage.internals.log.FetchDataInfo;
import org.apache.kafka.storage.internals.log.LogConfig;
import org.apache.kafka.storage.internals.log.LogSegment;

/**
 * The Apache Kafka anchor: a sequence of Kafka 4.1 {@link LogSegment}s (artifact {@code
 * kafka-storage}) driven the way Kafka's {@code UnifiedLog}/{@code LocalLog} drive them, minus
 * producer-state and leader-epoch bookkeeping: the caller's batch gets the next offsets ({@code
 * setLastOffset}, as {@code LogValidator} does for uncompressed batches), the active segment rolls
 * when the batch would not fit in {@code segment.bytes} ({@code onBecomeInactiveSegment}, then the
 * old segment is flushed on a background thread as {@code UnifiedLog.roll} schedules it), and the
 * oldest segment is deleted once more than {@code retainedSegments} exist (after its flush).
 *
 * <p>Files are Kafka's own: {@code <20-digit base offset>.log/.index/.timeindex} in {@code dir}.
 * Not thread-safe: one writer; {@link #read} is safe alongside it only for offsets already
 * appended, as Kafka's segment reads are.
 */
public final class KafkaSegmentLog implements AutoCloseable {

  private final File dir;
  private final LogConfig config;
  private final long segmentBytes;
  private final int retainedSegments;
  private final Deque<LogSegment> segments = new ArrayDeque<>();
  private final Deque<CompletableFuture<Void>> flushes = new ArrayDeque<>();
  private final ExecutorService flusher;
  private long logEndOffset;

  /**
   * Opens an empty log in {@code dir} with Kafka's default topic configuration except {@code
   * segment.bytes}.
   */
  public KafkaSegmentLog(File dir, int segmentBytes, int retainedSegments) throws IOException {
    if (retainedSegments < 1) {
      throw new IllegalArgumentException("retainedSegments must be >= 1, got " + retainedSegments);
    }
    if (!dir.isDirectory() && !dir.mkdirs()) {
      throw new IOException("cannot create directory " + dir);
    }
    this.dir = dir;
    this.config = new LogConfig(Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, segmentBytes));
    this.segmentBytes = segmentBytes;
    this.retainedSegments = retainedSegments;
    this.flusher =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "kafka-segment-flush");
              t.setDaemon(true);
              return t;
            });
    segments.addLast(openSegment(0));
    flushes.addLast(CompletableFuture.completedFuture(null));
  }

  /**
   * Appends the one batch in {@code records} (whose buffer the log may modify) at the log end and
   * returns its base offset.
   */
  public long append(MemoryRecords records) throws IOException {
    MutableRecordBatch batch = records.batches().iterator().next();
    long lastOffsetDelta = batch.lastOffset() - batch.baseOffset();
    long base = logEndOffset;
    batch.setLastOffset(base + lastOffsetDelta);
    LogSegment active = segments.getLast();
    if (active.size() > 0 && (long) active.size() + records.sizeInBytes() > segmentBytes) {
      active = roll(base);
    }
    active.append(base + lastOffsetDelta, records);
    logEndOffset = base + lastOffsetDelta + 1;
    return base;
  }

  private LogSegment roll(long newBaseOffset) throws IOException {
    LogSegment previous = segments.getLast();
    previous.onBecomeInactiveSegment();
    flushes.removeLast();
    flushes.addLast(CompletableFuture.runAsync(() -> flush(previous), flusher));
    LogSegment next = openSegment(newBaseOffset);
    segments.addLast(next);
    flushes.addLast(CompletableFuture.completedFuture(null));
    while (segments.size() > retainedSegments) {
      LogSegment oldest = segments.removeFirst();
      flushes.removeFirst().join();
      oldest.close();
      oldest.deleteIfExists();
    }
    return next;
  }

  private static void flush(LogSegment segment) {
    try {
      segment.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private LogSegment openSegment(long baseOffset) throws IOException {
    return LogSegment.open(dir, baseOffset, config, Time.SYSTEM, 0, false);
  }

  /**
   * Kafka's fetch path inside one segment: the slice of whole batches starting with the one that
   * holds {@code offset}, at most {@code maxBytes} (or the first batch, if larger), copied into
   * {@code into} with positional reads, leaving it flipped for reading. Returns the bytes copied.
   */
  public int read(long offset, int maxBytes, ByteBuffer into) throws IOException {
    LogSegment segment = segmentFor(offset);
    FetchDataInfo info =
        segment.read(
            offset, maxBytes, Optional.of((long) segment.size()), /* minOneMessage */ true);
    FileRecords slice = (FileRecords) info.records;
    into.clear();
    into.limit(Math.min(into.capacity(), slice.sizeInBytes()));
    slice.readInto(into, 0); // flips
    return into.remaining();
  }

  private LogSegment segmentFor(long offset) {
    if (offset < 0 || offset >= logEndOffset) {
      throw new IllegalArgumentException(
          "offset "
              + offset
              + " is outside the log ["
              + logStartOffset()
              + ", "
              + logEndOffset
              + ")");
    }
    LogSegment found = null;
    for (LogSegment s : segments) {
      if (s.baseOffset() <= offset) {
        found = s;
      }
    }
    if (found == null) {
      throw new IllegalArgumentException(
          "offset " + offset + " was deleted; the log starts at " + logStartOffset());
    }
    return found;
  }

  /** The next offset to be assigned. */
  public long logEndOffset() {
    return logEndOffset;
  }

  /** The base offset of the oldest retained segment. */
  public long logStartOffset() {
    return segments.getFirst().baseOffset();
  }

  /** Flushes every segment to disk. */
  public void flush() throws IOException {
    for (LogSegment s : segments) {
      s.flush();
    }
  }

  /** Waits for background flushes and closes every segment (files stay on disk). */
  @Override
  public void close() throws IOException {
    flushes.forEach(CompletableFuture::join);
    flusher.shutdown();
    for (LogSegment s : segments) {
      s.close();
    }
  }
}
