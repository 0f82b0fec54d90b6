package sluice.actors.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this broker's data directory takes writes: Kafka's online or offline log directory.
 *
 * <p>Why: on a full disk (ENOSPC) or a failing one (EIO) every append fails, and before this the
 * partition leaders crashed and restarted on each failure while producers waited out their whole
 * timeout. The first write that fails with an I/O error takes the directory offline; what depends
 * on it subscribes: leaders answer produce {@code KAFKA_STORAGE_ERROR} at once, followers pause,
 * and the broker's registration says so, so the controller moves leadership to in-sync replicas
 * elsewhere. Kafka needs a restart to bring the directory back; here {@link #probe} (run by {@link
 * Logs} every {@code sluice.log.offline-probe-interval} while offline) writes, fsyncs and deletes a
 * probe file, and once that works the directory is online again.
 *
 * <p>Thread-safe: writers on any thread report failures; the state is one volatile reference and
 * listeners are told of each change on the thread that made it.
 */
public final class DataDirHealth {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirHealth.class);

  static final String PROBE_FILE = ".sluice-write-probe";

  /** The directory's state. */
  public sealed interface State permits Online, Offline {}

  /** Writes work. */
  public record Online() implements State {}

  /**
   * A write failed with an I/O error; nothing is written to the directory until a probe succeeds.
   *
   * @param cause what failed and why, for operators and error messages
   */
  public record Offline(String cause, Instant since) implements State {}

  private final Path dataDir;
  private final Clock clock;
  private final int probeBytes;
  private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
  private volatile State state = new Online();

  public DataDirHealth(Path dataDir, Clock clock, int probeBytes) {
    if (probeBytes < 1) {
      throw new IllegalArgumentException(
          "sluice.log.offline-probe-bytes must be at least 1 byte, not " + probeBytes);
    }
    this.dataDir = dataDir;
    this.clock = clock;
    this.probeBytes = probeBytes;
  }

  public Path dataDir() {
    return dataDir;
  }

  public State state() {
    return state;
  }

  public boolean isOnline() {
    return state instanceof Online;
  }

  /** Tells {@code listener} of every later change of state. */
  public void subscribe(Consumer<State> listener) {
    listeners.add(listener);
  }

  public void unsubscribe(Consumer<State> listener) {
    listeners.remove(listener);
  }

  /**
   * A write of {@code what} failed. An I/O failure ({@link #isStorageFailure}) takes the directory
   * offline; anything else (a bug, a refused batch) is not the disk's fault and changes nothing.
   *
   * @return whether the directory went offline now
   */
  public boolean reportFailure(String what, Throwable failure) {
    if (!isStorageFailure(failure)) {
      return false;
    }
    State offline;
    synchronized (this) {
      if (!isOnline()) {
        return false;
      }
      offline = new Offline(what + ": " + rootMessage(failure), clock.instant());
      state = offline;
    }
    LOG.error(
        "The data directory {} is offline: writing {} failed ({}). Its partitions stop taking"
            + " writes here (KAFKA_STORAGE_ERROR) until a probe write succeeds.",
        dataDir,
        what,
        rootMessage(failure));
    tell(offline);
    return true;
  }

  /**
   * While offline, writes, fsyncs and deletes a probe file of the configured size in the directory;
   * if that works, the directory is online again.
   *
   * @return whether the directory is online after the probe
   */
  public boolean probe() {
    if (isOnline()) {
      return true;
    }
    Path probe = dataDir.resolve(PROBE_FILE);
    try {
      try (FileChannel channel =
          FileChannel.open(
              probe,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer zeros = ByteBuffer.allocate(Math.min(probeBytes, 64 * 1024));
        long written = 0;
        while (written < probeBytes) {
          zeros.clear().limit((int) Math.min(zeros.capacity(), probeBytes - written));
          written += channel.write(zeros, written);
        }
        channel.force(true);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("Probe of the offline data directory {} failed: {}", dataDir, e.toString());
      return false;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException e) {
        LOG.debug("Cannot delete the probe file {}: {}", probe, e.toString());
      }
    }
    State online = new Online();
    State before;
    synchronized (this) {
      before = state;
      state = online;
    }
    if (before instanceof Offline offline) {
      LOG.warn(
          "The data directory {} is online again: a {}-byte probe write succeeded (offline since"
              + " {}: {})",
          dataDir,
          probeBytes,
          offline.since(),
          offline.cause());
      tell(online);
    }
    return true;
  }

  private void tell(State changed) {
    for (Consumer<State> listener : listeners) {
      try {
        listener.accept(changed);
      } catch (RuntimeException e) {
        LOG.error("A listener of the data directory's state failed: {}", e.toString(), e);
      }
    }
  }

  /**
   * Whether a failure is the disk's: an {@link IOException} anywhere in its causes (an {@link
   * UncheckedIOException} included), or the {@link InternalError} the JVM raises when the kernel
   * cannot back a page of a mapped file (SIGBUS, on a full file system).
   */
  public static boolean isStorageFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException || t instanceof InternalError) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
