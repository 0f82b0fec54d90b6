package sluice.storage.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from offset to the file position of a batch in one segment ({@code <base>.index}), as
 * Kafka's {@code OffsetIndex}. Each 8-byte entry, big-endian:
 *
 * <pre>
 * offset size field
 *      0    4 relative offset   last offset of the batch - segment base offset
 *      4    4 position          byte position of that batch in the .log file
 * </pre>
 *
 * An entry is added at most every {@code index.interval.bytes} of log, so a lookup finds the
 * closest batch at or before a target and the reader scans forward from there. Entries are strictly
 * ascending in both fields.
 *
 * <p>No attempt is made to checksum the contents of this file: in the event of a crash it is
 * checked by {@link #sanityCheck(long)} and rebuilt from the log if wrong. Thread-safety as {@link
 * IndexFile}: one writer, lookups from any thread.
 */
final class OffsetIndex extends IndexFile {
  static final int RELATIVE_OFFSET_OFFSET = 0;
  static final int POSITION_OFFSET = RELATIVE_OFFSET_OFFSET + Integer.BYTES;
  static final int ENTRY_SIZE = POSITION_OFFSET + Integer.BYTES;

  /** The last offset of the batch at {@code position}. */
  record Entry(long offset, int position) {}

  OffsetIndex(Path file, long baseOffset, int maxIndexSize) {
    super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
  }

  /**
   * Adds an entry for the batch at {@code position} whose last offset is {@code offset}.
   *
   * @throws IllegalArgumentException if the entry is not above the last one
   * @throws IllegalStateException if the index is full
   */
  void append(long offset, int position) {
    int n = entries();
    if (n > 0) {
      ByteBuffer current = buffer();
      if (offset <= baseOffset() + relativeOffsetAt(current, n - 1)
          || position <= positionAt(current, n - 1)) {
        throw new IllegalArgumentException(
            "Index entry (offset "
                + offset
                + ", position "
                + position
                + ") is not above the last entry "
                + entry(n - 1)
                + " in "
                + file());
      }
    }
    int relative = relativeOffset(offset);
    int at = slotPosition(n);
    appendEntry(
        buffer -> {
          buffer.putInt(at + RELATIVE_OFFSET_OFFSET, relative);
          buffer.putInt(at + POSITION_OFFSET, position);
        });
  }

  /**
   * The entry with the largest offset at most {@code targetOffset}, or {@code (baseOffset, 0)} if
   * there is none: the batch holding the target starts at or after its position.
   */
  Entry lookup(long targetOffset) {
    ByteBuffer buffer = buffer();
    int n = entries();
    long relativeTarget = targetOffset - baseOffset();
    int slot = largestSlotAtMost(n, relativeTarget, s -> relativeOffsetAt(buffer, s));
    return slot < 0 ? new Entry(baseOffset(), 0) : entry(buffer, slot);
  }

  /**
   * The slot of the entry with the largest offset at most {@code targetOffset} among the first
   * {@code n}, or -1: as {@link #lookup} without allocating, for the read path.
   */
  int slotAtMostOffset(int n, long targetOffset) {
    ByteBuffer buffer = buffer();
    long relativeTarget = targetOffset - baseOffset();
    int low = 0;
    int high = n - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (relativeOffsetAt(buffer, mid) <= relativeTarget) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** The slot of the entry with the largest position at most {@code position}, or -1. */
  int slotAtMostPosition(int n, long position) {
    ByteBuffer buffer = buffer();
    int low = 0;
    int high = n - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (positionAt(buffer, mid) <= position) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** The offset of the entry in {@code slot}: the last offset of the batch it points at. */
  long offsetAt(int slot) {
    return baseOffset() + relativeOffsetAt(buffer(), slot);
  }

  /** The position of the entry in {@code slot}: where its batch starts. */
  int positionAt(int slot) {
    return positionAt(buffer(), slot);
  }

  /** The entry with the largest position at most {@code position}, or {@code (baseOffset, 0)}. */
  Entry lookupByPosition(int position) {
    ByteBuffer buffer = buffer();
    int n = entries();
    int slot = largestSlotAtMost(n, position, s -> positionAt(buffer, s));
    return slot < 0 ? new Entry(baseOffset(), 0) : entry(buffer, slot);
  }

  /** The last entry, or {@code (baseOffset, 0)} if empty. */
  Entry lastEntry() {
    int n = entries();
    return n == 0 ? new Entry(baseOffset(), 0) : entry(n - 1);
  }

  Entry entry(int slot) {
    return entry(buffer(), slot);
  }

  private Entry entry(ByteBuffer buffer, int slot) {
    return new Entry(baseOffset() + relativeOffsetAt(buffer, slot), positionAt(buffer, slot));
  }

  private int relativeOffsetAt(ByteBuffer buffer, int slot) {
    return buffer.getInt(slotPosition(slot) + RELATIVE_OFFSET_OFFSET);
  }

  private int positionAt(ByteBuffer buffer, int slot) {
    return buffer.getInt(slotPosition(slot) + POSITION_OFFSET);
  }

  /** Removes every entry whose offset is at least {@code offset}. */
  void truncateTo(long offset) {
    ByteBuffer buffer = buffer();
    int slot =
        largestSlotAtMost(entries(), offset - baseOffset() - 1, s -> relativeOffsetAt(buffer, s));
    truncateToEntries(slot + 1);
  }

  /**
   * Checks what a crash or a stray write could break: whole entries, both fields strictly ascending
   * from a non-negative start, positions inside a log of {@code logSize} bytes.
   *
   * @throws CorruptIndexException naming the file and the first bad entry
   */
  void sanityCheck(long logSize) {
    if (misaligned()) {
      throw new CorruptIndexException(
          "Index " + file() + " is not a whole number of " + ENTRY_SIZE + "-byte entries");
    }
    ByteBuffer buffer = buffer();
    int n = entries();
    int previousOffset = -1;
    int previousPosition = -1;
    for (int slot = 0; slot < n; slot++) {
      int relative = relativeOffsetAt(buffer, slot);
      int position = positionAt(buffer, slot);
      if (relative <= previousOffset || position <= previousPosition || position >= logSize) {
        throw new CorruptIndexException(
            "Index "
                + file()
                + " entry "
                + slot
                + " (relative offset "
                + relative
                + ", position "
                + position
                + ") is not ascending or lies beyond the "
                + logSize
                + "-byte log");
      }
      previousOffset = relative;
      previousPosition = position;
    }
  }
}
