package sluice.storage.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import sluice.storage.record.RecordBatch;

/**
 * The segments of one partition log by base offset, and the batches in them (Kafka's {@code
 * LocalLog} without the flushing): the last segment is active and takes appends, the others are
 * closed. Keeps the log end offset and the batch sequences.
 *
 * <p><b>Batch sequences.</b> Every appended batch gets a sequence number: 1 for the first batch
 * ever appended, +1 per batch. Retention deletes whole segments and their numbers with them;
 * compaction never removes a batch (an emptied batch stays as a header); {@link #truncateTo} gives
 * the numbers of removed batches back. A log restarted empty ({@link #restartEmptyAt}) numbers from
 * 1 again, as a new log. Each segment knows its first sequence, which the log's checkpoint keeps,
 * so numbers survive restarts.
 *
 * <p>A segment removed from the log goes to {@link RetiredSegments}, which keeps it open for
 * readers in flight.
 *
 * <p>Thread-safety: the owning {@link PartitionLog} calls the mutators under its lock. {@link
 * #read}, {@link #offsetForTimestamp} and the offset getters are safe from any thread without a
 * lock: the map is concurrent, the active segment, log end and last sequence are volatile, and a
 * segment's reads are safe alongside its writer.
 */
final class LogSegments {
  private final Path dir;
  private final ConcurrentSkipListMap<Long, LogSegment> segments;
  private final RetiredSegments retired = new RetiredSegments();
  private volatile LogSegment active;
  private volatile long endOffset;
  private volatile long lastSequence;
  private volatile boolean closed;
  // guarded by the log's lock
  private long truncations;

  LogSegments(Path dir, Map<Long, LogSegment> loaded, long lastSequence) {
    this.dir = dir;
    this.segments = new ConcurrentSkipListMap<>(loaded);
    this.active = segments.lastEntry().getValue();
    this.endOffset = active.nextOffset();
    this.lastSequence = lastSequence;
  }

  Path dir() {
    return dir;
  }

  long startOffset() {
    return segments.firstKey();
  }

  long endOffset() {
    return endOffset;
  }

  long lastSequence() {
    return lastSequence;
  }

  LogSegment active() {
    return active;
  }

  int count() {
    return segments.size();
  }

  long sizeInBytes() {
    long size = 0;
    for (LogSegment segment : segments.values()) {
      size += segment.size();
    }
    return size;
  }

  /** True once {@link #close} or {@link #release} ran: no file is open any more. */
  boolean isClosed() {
    return closed;
  }

  /** Changes whenever batches are removed from the end, so work that read them can tell. */
  long truncations() {
    return truncations;
  }

  /** True if {@code segment} is still in the log. */
  boolean contains(LogSegment segment) {
    return segments.get(segment.baseOffset()) == segment;
  }

  /** Each segment's first sequence by base offset, for the checkpoint. */
  TreeMap<Long, Long> firstSequences() {
    var firstSequences = new TreeMap<Long, Long>();
    for (LogSegment segment : segments.values()) {
      firstSequences.put(segment.baseOffset(), segment.firstSequence());
    }
    return firstSequences;
  }

  /**
   * A snapshot of the segments from the one holding {@code offset} (from the first, if none does)
   * to the last starting below {@code upTo}.
   */
  List<LogSegment> from(long offset, long upTo) {
    Long from = segments.floorKey(offset);
    return new ArrayList<>(
        (from == null ? segments.headMap(upTo) : segments.subMap(from, upTo)).values());
  }

  /** A snapshot of the closed segments, oldest first. */
  List<LogSegment> closedSegments() {
    List<LogSegment> closedOnes = new ArrayList<>(segments.values());
    closedOnes.remove(closedOnes.size() - 1);
    return closedOnes;
  }

  /** True if {@code segment} is still in the log and closed. */
  boolean isCurrentClosedSegment(LogSegment segment) {
    return contains(segment) && segment != active;
  }

  /**
   * @throws IllegalStateException if {@code batch} does not start at the log end offset
   * @throws IllegalArgumentException if it is not an appendable v2 batch
   */
  void checkAppendable(RecordBatch batch) {
    if (batch.baseOffset() != endOffset) {
      throw new IllegalStateException(
          "Batch base offset "
              + batch.baseOffset()
              + " is not the log end offset "
              + endOffset
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
  }

  /**
   * True if the active segment must roll before {@code next}: it holds batches and is full ({@code
   * segment.bytes}, an index, or offsets beyond its base's reach) or {@code segment.ms} has passed
   * since its first batch's timestamp by {@code next}'s.
   */
  boolean rollDue(RecordBatch next, long now, LogConfig config) {
    LogSegment segment = active;
    return !segment.isEmpty()
        && (!segment.canFit(next.sizeInBytes(), next.lastOffset(), config.segmentBytes())
            || segment.timeWaitedForRoll(now, next.maxTimestamp()) >= config.segmentMs());
  }

  /** True if the active segment holds batches and {@code segment.ms} has passed by {@code now}. */
  boolean rollDue(long now, LogConfig config) {
    LogSegment segment = active;
    return !segment.isEmpty() && segment.timeWaitedForRoll(now, now) >= config.segmentMs();
  }

  /** Writes {@code batch} at the end of the active segment and returns its sequence. */
  long append(RecordBatch batch, int indexIntervalBytes) {
    active.append(batch, indexIntervalBytes);
    endOffset = batch.nextOffset();
    long sequence = lastSequence + 1;
    lastSequence = sequence;
    return sequence;
  }

  /** Closes the active segment for appends and starts a new one at the log end. */
  void roll(long now, int maxIndexSize) {
    LogSegment old = active;
    old.onBecomeInactive();
    LogSegment fresh = LogSegment.create(dir, endOffset, maxIndexSize, now, lastSequence + 1);
    segments.put(fresh.baseOffset(), fresh);
    active = fresh;
  }

  /**
   * Removes every batch holding an offset at or above {@code offset}, which lies in [log start, log
   * end), and gives their sequence numbers back: later segments are retired, the one holding {@code
   * offset} is truncated, fsynced (so removed batches cannot come back after a crash) and becomes
   * active.
   */
  void truncateTo(long offset, long now, LogConfig config) {
    truncations++;
    Map.Entry<Long, LogSegment> floorEntry = segments.lowerEntry(offset);
    LogSegment floor =
        floorEntry != null ? floorEntry.getValue() : segments.firstEntry().getValue();
    List<LogSegment> removed =
        new ArrayList<>(segments.tailMap(floor.baseOffset(), false).values());
    long sequenceAfterFloor = removed.isEmpty() ? lastSequence + 1 : removed.get(0).firstSequence();
    for (LogSegment segment : removed) {
      retire(segment, now, config);
    }
    int removedInFloor = floor.truncateTo(offset);
    floor.onBecomeActive(config.segmentIndexBytes());
    floor.flush();
    active = floor;
    endOffset = floor.nextOffset();
    lastSequence = sequenceAfterFloor - removedInFloor - 1;
  }

  /**
   * Replaces every segment by one empty segment at {@code offset}, which no segment starts at, and
   * numbers batches from 1 again, as in a new log: the history before is gone, so every sequence
   * number that describes it (a snapshot's, say) is now above {@link #lastSequence}, where it is
   * recognisably stale. Giving back only the removed batches' numbers would leave an older
   * history's number (one retention had already removed the batch of) equal to the new last
   * sequence, and a snapshot taken there would seem to describe the restarted log.
   */
  void restartEmptyAt(long offset, long now, LogConfig config) {
    truncations++;
    long nextSequence = 1;
    List<LogSegment> removed = new ArrayList<>(segments.values());
    LogSegment fresh =
        LogSegment.create(dir, offset, config.segmentIndexBytes(), now, nextSequence);
    segments.put(offset, fresh);
    active = fresh;
    for (LogSegment segment : removed) {
      retire(segment, now, config);
    }
    endOffset = offset;
    lastSequence = nextSequence - 1;
  }

  /**
   * Retires closed segments from the oldest while their newest record is older than {@code
   * retention.ms}, then while the log without them is still at least {@code retention.bytes}.
   *
   * @return the number of segments retired
   */
  int retireByRetention(long now, LogConfig config) {
    int deleted = 0;
    while (segments.size() > 1
        && config.retentionMs() >= 0
        && now - segments.firstEntry().getValue().largestTimestamp() > config.retentionMs()) {
      retire(segments.firstEntry().getValue(), now, config);
      deleted++;
    }
    long excess = config.retentionBytes() < 0 ? -1 : sizeInBytes() - config.retentionBytes();
    while (segments.size() > 1 && excess - segments.firstEntry().getValue().size() >= 0) {
      excess -= segments.firstEntry().getValue().size();
      retire(segments.firstEntry().getValue(), now, config);
      deleted++;
    }
    return deleted;
  }

  /**
   * Puts a compacted copy in place of a closed segment. The old one stays open for reads in flight
   * until {@code dueMs}; its files were replaced, not renamed.
   */
  void replace(LogSegment old, LogSegment cleaned, long dueMs) {
    segments.put(cleaned.baseOffset(), cleaned);
    retired.replaced(old, dueMs);
  }

  /** Closes the retired segments whose delay has passed and deletes their files. */
  void closeRetired(long now) {
    retired.closeDue(now);
  }

  /** Removes a segment from the log; its files go after {@code file.delete.delay.ms}. */
  private void retire(LogSegment segment, long now, LogConfig config) {
    segments.remove(segment.baseOffset(), segment);
    retired.retire(segment, now + config.fileDeleteDelayMs());
  }

  /** See {@link PartitionLog#read}. */
  FetchSlice read(long offset, int maxBytes, long maxOffsetExclusive) {
    long end = endOffset;
    Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
    if (offset > end || entry == null || offset < segments.firstKey()) {
      throw new OffsetOutOfRangeException(offset, startOffset(), end);
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

  /** See {@link PartitionLog#offsetForTimestamp}. */
  OptionalLong offsetForTimestamp(long timestamp) {
    for (LogSegment segment : segments.values()) {
      OptionalLong found = segment.findOffsetByTimestamp(timestamp);
      if (found.isPresent()) {
        return found;
      }
    }
    return OptionalLong.empty();
  }

  /** See {@link PartitionLog#batchHeadersFrom}; call under the log's lock. */
  BatchCursor batchHeadersFrom(long fromSequence) {
    List<LogSegment> snapshot = new ArrayList<>(segments.values());
    List<Integer> sizes = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < snapshot.size(); i++) {
      sizes.add(snapshot.get(i).size());
      if (snapshot.get(i).firstSequence() <= fromSequence) {
        start = i;
      }
    }
    return new BatchCursor(
        snapshot.subList(start, snapshot.size()),
        sizes.subList(start, sizes.size()),
        fromSequence,
        lastSequence);
  }

  /** Trims, fsyncs and closes every segment, and the retired ones; the log is closing. */
  void close() {
    closed = true;
    for (LogSegment segment : segments.values()) {
      segment.close();
    }
    retired.closeAll();
  }

  /** Closes every file without writing anything, as a crash would leave them. */
  void release() {
    closed = true;
    for (LogSegment segment : segments.values()) {
      segment.release();
    }
    retired.closeAll();
  }
}
