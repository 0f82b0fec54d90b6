package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import sluice.storage.record.CorruptRecordException;

/**
 * The {@code <base>.log} file of one segment: v2 batches exactly as appended, no file header, at
 * most 2 GiB. Positional reads and writes only, so readers on other threads never move a shared
 * position; which bytes hold whole batches is the {@link LogSegment}'s to say (its size). Every
 * failure names the file.
 *
 * <p>Thread-safety: one writer appends, truncates, renames and closes; reads and scans are safe
 * from any thread.
 */
final class SegmentFile {
  private static final int SCAN_READ_AHEAD = 64 * 1024;

  private final FileChannel channel;
  private volatile Path path;

  /**
   * Opens {@code path}, emptied first if {@code fresh}, else as it is.
   *
   * @throws CorruptRecordException if the file is beyond the 2 GiB a segment can address
   */
  SegmentFile(Path path, boolean fresh) {
    this.path = path;
    try {
      var options =
          fresh
              ? new StandardOpenOption[] {
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE
              }
              : new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
      this.channel = FileChannel.open(path, options);
      long length = channel.size();
      if (length > Integer.MAX_VALUE) {
        throw new CorruptRecordException(
            "Segment " + path + " is " + length + " bytes, beyond the 2 GiB segment limit");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open segment " + path, e);
    }
  }

  Path path() {
    return path;
  }

  FileChannel channel() {
    return channel;
  }

  /** The file's length now, whole batches or not. */
  long length() {
    try {
      return channel.size();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stat " + path, e);
    }
  }

  /** The file's modification time. */
  long lastModifiedMs() {
    try {
      return Files.getLastModifiedTime(path).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stat " + path, e);
    }
  }

  /** Writes all of {@code bytes} at {@code position}. */
  void write(ByteBuffer bytes, long position) {
    try {
      long at = position;
      while (bytes.hasRemaining()) {
        at += channel.write(bytes, at);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to " + path, e);
    }
  }

  /** A scanner over the batches in {@code [start, end)}. */
  BatchScanner scan(long start, long end) {
    return new BatchScanner(channel, path, start, end, SCAN_READ_AHEAD);
  }

  /** Cuts the file to {@code position} bytes. */
  void truncate(int position) {
    try {
      channel.truncate(position);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot truncate " + path + " to " + position, e);
    }
  }

  /** Forces the file's bytes to disk. */
  void flush() {
    try {
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot fsync " + path, e);
    }
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + path, e);
    }
  }

  /** Renames the file and makes the rename durable (fsyncs the directory). */
  void renameTo(Path target) {
    Fs.move(path, target);
    path = target;
    Fs.fsyncDirectory(target.getParent());
  }

  /** Deletes the file (after {@link #close()}). */
  void delete() {
    Fs.deleteIfExists(path);
  }
}
