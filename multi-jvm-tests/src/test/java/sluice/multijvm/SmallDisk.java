package sluice.multijvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small file system of its own (tmpfs of a given size, mounted on a broker's data directory), so
 * a test can fill a broker's disk and free it again: {@link #fill} writes a filler file until the
 * file system answers ENOSPC, {@link #free} deletes it. Needs root (mount), as the CI machine has.
 * {@link #close} unmounts it; what the broker wrote there goes with it.
 */
public final class SmallDisk implements AutoCloseable {
  private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(20);
  private static final String FILLER = "filler";

  private final Path mountPoint;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code megabytes} on {@code dir} (created if missing). */
  public static SmallDisk mount(Path dir, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString()));
    return new SmallDisk(dir);
  }

  /** Writes a filler file until the file system is full; returns how many bytes it took. */
  public long fill() throws IOException {
    Path filler = mountPoint.resolve(FILLER);
    long written = 0;
    try (FileChannel channel =
        FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      written = channel.size();
      // Large chunks first, then pages, so not even a page is left.
      for (int size : new int[] {64 * 1024, 4096}) {
        ByteBuffer chunk = ByteBuffer.allocate(size);
        try {
          while (true) {
            chunk.clear();
            written += channel.write(chunk, written);
          }
        } catch (IOException e) {
          if (!String.valueOf(e.getMessage()).contains("No space left")) {
            throw e;
          }
        }
      }
    }
    return written;
  }

  /** Deletes the filler: the broker's writes find space again. */
  public void free() throws IOException {
    Files.deleteIfExists(mountPoint.resolve(FILLER));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run(List.of("umount", "-l", mountPoint.toString()));
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(COMMAND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_DEADLINE);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command)
              + " failed ("
              + process.exitValue()
              + "; a small disk needs root): "
              + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                  .strip());
    }
  }
}
