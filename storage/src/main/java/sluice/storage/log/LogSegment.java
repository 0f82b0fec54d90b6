package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;

/**
 * One segment of a partition log: {@code <base>.log} holding concatenated v2 batches exactly as
 * appended (no file header), with its {@link OffsetIndex} ({@code <base>.index}) and {@link
 * TimeIndex} ({@code <base>.timeindex}); {@code <base>} is the segment's base offset in 20 digits.
 *
 * <p>Crash behaviour: bytes are appended with positional writes and not forced until {@link
 * #flush()}; after a crash {@link #recover} checks each batch from a position on (lengths, CRC,
 * contiguous offsets) and truncates the file at the first one that fails.
 *
 * <p>Thread-safety: one writer ({@link PartitionLog} under its lock) appends, truncates, recovers
 * and closes; {@link #read} and the other queries are safe from any thread. The size is volatile
 * and advanced after the bytes are written, so a reader that snapshots it sees whole batches.
 */
final class LogSegment {
  private static final System.Logger LOG = System.getLogger(LogSegment.class.getName());

  static final String LOG_SUFFIX = ".log";
  static final String INDEX_SUFFIX = ".index";
  static final String TIME_INDEX_SUFFIX = ".timeindex";

  private static final int SCAN_READ_AHEAD = 64 * 1024;

  /**
   * One batch header per reading thread: a fetch reads just the headers it needs into it, so the
   * read path allocates nothing but its {@link FetchSlice}.
   */
  private static final ThreadLocal<ByteBuffer> READ_HEADER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(RecordBatch.HEADER_SIZE));

  private final long baseOffset;
  private final FileChannel channel;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private final long createdMs;
  private volatile Path logFile;
  private volatile int size;
  private volatile long nextOffset;
  private volatile long maxTimestampSoFar = TimeIndex.NO_TIMESTAMP;
  private volatile long offsetOfMaxTimestampSoFar;
  private volatile long firstBatchTimestamp = TimeIndex.NO_TIMESTAMP;
  private volatile long firstSequence;
  private int bytesSinceLastIndexEntry;

  private LogSegment(
      Path dir, long baseOffset, String suffix, int maxIndexSize, long createdMs, boolean fresh) {
    this.baseOffset = baseOffset;
    this.createdMs = createdMs;
    this.logFile = file(dir, baseOffset, LOG_SUFFIX + suffix);
    try {
      if (fresh) {
        Files.deleteIfExists(file(dir, baseOffset, INDEX_SUFFIX + suffix));
        Files.deleteIfExists(file(dir, baseOffset, TIME_INDEX_SUFFIX + suffix));
      }
      var options =
          fresh
              ? new StandardOpenOption[] {
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE
              }
              : new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
      this.channel = FileChannel.open(logFile, options);
      long length = channel.size();
      if (length > Integer.MAX_VALUE) {
        throw new CorruptRecordException(
            "Segment " + logFile + " is " + length + " bytes, beyond the 2 GiB segment limit");
      }
      this.size = (int) length;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open segment " + logFile, e);
    }
    this.offsetIndex =
        new OffsetIndex(file(dir, baseOffset, INDEX_SUFFIX + suffix), baseOffset, maxIndexSize);
    this.timeIndex =
        new TimeIndex(file(dir, baseOffset, TIME_INDEX_SUFFIX + suffix), baseOffset, maxIndexSize);
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestampSoFar = baseOffset;
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
    return logFile;
  }

  FileChannel channel() {
    return channel;
  }

  OffsetIndex offsetIndex() {
    return offsetIndex;
  }

  TimeIndex timeIndex() {
    return timeIndex;
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
    long max = maxTimestampSoFar;
    if (max >= 0) {
      return max;
    }
    try {
      return Files.getLastModifiedTime(logFile).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stat " + logFile, e);
    }
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
        && !offsetIndex.isFull()
        && !timeIndex.isFull()
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
    try {
      long at = position;
      while (bytes.hasRemaining()) {
        at += channel.write(bytes, at);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to " + logFile, e);
    }
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
    if (maxTimestamp > maxTimestampSoFar) {
      maxTimestampSoFar = maxTimestamp;
      offsetOfMaxTimestampSoFar = lastOffset;
    }
    if (bytesSinceLastIndexEntry > indexIntervalBytes
        && !offsetIndex.isFull()
        && !timeIndex.isFull()) {
      try {
        offsetIndex.append(lastOffset, position);
        timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, false);
        bytesSinceLastIndexEntry = 0;
      } catch (UncheckedIOException e) {
        // The batch is in the log; indexes are sparse, so a missing entry only makes lookups
        // scan from the previous one. The next batch tries again.
        LOG.log(Level.WARNING, "Skipped an index entry of " + logFile + ": " + e.getMessage());
      }
    }
    bytesSinceLastIndexEntry += batchSize;
    nextOffset = lastOffset + 1;
    if (batchBaseOffset < baseOffset) {
      throw new IllegalStateException(
          "Batch base offset " + batchBaseOffset + " is below segment base " + baseOffset);
    }
  }

  /**
   * Where the batch holding {@code offset} starts, or the first batch after it: a header scan from
   * the closest index entry.
   *
   * @return the scanner positioned on that batch, or null if no batch in the first {@code end}
   *     bytes ends at or after {@code offset}
   */
  private BatchScanner seek(long offset, long end, int readAhead) {
    int start = offset <= baseOffset ? 0 : offsetIndex.lookup(offset - 1).position();
    var scanner = new BatchScanner(channel, logFile, start, end, readAhead);
    while (scanner.next()) {
      if (scanner.header().lastOffset() >= offset) {
        return scanner;
      }
    }
    return null;
  }

  /**
   * Whole batches from the one holding {@code offset}: at least one if its last offset is below
   * {@code maxOffsetExclusive}, then more while they fit in {@code maxBytes} and stay below it.
   *
   * <p>Cost: the offset index gives the start (with an entry per batch, as when batches exceed
   * {@code index.interval.bytes}, one header read finds it) and jumps over every indexed batch that
   * certainly fits; headers are read one at a time ({@value RecordBatch#HEADER_SIZE} bytes, into a
   * per-thread buffer) only for the batches after the last such entry. A corrupt header after the
   * first batch ends the slice; a read starting there reports it.
   *
   * @return null if no batch in this segment ends at or after {@code offset}
   */
  FetchSlice read(long offset, int maxBytes, long maxOffsetExclusive) {
    int end = size;
    int entries = offsetIndex.entries();
    ByteBuffer header = READ_HEADER.get();
    long start = locate(offset, end, entries, header);
    if (start < 0) {
      return null;
    }
    if (lastOffsetOf(header) >= maxOffsetExclusive) {
      return new FetchSlice(channel, start, 0);
    }
    long stop = start + sizeOf(header);
    long limit = Math.min(end, start + Math.max(maxBytes, 0));
    int jump =
        Math.min(
            offsetIndex.slotAtMostPosition(entries, limit),
            offsetIndex.slotAtMostOffset(entries, maxOffsetExclusive - 1));
    if (jump >= 0 && offsetIndex.positionAt(jump) > stop) {
      // every batch before the entry's ends by its position (<= limit) and below its offset
      stop = offsetIndex.positionAt(jump);
    }
    while (limit - stop >= RecordBatch.HEADER_SIZE) {
      try {
        readHeader(stop, header);
      } catch (CorruptRecordException e) {
        break;
      }
      int batchSize = sizeOf(header);
      if (lastOffsetOf(header) >= maxOffsetExclusive || stop + batchSize > limit) {
        break;
      }
      stop += batchSize;
    }
    return new FetchSlice(channel, start, (int) (stop - start));
  }

  /**
   * The position of the batch holding {@code offset} (or the first after it) among the whole
   * batches in the first {@code end} bytes, with its header in {@code header}; -1 if there is none.
   * The index entry after the last one below {@code offset} points at a batch ending at or after
   * it: if that batch starts at or before {@code offset}, it is the one; otherwise the batches
   * between the two entries are walked.
   */
  private long locate(long offset, int end, int entries, ByteBuffer header) {
    long position = 0;
    if (offset > baseOffset) {
      int below = offsetIndex.slotAtMostOffset(entries, offset - 1);
      if (below + 1 < entries) {
        int candidate = offsetIndex.positionAt(below + 1);
        if (candidate + (long) RecordBatch.HEADER_SIZE <= end
            && readHeaderOrFalse(candidate, header)
            && header.getLong(RecordBatch.BASE_OFFSET_OFFSET) <= offset) {
          return candidate + (long) sizeOf(header) <= end ? candidate : -1;
        }
      }
      position = below < 0 ? 0 : offsetIndex.positionAt(below);
    }
    while (end - position >= RecordBatch.HEADER_SIZE) {
      readHeader(position, header);
      long next = position + sizeOf(header);
      if (next > end) {
        return -1;
      }
      if (lastOffsetOf(header) >= offset) {
        return position;
      }
      position = next;
    }
    return -1;
  }

  private boolean readHeaderOrFalse(long position, ByteBuffer header) {
    try {
      readHeader(position, header);
      return true;
    } catch (CorruptRecordException e) {
      return false;
    }
  }

  /** Reads and checks the batch header at {@code position} into {@code header}. */
  private void readHeader(long position, ByteBuffer header) {
    header.clear();
    try {
      while (header.hasRemaining()) {
        if (channel.read(header, position + header.position()) < 0) {
          throw new CorruptRecordException(
              "File "
                  + logFile
                  + " ended at "
                  + (position + header.position())
                  + " while reading a batch header at position "
                  + position);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + logFile + " at position " + position, e);
    }
    BatchHeader.check(header, 0, logFile, position);
  }

  private static int sizeOf(ByteBuffer header) {
    return RecordBatch.LOG_OVERHEAD + header.getInt(RecordBatch.LENGTH_OFFSET);
  }

  private static long lastOffsetOf(ByteBuffer header) {
    return header.getLong(RecordBatch.BASE_OFFSET_OFFSET)
        + header.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET);
  }

  /**
   * The first offset in this segment holding a record with a timestamp at or above {@code
   * timestamp}: from the time index entry before it, a header scan to the first batch whose max
   * timestamp reaches it, then a decode of that batch's records.
   */
  OptionalLong findOffsetByTimestamp(long timestamp) {
    int end = size;
    if (maxTimestampSoFar < timestamp) {
      return OptionalLong.empty();
    }
    TimeIndex.Entry before = timeIndex.lookupBefore(timestamp);
    int start = before.timestamp() < 0 ? 0 : offsetIndex.lookup(before.offset()).position();
    var scanner = scan(start, end);
    while (scanner.next()) {
      if (scanner.header().maxTimestamp() >= timestamp) {
        for (Record record : RecordBatch.wrap(scanner.batchBytes()).records()) {
          if (record.timestamp() >= timestamp) {
            return OptionalLong.of(record.offset());
          }
        }
      }
    }
    return OptionalLong.empty();
  }

  /** A scanner over the batches in {@code [start, end)}. */
  BatchScanner scan(long start, long end) {
    return new BatchScanner(channel, logFile, start, end, SCAN_READ_AHEAD);
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
   * The position of the batch whose base offset is exactly {@code offset}, {@link #size()} if the
   * segment ends exactly before it, or -1 if no batch boundary is there.
   */
  int positionOfBoundary(long offset) {
    if (offset == baseOffset) {
      return 0;
    }
    int start = offsetIndex.lookup(offset - 1).position();
    var scanner = new BatchScanner(channel, logFile, start, size, SCAN_READ_AHEAD);
    long expectedNext = -1;
    while (scanner.next()) {
      BatchHeader header = scanner.header();
      if (header.baseOffset() == offset) {
        return (int) scanner.position();
      }
      if (header.baseOffset() > offset) {
        return -1;
      }
      expectedNext = header.nextOffset();
    }
    return expectedNext == offset && scanner.position() == size ? size : -1;
  }

  /**
   * Recomputes the in-memory state (next offset, max timestamp, first batch timestamp) for a file
   * whose first {@code validSize} bytes hold trusted batches and whose indexes are consistent with
   * them; scans only from the last time-index entry.
   */
  void loadState(int validSize) {
    size = validSize;
    TimeIndex.Entry lastTime = timeIndex.lastEntry();
    OffsetIndex.Entry lastIndexed = offsetIndex.lastEntry();
    int start = Math.min(offsetIndex.lookup(lastTime.offset()).position(), lastIndexed.position());
    maxTimestampSoFar = lastTime.timestamp();
    offsetOfMaxTimestampSoFar = lastTime.offset();
    nextOffset = lastIndexed.offset() + (offsetIndex.entries() == 0 ? 0 : 1);
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
      if (header.maxTimestamp() > maxTimestampSoFar) {
        maxTimestampSoFar = header.maxTimestamp();
        offsetOfMaxTimestampSoFar = header.lastOffset();
      }
      nextOffset = Math.max(nextOffset, header.nextOffset());
    }
    bytesSinceLastIndexEntry = validSize - lastIndexed.position();
  }

  /** Checks both indexes against this segment; {@code nextOffset} bounds the time index. */
  void sanityCheckIndexes(long nextOffsetBound) {
    offsetIndex.sanityCheck(size);
    if (offsetIndex.entries() > 0) {
      OffsetIndex.Entry last = offsetIndex.lastEntry();
      var scanner = scan(last.position(), size);
      if (!scanner.next() || scanner.header().lastOffset() != last.offset()) {
        throw new CorruptIndexException(
            "Index "
                + offsetIndex.file()
                + " last entry "
                + last
                + " does not point at a batch ending at that offset in "
                + logFile);
      }
    }
    timeIndex.sanityCheck(nextOffsetBound);
  }

  /**
   * Rebuilds both indexes from a header scan of the whole file, trusting its batches. A header that
   * cannot be a batch (bit rot below the recovery point) ends the scan: the batches before it are
   * indexed, a read reaching it fails with its position.
   *
   * @return null, or the corrupt header's description
   */
  String rebuildIndexes(int indexIntervalBytes) {
    offsetIndex.reset();
    timeIndex.reset();
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
    maxTimestampSoFar = TimeIndex.NO_TIMESTAMP;
    offsetOfMaxTimestampSoFar = baseOffset;
    firstBatchTimestamp = TimeIndex.NO_TIMESTAMP;
    nextOffset = baseOffset;
    bytesSinceLastIndexEntry = 0;
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
    long fileSize;
    try {
      fileSize = channel.size();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stat " + logFile, e);
    }
    if (from == 0) {
      offsetIndex.reset();
      timeIndex.reset();
      resetState();
    } else {
      long firstRecovered = expectedOffset;
      offsetIndex.truncateTo(firstRecovered);
      timeIndex.truncateTo(firstRecovered);
      loadState(from);
    }
    var scanner = new BatchScanner(channel, logFile, from, fileSize, SCAN_READ_AHEAD);
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
      problem = "at position " + validEnd + " in " + logFile + ": " + problem;
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
    BatchScanner scanner = seek(offset, size, SCAN_READ_AHEAD);
    if (scanner == null) {
      return 0;
    }
    int position = (int) scanner.position();
    int removed = countBatches(position, size);
    long firstRemoved = scanner.header().baseOffset();
    offsetIndex.truncateTo(firstRemoved);
    timeIndex.truncateTo(firstRemoved);
    truncateFile(position);
    loadState(position);
    return removed;
  }

  private void truncateFile(int position) {
    size = position;
    try {
      channel.truncate(position);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot truncate " + logFile + " to " + position, e);
    }
  }

  /** Records the final max timestamp and trims the indexes: the segment is closed for appends. */
  void onBecomeInactive() {
    timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, true);
    offsetIndex.trimToValidSize();
    timeIndex.trimToValidSize();
  }

  /** Preallocates the indexes for appends: the segment is the active one. */
  void onBecomeActive(int maxIndexSize) {
    offsetIndex.resize(maxIndexSize);
    timeIndex.resize(maxIndexSize);
  }

  /** Forces the log and both indexes to disk. */
  void flush() {
    try {
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot fsync " + logFile, e);
    }
    offsetIndex.flush();
    timeIndex.flush();
  }

  /** Trims the indexes, forces everything and closes the file. */
  void close() {
    if (!channel.isOpen()) {
      return;
    }
    onBecomeInactive();
    flush();
    release();
  }

  /** Closes the file without touching it (a retired segment whose files are gone or renamed). */
  void release() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + logFile, e);
    }
  }

  /**
   * Renames the three files to the plain names plus {@code suffix} (may be empty): the log first,
   * made durable before the indexes follow, so a crash never pairs a log with another's indexes.
   */
  void renameFiles(String to) {
    Path dir = logFile.getParent();
    Fs.move(logFile, file(dir, baseOffset, LOG_SUFFIX + to));
    logFile = file(dir, baseOffset, LOG_SUFFIX + to);
    Fs.fsyncDirectory(dir);
    offsetIndex.renameTo(file(dir, baseOffset, INDEX_SUFFIX + to));
    timeIndex.renameTo(file(dir, baseOffset, TIME_INDEX_SUFFIX + to));
  }

  /** Deletes the three files (after {@link #release()}). */
  void deleteFiles() {
    Fs.deleteIfExists(logFile);
    offsetIndex.deleteFile();
    timeIndex.deleteFile();
  }

  @Override
  public String toString() {
    return "LogSegment(" + logFile + ", size " + size + ", next offset " + nextOffset + ")";
  }
}
