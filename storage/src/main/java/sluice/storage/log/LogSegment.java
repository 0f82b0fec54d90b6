package sluice.storage.log;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.OptionalLong;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;

/**
 * One segment of a partition log: its {@code <base>.log} file ({@link SegmentFile}) and that file's
 * {@link SegmentIndexes}, {@code <base>.index} and {@code <base>.timeindex}, where {@code <base>}
 * is the segment's base offset in 20 digits. The segment keeps the two in step (append, truncation,
 * recovery, roll), owns the size up to which the file holds whole batches and its next offset, and
 * hands reads to a {@link SegmentReader}.
 *
 * <p>Crash behaviour: bytes are appended with positional writes and not forced until {@link
 * #flush()}; after a crash {@link #recover} checks each batch from a position on (lengths, CRC,
 * contiguous offsets) and truncates the file at the first one that fails.
 *
 * <p>Thread-safety: one writer ({@link PartitionLog} under its lock) appends, truncates, recovers
 * and closes; {@link #read} and the other queries are safe from any thread. The size is volatile
 * and advanced after the bytes and their index entries are written, so a reader that snapshots it
 * sees whole batches.
 */
final class LogSegment {
  static final String LOG_SUFFIX = ".log";
  static final String INDEX_SUFFIX = ".index";
  static final String TIME_INDEX_SUFFIX = ".timeindex";

  private final long baseOffset;
  private final SegmentFile file;
  private final SegmentIndexes indexes;
  private final SegmentReader reader;
  private final long createdMs;
  private volatile int size;
  private volatile long nextOffset;
  private volatile long firstBatchTimestamp = TimeIndex.NO_TIMESTAMP;
  private volatile long firstSequence;

  private LogSegment(
      Path dir, long baseOffset, String suffix, int maxIndexSize, long createdMs, boolean fresh) {
    this.baseOffset = baseOffset;
    this.createdMs = createdMs;
    if (fresh) {
      SegmentIndexes.deleteFiles(dir, baseOffset, suffix);
    }
    this.file = new SegmentFile(file(dir, baseOffset, LOG_SUFFIX + suffix), fresh);
    this.size = (int) file.length();
    this.indexes = new SegmentIndexes(dir, baseOffset, suffix, maxIndexSize);
    this.reader = new SegmentReader(baseOffset, file, indexes);
    this.nextOffset = baseOffset;
  }

  /** A new empty segment; any files of that name are replaced. */
  static LogSegment create(
      Path dir, long baseOffset, int maxIndexSize, long nowMs, long firstSequence) {
    return create(dir, baseOffset, "", maxIndexSize, nowMs, firstSequence);
  }

  /** A new empty segment whose file names carry {@code suffix} (e.g. {@code .cleaned}). */
  static LogSegment create(
      Path dir, long baseOffset, String suffix, int maxIndexSize, long nowMs, long firstSequence) {
    var segment = new LogSegment(dir, baseOffset, suffix, maxIndexSize, nowMs, true);
    segment.firstSequence = firstSequence;
    return segment;
  }

  /**
   * Opens an existing segment without reading it; the caller then checks the indexes and calls
   * {@link #loadState}, {@link #rebuildIndexes} or {@link #recover}.
   */
  static LogSegment open(Path dir, long baseOffset, int maxIndexSize, long nowMs) {
    return new LogSegment(dir, baseOffset, "", maxIndexSize, nowMs, false);
  }

  static Path file(Path dir, long baseOffset, String suffix) {
    return dir.resolve(String.format("%020d", baseOffset) + suffix);
  }

  long baseOffset() {
    return baseOffset;
  }

  Path logFile() {
    return file.path();
  }

  FileChannel channel() {
    return file.channel();
  }

  SegmentIndexes indexes() {
    return indexes;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The offset after this segment's last batch (the base offset when empty). */
  long nextOffset() {
    return nextOffset;
  }

  /** Sequence of this segment's first batch (of the next batch appended, when empty). */
  long firstSequence() {
    return firstSequence;
  }

  void setFirstSequence(long firstSequence) {
    this.firstSequence = firstSequence;
  }

  /** The largest record timestamp, or the file's modification time if no batch has one. */
  long largestTimestamp() {
    long max = indexes.maxTimestamp();
    return max >= 0 ? max : file.lastModifiedMs();
  }

  /**
   * How long this segment has been rolling, measured as Kafka does: from its first batch's max
   * timestamp to {@code timestamp} (an incoming batch's max timestamp, or now for a quiet log), or
   * from its creation (or load) time to {@code nowMs} if it has no timestamped batch.
   */
  long timeWaitedForRoll(long nowMs, long timestamp) {
    long first = firstBatchTimestamp;
    return first >= 0 ? timestamp - first : nowMs - createdMs;
  }

  /** True if appending a batch of {@code batchSize} bytes ending at {@code lastOffset} fits. */
  boolean canFit(int batchSize, long lastOffset, int segmentBytes) {
    return (long) size + batchSize <= segmentBytes
        && !indexes.isFull()
        && lastOffset - baseOffset <= Integer.MAX_VALUE;
  }

  /**
   * Writes the batch at the end of the file and indexes it if {@code indexIntervalBytes} have
   * passed since the last index entry.
   */
  void append(RecordBatch batch, int indexIntervalBytes) {
    int position = size;
    ByteBuffer bytes = batch.buffer().duplicate();
    int batchSize = bytes.remaining();
    file.write(bytes, position);
    onBatch(
        position,
        batch.baseOffset(),
        batch.lastOffset(),
        batch.maxTimestamp(),
        batchSize,
        indexIntervalBytes);
    size = position + batchSize;
  }

  /**
   * Updates the timestamps, next offset and indexes for a batch now present at {@code position}.
   */
  private void onBatch(
      int position,
      long batchBaseOffset,
      long lastOffset,
      long maxTimestamp,
      int batchSize,
      int indexIntervalBytes) {
    if (position == 0) {
      firstBatchTimestamp = maxTimestamp;
    }
    indexes.onBatch(position, lastOffset, maxTimestamp, batchSize, indexIntervalBytes, logFile());
    nextOffset = lastOffset + 1;
    if (batchBaseOffset < baseOffset) {
      throw new IllegalStateException(
          "Batch base offset " + batchBaseOffset + " is below segment base " + baseOffset);
    }
  }

  /** See {@link SegmentReader#read}. */
  FetchSlice read(long offset, int maxBytes, long maxOffsetExclusive) {
    return reader.read(size, offset, maxBytes, maxOffsetExclusive);
  }

  /** See {@link SegmentReader#findOffsetByTimestamp}. */
  OptionalLong findOffsetByTimestamp(long timestamp) {
    return reader.findOffsetByTimestamp(size, timestamp);
  }

  /** See {@link SegmentReader#positionOfBoundary}. */
  int positionOfBoundary(long offset) {
    return reader.positionOfBoundary(size, offset);
  }

  /** A scanner over the batches in {@code [start, end)}. */
  BatchScanner scan(long start, long end) {
    return file.scan(start, end);
  }

  /** Number of whole batches in {@code [start, end)}. */
  int countBatches(long start, long end) {
    var scanner = scan(start, end);
    int count = 0;
    while (scanner.next()) {
      count++;
    }
    return count;
  }

  /**
   * Recomputes the in-memory state (next offset, max timestamp, first batch timestamp) for a file
   * whose first {@code validSize} bytes hold trusted batches and whose indexes are consistent with
   * them; scans only from the last time-index entry.
   */
  void loadState(int validSize) {
    size = validSize;
    int start = indexes.restore(validSize);
    nextOffset = indexes.nextOffsetIndexed();
    firstBatchTimestamp = TimeIndex.NO_TIMESTAMP;
    if (validSize >= RecordBatch.HEADER_SIZE) {
      var first = scan(0, validSize);
      if (first.next()) {
        firstBatchTimestamp = first.header().maxTimestamp();
      }
    }
    var scanner = scan(start, validSize);
    while (scanner.next()) {
      BatchHeader header = scanner.header();
      indexes.observe(header.maxTimestamp(), header.lastOffset());
      nextOffset = Math.max(nextOffset, header.nextOffset());
    }
  }

  /** See {@link SegmentIndexes#sanityCheck}. */
  void sanityCheckIndexes(long nextOffsetBound) {
    indexes.sanityCheck(file, size, nextOffsetBound);
  }

  /**
   * Rebuilds both indexes from a header scan of the whole file, trusting its batches. A header that
   * cannot be a batch (bit rot below the recovery point) ends the scan: the batches before it are
   * indexed, a read reaching it fails with its position.
   *
   * @return null, or the corrupt header's description
   */
  String rebuildIndexes(int indexIntervalBytes) {
    resetState();
    var scanner = scan(0, size);
    try {
      while (scanner.next()) {
        BatchHeader h = scanner.header();
        onBatch(
            (int) scanner.position(),
            h.baseOffset(),
            h.lastOffset(),
            h.maxTimestamp(),
            h.sizeInBytes(),
            indexIntervalBytes);
      }
      return null;
    } catch (CorruptRecordException e) {
      return e.getMessage();
    }
  }

  private void resetState() {
    indexes.reset();
    firstBatchTimestamp = TimeIndex.NO_TIMESTAMP;
    nextOffset = baseOffset;
  }

  /** Outcome of {@link #recover}: batches kept after the start and what ended the scan. */
  record Recovery(int validBatches, long truncatedBytes, String problem) {}

  /**
   * Checks every batch from {@code from} (a batch boundary whose earlier bytes are trusted and
   * indexed) to the end of the file: header, length, CRC and offsets ascending from {@code
   * expectedOffset} without gaps (compaction keeps every batch's offset range). Indexes are rebuilt
   * from {@code from}; the file is truncated at the first batch that fails, so a corrupt batch is
   * never served.
   */
  Recovery recover(int from, long expectedOffset, int indexIntervalBytes) {
    long fileSize = file.length();
    if (from == 0) {
      resetState();
    } else {
      indexes.truncateTo(expectedOffset);
      loadState(from);
    }
    var scanner = scan(from, fileSize);
    long expected = Math.max(expectedOffset, baseOffset);
    int valid = 0;
    String problem = null;
    while (problem == null) {
      try {
        if (!scanner.next()) {
          if (scanner.position() < fileSize) {
            problem = "torn batch (" + (fileSize - scanner.position()) + " bytes)";
          }
          break;
        }
        BatchHeader header = scanner.header();
        RecordBatch.wrap(scanner.batchBytes()).ensureValid();
        if (header.baseOffset() != expected) {
          problem =
              "batch base offset " + header.baseOffset() + " does not follow on from " + expected;
          break;
        }
        onBatch(
            (int) scanner.position(),
            header.baseOffset(),
            header.lastOffset(),
            header.maxTimestamp(),
            header.sizeInBytes(),
            indexIntervalBytes);
        expected = header.nextOffset();
        valid++;
      } catch (CorruptRecordException | IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    long validEnd = scanner.position();
    long truncated = fileSize - validEnd;
    if (truncated > 0) {
      truncateFile((int) validEnd);
      problem = "at position " + validEnd + " in " + logFile() + ": " + problem;
    } else {
      size = (int) validEnd;
    }
    return new Recovery(valid, truncated, truncated > 0 ? problem : null);
  }

  /**
   * Removes every batch holding an offset at or above {@code offset} (a batch that straddles it
   * goes entirely).
   *
   * @return the number of batches removed
   */
  int truncateTo(long offset) {
    BatchScanner scanner = reader.seek(offset, size);
    if (scanner == null) {
      return 0;
    }
    int position = (int) scanner.position();
    int removed = countBatches(position, size);
    indexes.truncateTo(scanner.header().baseOffset());
    truncateFile(position);
    loadState(position);
    return removed;
  }

  private void truncateFile(int position) {
    size = position;
    file.truncate(position);
  }

  /** Records the final max timestamp and trims the indexes: the segment is closed for appends. */
  void onBecomeInactive() {
    indexes.onBecomeInactive();
  }

  /** Preallocates the indexes for appends: the segment is the active one. */
  void onBecomeActive(int maxIndexSize) {
    indexes.onBecomeActive(maxIndexSize);
  }

  /** Forces the log and both indexes to disk. */
  void flush() {
    file.flush();
    indexes.flush();
  }

  /** Trims the indexes, forces everything and closes the file. */
  void close() {
    if (!file.isOpen()) {
      return;
    }
    onBecomeInactive();
    flush();
    release();
  }

  /** Closes the file without touching it (a retired segment whose files are gone or renamed). */
  void release() {
    file.close();
  }

  /**
   * Renames the three files to the plain names plus {@code suffix} (may be empty): the log first,
   * made durable before the indexes follow, so a crash never pairs a log with another's indexes.
   */
  void renameFiles(String to) {
    Path dir = logFile().getParent();
    file.renameTo(file(dir, baseOffset, LOG_SUFFIX + to));
    indexes.renameTo(dir, to);
  }

  /** Deletes the three files (after {@link #release()}). */
  void deleteFiles() {
    file.delete();
    indexes.deleteFiles();
  }

  @Override
  public String toString() {
    return "LogSegment(" + logFile() + ", size " + size + ", next offset " + nextOffset + ")";
  }
}
