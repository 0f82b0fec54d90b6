package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Temporary directories for jqwik properties, where JUnit's {@code @TempDir} does not reach. */
final class TempDirs {
  private TempDirs() {}

  interface Body {
    void run(Path dir) throws Exception;
  }

  static void withTempDir(Body body) {
    Path dir;
    try {
      dir = Files.createTempDirectory("sluice-log-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      body.run(dir);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    } finally {
      Fs.deleteRecursively(dir);
    }
  }
}
