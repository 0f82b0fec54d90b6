package sluice.storage.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from timestamp to offset in one segment ({@code <base>.timeindex}), as Kafka's {@code
 * TimeIndex}. Each 12-byte entry, big-endian:
 *
 * <pre>
 * offset size field
 *      0    8 timestamp         largest record timestamp in the segment up to the batch below
 *      8    4 relative offset   last offset of that batch - segment base offset
 * </pre>
 *
 * An entry {@code (t, o)} promises that no record at an offset up to {@code o} has a timestamp
 * above {@code t}; timestamps are strictly ascending, offsets ascending. One slot is kept free
 * while the segment is active so that rolling can always record the segment's final maximum.
 *
 * <p>No attempt is made to checksum the contents of this file: in the event of a crash it is
 * checked by {@link #sanityCheck(long)} and rebuilt from the log if wrong. Thread-safety as {@link
 * IndexFile}: one writer, lookups from any thread.
 */
final class TimeIndex extends IndexFile {
  static final int TIMESTAMP_OFFSET = 0;
  static final int RELATIVE_OFFSET_OFFSET = TIMESTAMP_OFFSET + Long.BYTES;
  static final int ENTRY_SIZE = RELATIVE_OFFSET_OFFSET + Integer.BYTES;
  static final long NO_TIMESTAMP = -1L;

  record Entry(long timestamp, long offset) {}

  TimeIndex(Path file, long baseOffset, int maxIndexSize) {
    super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
  }

  /** Full one entry early: the last slot is reserved for the final entry written on roll. */
  @Override
  boolean isFull() {
    return entries() >= maxEntries() - 1;
  }

  /**
   * Adds {@code (timestamp, offset)} if the timestamp is above the last entry's; otherwise the last
   * entry already covers it.
   *
   * @param skipFullCheck true when the segment stops being active (uses the reserved slot)
   * @throws IllegalArgumentException if the offset is below the last entry's
   * @throws IllegalStateException if the index is full
   */
  void maybeAppend(long timestamp, long offset, boolean skipFullCheck) {
    if (!skipFullCheck && isFull()) {
      throw new IllegalStateException(
          "Time index " + file() + " is full: " + entries() + " entries of " + maxEntries());
    }
    int n = entries();
    ByteBuffer current = buffer();
    if (n > 0 && offset < baseOffset() + relativeOffsetAt(current, n - 1)) {
      throw new IllegalArgumentException(
          "Time index entry (timestamp "
              + timestamp
              + ", offset "
              + offset
              + ") is below the last entry "
              + lastEntry()
              + " in "
              + file());
    }
    if (timestamp <= (n == 0 ? NO_TIMESTAMP : timestampAt(current, n - 1))) {
      return;
    }
    int relative = relativeOffset(offset);
    int at = slotPosition(entries());
    appendEntry(
        buffer -> {
          buffer.putLong(at + TIMESTAMP_OFFSET, timestamp);
          buffer.putInt(at + RELATIVE_OFFSET_OFFSET, relative);
        });
  }

  /**
   * The entry with the largest timestamp strictly below {@code targetTimestamp}, or {@code
   * (NO_TIMESTAMP, baseOffset)} if none. Every record with a timestamp at or above the target lies
   * after that entry's offset, so a search may start from its batch.
   */
  Entry lookupBefore(long targetTimestamp) {
    ByteBuffer buffer = buffer();
    int n = entries();
    int slot = largestSlotAtMost(n, targetTimestamp - 1, s -> timestampAt(buffer, s));
    return slot < 0 ? new Entry(NO_TIMESTAMP, baseOffset()) : entry(buffer, slot);
  }

  /** The last entry, or {@code (NO_TIMESTAMP, baseOffset)} if empty. */
  Entry lastEntry() {
    int n = entries();
    return n == 0 ? new Entry(NO_TIMESTAMP, baseOffset()) : entry(buffer(), n - 1);
  }

  Entry entry(int slot) {
    return entry(buffer(), slot);
  }

  private Entry entry(ByteBuffer buffer, int slot) {
    return new Entry(timestampAt(buffer, slot), baseOffset() + relativeOffsetAt(buffer, slot));
  }

  private long timestampAt(ByteBuffer buffer, int slot) {
    return buffer.getLong(slotPosition(slot) + TIMESTAMP_OFFSET);
  }

  private int relativeOffsetAt(ByteBuffer buffer, int slot) {
    return buffer.getInt(slotPosition(slot) + RELATIVE_OFFSET_OFFSET);
  }

  /** Removes every entry whose offset is at least {@code offset}. */
  void truncateTo(long offset) {
    ByteBuffer buffer = buffer();
    long relativeTarget = offset - baseOffset() - 1;
    int slot = largestSlotAtMost(entries(), relativeTarget, s -> relativeOffsetAt(buffer, s));
    truncateToEntries(slot + 1);
  }

  /**
   * Checks whole entries, timestamps strictly ascending, offsets ascending from the base offset and
   * below {@code nextOffset} (the offset after the segment's last batch, or {@link Long#MAX_VALUE}
   * if unknown).
   *
   * @throws CorruptIndexException naming the file and the first bad entry
   */
  void sanityCheck(long nextOffset) {
    if (misaligned()) {
      throw new CorruptIndexException(
          "Time index " + file() + " is not a whole number of " + ENTRY_SIZE + "-byte entries");
    }
    ByteBuffer buffer = buffer();
    int n = entries();
    long previousTimestamp = Long.MIN_VALUE;
    int previousOffset = 0;
    for (int slot = 0; slot < n; slot++) {
      long timestamp = timestampAt(buffer, slot);
      int relative = relativeOffsetAt(buffer, slot);
      if (timestamp <= previousTimestamp
          || relative < previousOffset
          || baseOffset() + relative >= nextOffset) {
        throw new CorruptIndexException(
            "Time index "
                + file()
                + " entry "
                + slot
                + " (timestamp "
                + timestamp
                + ", relative offset "
                + relative
                + ") is not ascending or lies at or beyond offset "
                + nextOffset);
      }
      previousTimestamp = timestamp;
      previousOffset = relative;
    }
  }
}
