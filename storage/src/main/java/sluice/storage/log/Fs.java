package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-system steps the log repeats: durable renames and atomic small-file writes. */
final class Fs {
  private Fs() {}

  /** Makes the directory's entries (creates, renames, deletes) durable. */
  static void fsyncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot fsync directory " + dir, e);
    }
  }

  /**
   * Replaces {@code file} with {@code content} so that after a crash it holds either the old or the
   * new content: write a sibling {@code .tmp}, fsync it, rename it over the file, fsync the
   * directory.
   */
  static void writeAtomically(Path file, byte[] content) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + tmp, e);
    }
    move(tmp, file);
    fsyncDirectory(file.getParent());
  }

  /** Atomic rename, replacing the target. */
  static void move(Path source, Path target) {
    try {
      Files.move(
          source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rename " + source + " to " + target, e);
    }
  }

  static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + file, e);
    }
  }

  /** Deletes a directory and everything under it. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(Fs::deleteIfExists);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete directory " + dir, e);
    }
  }
}
