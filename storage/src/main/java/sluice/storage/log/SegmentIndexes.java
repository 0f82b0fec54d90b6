package sluice.storage.log;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/**
 * The two indexes of one segment, {@code <base>.index} ({@link OffsetIndex}) and {@code
 * <base>.timeindex} ({@link TimeIndex}), and what they are built from as batches arrive: the
 * largest timestamp so far with its offset, and the bytes since the last entry. A pair of entries
 * is added once more than {@code index.interval.bytes} have passed since the last, so the indexes
 * stay sparse; the time index gets the final largest timestamp when the segment closes for appends.
 *
 * <p>A write fault on an index (a full file system under a mapped file) skips that pair: the batch
 * is in the log, and a missing entry only makes lookups scan from the previous one. No attempt is
 * made to checksum the files; after a restart {@link LogSegment} checks them against its batches
 * and rebuilds them from the batch headers if they are wrong.
 *
 * <p>Thread-safety: the segment's writer updates them; lookups and {@link #maxTimestamp()} are safe
 * from any thread.
 */
final class SegmentIndexes {
  private static final System.Logger LOG = System.getLogger(LogSegment.class.getName());

  private final long baseOffset;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private volatile long maxTimestampSoFar = TimeIndex.NO_TIMESTAMP;
  private volatile long offsetOfMaxTimestampSoFar;
  private int bytesSinceLastIndexEntry;

  /** Opens (creating if missing) the indexes of the segment at {@code baseOffset}. */
  SegmentIndexes(Path dir, long baseOffset, String suffix, int maxIndexSize) {
    this.baseOffset = baseOffset;
    this.offsetIndex =
        new OffsetIndex(
            LogSegment.file(dir, baseOffset, LogSegment.INDEX_SUFFIX + suffix),
            baseOffset,
            maxIndexSize);
    this.timeIndex =
        new TimeIndex(
            LogSegment.file(dir, baseOffset, LogSegment.TIME_INDEX_SUFFIX + suffix),
            baseOffset,
            maxIndexSize);
    this.offsetOfMaxTimestampSoFar = baseOffset;
  }

  /** Deletes the index files of that name, if any: a new segment replaces them. */
  static void deleteFiles(Path dir, long baseOffset, String suffix) {
    Fs.deleteIfExists(LogSegment.file(dir, baseOffset, LogSegment.INDEX_SUFFIX + suffix));
    Fs.deleteIfExists(LogSegment.file(dir, baseOffset, LogSegment.TIME_INDEX_SUFFIX + suffix));
  }

  OffsetIndex offsetIndex() {
    return offsetIndex;
  }

  TimeIndex timeIndex() {
    return timeIndex;
  }

  /** The largest record timestamp of the segment's batches, or {@link TimeIndex#NO_TIMESTAMP}. */
  long maxTimestamp() {
    return maxTimestampSoFar;
  }

  /** True if either index has no room for another entry: the segment must roll. */
  boolean isFull() {
    return offsetIndex.isFull() || timeIndex.isFull();
  }

  /**
   * Takes in a batch now at {@code position}: its timestamp, and a pair of entries if more than
   * {@code indexIntervalBytes} passed since the last. {@code segmentFile} names the segment in the
   * warning of a skipped entry.
   */
  void onBatch(
      int position,
      long lastOffset,
      long maxTimestamp,
      int batchSize,
      int indexIntervalBytes,
      Path segmentFile) {
    observe(maxTimestamp, lastOffset);
    if (bytesSinceLastIndexEntry > indexIntervalBytes && !isFull()) {
      try {
        offsetIndex.append(lastOffset, position);
        timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, false);
        bytesSinceLastIndexEntry = 0;
      } catch (UncheckedIOException e) {
        // The batch is in the log; indexes are sparse, so a missing entry only makes lookups
        // scan from the previous one. The next batch tries again.
        LOG.log(Level.WARNING, "Skipped an index entry of " + segmentFile + ": " + e.getMessage());
      }
    }
    bytesSinceLastIndexEntry += batchSize;
  }

  /** Takes a batch's largest timestamp into the running largest. */
  void observe(long maxTimestamp, long lastOffset) {
    if (maxTimestamp > maxTimestampSoFar) {
      maxTimestampSoFar = maxTimestamp;
      offsetOfMaxTimestampSoFar = lastOffset;
    }
  }

  /**
   * Restores the running state from the last entries, for a segment whose first {@code validSize}
   * bytes hold trusted batches the indexes agree with.
   *
   * @return where the batches must be scanned from, each {@link #observe}d, to finish it
   */
  int restore(int validSize) {
    TimeIndex.Entry lastTime = timeIndex.lastEntry();
    OffsetIndex.Entry lastIndexed = offsetIndex.lastEntry();
    int start = Math.min(offsetIndex.lookup(lastTime.offset()).position(), lastIndexed.position());
    maxTimestampSoFar = lastTime.timestamp();
    offsetOfMaxTimestampSoFar = lastTime.offset();
    bytesSinceLastIndexEntry = validSize - lastIndexed.position();
    return start;
  }

  /** The offset after the last indexed batch; the base offset if none is indexed. */
  long nextOffsetIndexed() {
    return offsetIndex.lastEntry().offset() + (offsetIndex.entries() == 0 ? 0 : 1);
  }

  /**
   * Checks both indexes against the first {@code size} bytes of {@code file}: the offset index's
   * entries and its last one, which must point at a batch ending at that offset; {@code
   * nextOffsetBound} bounds the time index.
   *
   * @throws CorruptIndexException naming the index and what is wrong
   */
  void sanityCheck(SegmentFile file, int size, long nextOffsetBound) {
    offsetIndex.sanityCheck(size);
    if (offsetIndex.entries() > 0) {
      OffsetIndex.Entry last = offsetIndex.lastEntry();
      var scanner = file.scan(last.position(), size);
      if (!scanner.next() || scanner.header().lastOffset() != last.offset()) {
        throw new CorruptIndexException(
            "Index "
                + offsetIndex.file()
                + " last entry "
                + last
                + " does not point at a batch ending at that offset in "
                + file.path());
      }
    }
    timeIndex.sanityCheck(nextOffsetBound);
  }

  /** Empties both indexes and the running state, to build them again from the batches. */
  void reset() {
    offsetIndex.reset();
    timeIndex.reset();
    maxTimestampSoFar = TimeIndex.NO_TIMESTAMP;
    offsetOfMaxTimestampSoFar = baseOffset;
    bytesSinceLastIndexEntry = 0;
  }

  /** Removes the entries at or above {@code offset}. */
  void truncateTo(long offset) {
    offsetIndex.truncateTo(offset);
    timeIndex.truncateTo(offset);
  }

  /**
   * Records the final largest timestamp and trims both files: the segment is closed for appends.
   */
  void onBecomeInactive() {
    timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, true);
    offsetIndex.trimToValidSize();
    timeIndex.trimToValidSize();
  }

  /** Preallocates both files for appends: the segment is the active one. */
  void onBecomeActive(int maxIndexSize) {
    offsetIndex.resize(maxIndexSize);
    timeIndex.resize(maxIndexSize);
  }

  void flush() {
    offsetIndex.flush();
    timeIndex.flush();
  }

  /** Renames both files to the plain names plus {@code suffix}. */
  void renameTo(Path dir, String suffix) {
    offsetIndex.renameTo(LogSegment.file(dir, baseOffset, LogSegment.INDEX_SUFFIX + suffix));
    timeIndex.renameTo(LogSegment.file(dir, baseOffset, LogSegment.TIME_INDEX_SUFFIX + suffix));
  }

  void deleteFiles() {
    offsetIndex.deleteFile();
    timeIndex.deleteFile();
  }
}
