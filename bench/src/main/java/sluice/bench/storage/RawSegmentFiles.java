package sluice.bench.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The disk-limit anchor: sequential {@link FileChannel#write} of the given bytes into files of
 * {@code segmentBytes}, rolling to a new file when the next write would not fit and deleting the
 * oldest once more than {@code retainedSegments} exist (the same roll and retention shape the log
 * benchmarks use, so every contender writes the same bytes into the same number of files). No
 * index, no checksum, no fsync: the OS flushes, as Kafka and Sluice leave it by default.
 *
 * <p>Not thread-safe: one writer.
 */
public final class RawSegmentFiles implements AutoCloseable {

  private final Path dir;
  private final long segmentBytes;
  private final int retainedSegments;
  private final Deque<Path> files = new ArrayDeque<>();
  private FileChannel active;
  private long activeBytes;
  private long fileNumber;

  public RawSegmentFiles(Path dir, long segmentBytes, int retainedSegments) throws IOException {
    if (segmentBytes <= 0 || retainedSegments < 1) {
      throw new IllegalArgumentException(
          "segmentBytes must be > 0 and retainedSegments >= 1, got "
              + segmentBytes
              + " and "
              + retainedSegments);
    }
    this.dir = Files.createDirectories(dir);
    this.segmentBytes = segmentBytes;
    this.retainedSegments = retainedSegments;
    roll();
  }

  /** Writes all remaining bytes of {@code data} at the end of the active file. */
  public void write(ByteBuffer data) throws IOException {
    if (activeBytes + data.remaining() > segmentBytes && activeBytes > 0) {
      roll();
    }
    while (data.hasRemaining()) {
      activeBytes += active.write(data);
    }
  }

  private void roll() throws IOException {
    if (active != null) {
      active.close();
    }
    Path file = dir.resolve(String.format("%020d.raw", fileNumber++));
    active =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    activeBytes = 0;
    files.addLast(file);
    while (files.size() > retainedSegments) {
      Files.deleteIfExists(files.removeFirst());
    }
  }

  /** Closes the active file (files stay on disk). */
  @Override
  public void close() {
    try {
      active.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
