package sluice.storage.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A memory-mapped file of fixed-size entries, the base of {@link OffsetIndex} and {@link TimeIndex}
 * (Kafka's {@code AbstractIndex}). Entries are sorted by their key, so lookups are a binary search
 * over the mapped bytes.
 *
 * <p>While its segment is active the file is preallocated to {@code segment.index.bytes} (rounded
 * down to whole entries) and the unused tail is zeros; it is trimmed to its entries when the
 * segment rolls or closes. On open the zero tail left by a crash is not counted as entries (an
 * all-zero first entry, which points at the segment start, is equivalent to no entry). No attempt
 * is made to checksum the contents: after a crash an index is checked ({@code sanityCheck}) and, if
 * wrong, rebuilt from its segment.
 *
 * <p>Thread-safety: one writer (the log's append/truncate/roll path) calls the mutators; lookups
 * are safe from any thread. A writer publishes an entry by writing it and then incrementing the
 * volatile entry count, so a reader sees only whole entries. Mappings are never unmapped by hand (a
 * reader may still hold one); the garbage collector releases them.
 */
abstract class IndexFile {
  private final long baseOffset;
  private final int entrySize;
  private volatile Path file;
  private volatile MappedByteBuffer mmap;
  private volatile int entries;
  private volatile int maxEntries;
  private final boolean misaligned;

  IndexFile(Path file, long baseOffset, int maxIndexSize, int entrySize) {
    this.file = file;
    this.baseOffset = baseOffset;
    this.entrySize = entrySize;
    try (var raf = new RandomAccessFile(file.toFile(), "rw")) {
      long length = raf.length();
      misaligned = length % entrySize != 0;
      boolean fresh = length == 0;
      if (fresh) {
        length = roundDown(maxIndexSize);
        raf.setLength(length);
      }
      this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, roundDown(length));
      this.maxEntries = mmap.limit() / entrySize;
      this.entries = fresh ? 0 : countEntriesBeforeZeroTail(mmap, maxEntries);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open index " + file, e);
    }
  }

  /**
   * Entries before the zero tail. Only the first entry of a valid index can be all zeros, so a
   * binary search for the first zero slot after it suffices; garbage fails the sanity check.
   */
  private int countEntriesBeforeZeroTail(ByteBuffer buffer, int slots) {
    int low = 1;
    int high = slots;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (isZero(buffer, mid)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return slots > 0 && low == 1 && isZero(buffer, 0) ? 0 : Math.min(low, slots);
  }

  private boolean isZero(ByteBuffer buffer, int slot) {
    int start = slot * entrySize;
    for (int i = 0; i < entrySize; i++) {
      if (buffer.get(start + i) != 0) {
        return false;
      }
    }
    return true;
  }

  private long roundDown(long size) {
    return size - size % entrySize;
  }

  final long baseOffset() {
    return baseOffset;
  }

  final Path file() {
    return file;
  }

  final int entries() {
    return entries;
  }

  final int maxEntries() {
    return maxEntries;
  }

  boolean isFull() {
    return entries >= maxEntries;
  }

  /** Bytes holding entries (the file size once trimmed). */
  final int sizeInBytes() {
    return entries * entrySize;
  }

  /** True if the file length was not a whole number of entries when opened. */
  final boolean misaligned() {
    return misaligned;
  }

  /** The current mapping, for reads. Read {@link #entries()} after it to stay within it. */
  final ByteBuffer buffer() {
    return mmap;
  }

  /** Byte position of entry {@code slot}. */
  final int slotPosition(int slot) {
    return slot * entrySize;
  }

  /** The offset relative to the base offset, checked to fit the 4-byte field. */
  final int relativeOffset(long offset) {
    long relative = offset - baseOffset;
    if (relative < 0 || relative > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Offset "
              + offset
              + " cannot be stored in index "
              + file
              + " with base offset "
              + baseOffset);
    }
    return (int) relative;
  }

  /**
   * Writes the next entry through {@code put} (given the mapped buffer) and publishes it.
   *
   * <p>The file is sparse (created by {@code setLength}), so a page first touched here needs a new
   * block; on a full file system the kernel answers the write fault with SIGBUS, which the JVM
   * raises as an {@link InternalError}. That becomes an {@link UncheckedIOException} naming the
   * file, and the entry stays unpublished (the next append reuses its slot).
   *
   * @throws IllegalStateException if the index is full
   */
  final void appendEntry(Consumer<ByteBuffer> put) {
    if (entries >= maxEntries) {
      throw new IllegalStateException(
          "Index " + file + " is full: " + entries + " entries of " + maxEntries);
    }
    try {
      put.accept(mmap);
    } catch (InternalError e) {
      throw new UncheckedIOException(
          new IOException(
              "Cannot write an entry of index " + file + " (is its file system full?): " + e, e));
    }
    entries = entries + 1;
  }

  /**
   * The largest slot in {@code [0, n)} whose key is at most {@code target}, or -1 if none; keys
   * must be ascending.
   */
  static int largestSlotAtMost(int n, long target, SlotKey key) {
    int low = 0;
    int high = n - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (key.at(mid) <= target) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  @FunctionalInterface
  interface SlotKey {
    long at(int slot);
  }

  /** Keeps the first {@code n} entries and zeroes the rest, so a crash cannot revive them. */
  final void truncateToEntries(int n) {
    int keep = Math.max(0, Math.min(n, entries));
    ByteBuffer buffer = mmap;
    for (int i = keep * entrySize; i < entries * entrySize; i++) {
      buffer.put(i, (byte) 0);
    }
    entries = keep;
  }

  /** Removes every entry. */
  final void reset() {
    truncateToEntries(0);
  }

  /** Resizes the file to {@code size} bytes rounded down to whole entries, never below them. */
  final void resize(int size) {
    long length = Math.max(roundDown(size), (long) entries * entrySize);
    if (length == mmap.limit()) {
      return;
    }
    try (var raf = new RandomAccessFile(file.toFile(), "rw")) {
      mmap.force();
      raf.setLength(length);
      mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
      maxEntries = (int) (length / entrySize);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot resize index " + file + " to " + length, e);
    }
  }

  /** Trims the file to its entries (when the segment stops being active, and on close). */
  final void trimToValidSize() {
    resize(entries * entrySize);
  }

  /** Writes the mapped pages to disk. */
  final void flush() {
    mmap.force();
  }

  /** Renames the file; the mapping stays valid. */
  final void renameTo(Path target) {
    Fs.move(file, target);
    file = target;
  }

  /** Deletes the file; the mapping stays readable until collected. */
  final void deleteFile() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete index " + file, e);
    }
  }
}
