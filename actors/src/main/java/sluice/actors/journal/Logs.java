package sluice.actors.journal;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;

/**
 * The open {@link PartitionLog}s of this broker, by {@code topic-partition}, each in {@code
 * <sluice.data-dir>/<topic>-<partition>/}.
 *
 * <p>The partition leader opens its log here (with the topic's {@link LogConfig}) before its
 * recovery starts; the {@link SegmentJournal} and {@link SegmentSnapshotStore} then find it by
 * persistence id, which is the same {@code topic-partition} string.
 *
 * <p>A single background thread runs retention ({@link PartitionLog#deleteRetainedSegments()})
 * every {@code sluice.log.retention-check-interval} and compaction ({@link PartitionLog#compact()})
 * every {@code sluice.log.compaction-interval}; storage makes both safe alongside appends and
 * reads. Their I/O failures (a retention check rolls, flushes and checkpoints), and those of each
 * log's background flusher, take the data directory offline ({@link DataDirHealth}) as a failed
 * journal write does. In the coordinated shutdown phase {@code before-actor-system-terminate},
 * after sharding has stopped every partition leader, all logs are flushed and closed.
 *
 * <p>Every log reads time through one clock: the system's {@link LogsSetup} if it has one, else the
 * UTC system clock.
 *
 * <p>Thread-safe. The journal also records here how many writes and batches it handled per
 * partition ({@link #journalStats}), which tests and benchmarks read to see group commit at work.
 */
public final class Logs implements Extension {
  private static final Logger LOG = LoggerFactory.getLogger(Logs.class);

  /** {@code topic-partition}: Kafka's topic name characters, a dash, a partition number. */
  private static final Pattern TOPIC_PARTITION = Pattern.compile("[a-zA-Z0-9._-]{1,249}-[0-9]+");

  /** How long closing waits for a retention or compaction run in progress. */
  private static final Duration CLEANER_STOP_WAIT = Duration.ofSeconds(30);

  private static final int CLOSE_THREADS = 8;

  /** The clock of a system set up without a {@link LogsSetup}. */
  private static final Clock SYSTEM_CLOCK = Clock.systemUTC();

  /** The extension's id; {@code Logs.get(system)} is the usual way in. */
  public static final ExtensionId<Logs> ID = new Id();

  private final Path dataDir;
  private final Clock clock;
  private final Map<String, PartitionLog> logs = new ConcurrentHashMap<>();
  private final Map<String, String> topicIds = new ConcurrentHashMap<>();
  private final Map<String, JournalStats> stats = new ConcurrentHashMap<>();
  private final ScheduledExecutorService cleaner;
  private final DataDirHealth health;
  private volatile boolean closed;

  /** Journal activity of one partition since this broker started. */
  public record JournalStats(long writes, long batchesWritten, long batchesReplayed) {
    static final JournalStats ZERO = new JournalStats(0, 0, 0);

    JournalStats plus(JournalStats other) {
      return new JournalStats(
          writes + other.writes,
          batchesWritten + other.batchesWritten,
          batchesReplayed + other.batchesReplayed);
    }
  }

  private static final class Id extends ExtensionId<Logs> {
    @Override
    public Logs createExtension(ActorSystem<?> system) {
      return new Logs(system);
    }
  }

  public static Logs get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private Logs(ActorSystem<?> system) {
    Config config = system.settings().config();
    this.dataDir = Path.of(config.getString("sluice.data-dir")).toAbsolutePath().normalize();
    this.clock =
        system.settings().setup().get(LogsSetup.class).map(LogsSetup::clock).orElse(SYSTEM_CLOCK);
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot create the data directory " + dataDir + " (sluice.data-dir): " + e, e);
    }
    this.cleaner =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "sluice-log-cleaner-" + system.name());
              thread.setDaemon(true);
              return thread;
            });
    this.health =
        new DataDirHealth(
            dataDir, clock, (int) config.getBytes("sluice.log.offline-probe-bytes").longValue());
    schedule(config.getDuration("sluice.log.retention-check-interval"), this::runRetention);
    schedule(config.getDuration("sluice.log.compaction-interval"), this::runCompaction);
    schedule(config.getDuration("sluice.log.offline-probe-interval"), health::probe);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "sluice-close-partition-logs",
            () -> {
              closeAll();
              return CompletableFuture.completedFuture(Done.done());
            });
  }

  private void schedule(Duration interval, Runnable task) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("log cleaner interval must be positive, not " + interval);
    }
    long millis = interval.toMillis();
    cleaner.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Whether the data directory takes writes; journal writes that fail report to it. */
  public DataDirHealth health() {
    return health;
  }

  /** The directory under which every partition directory lives ({@code sluice.data-dir}). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * The directory of one partition, {@code <data-dir>/<topic>-<partition>}.
   *
   * @throws IllegalArgumentException if the name is not {@code topic-partition}
   */
  public Path partitionDir(String topicPartition) {
    if (!isTopicPartition(topicPartition)) {
      throw new IllegalArgumentException(
          "'"
              + topicPartition
              + "' is not a topic-partition name: expected a topic of [a-zA-Z0-9._-] (not '.' or"
              + " '..'), a dash and a partition number");
    }
    return dataDir.resolve(topicPartition);
  }

  private static boolean isTopicPartition(String name) {
    return TOPIC_PARTITION.matcher(name).matches()
        && !name.startsWith(".-")
        && !name.startsWith("..-");
  }

  /**
   * The log of {@code topicPartition} of the topic with id {@code topicId}, opened (and recovered)
   * now if it is not open yet. If it is open already its config is updated to {@code config}.
   *
   * <p>The partition directory records its topic's id in {@code partition.metadata} (Kafka's
   * format: {@code version: 0} and {@code topic_id: <id>} lines). A directory left by an earlier
   * topic of the same name (deleted while this broker was away) has another id: it is deleted, so a
   * new topic never serves the old one's records.
   *
   * @throws java.io.UncheckedIOException if the log cannot be opened
   * @throws IllegalStateException after {@link #closeAll()}
   */
  public PartitionLog open(String topicPartition, String topicId, LogConfig config) {
    Path dir = partitionDir(topicPartition);
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException(
            "Cannot open " + topicPartition + ": the broker's logs are closed (shutting down)");
      }
      PartitionLog existing = logs.get(topicPartition);
      if (existing != null && topicId.equals(topicIds.get(topicPartition))) {
        existing.updateConfig(config);
        return existing;
      }
      if (existing != null) {
        logs.remove(topicPartition);
        existing.close();
      }
      String storedId = PartitionMetadata.read(dir);
      if (storedId != null && !storedId.equals(topicId)) {
        LOG.warn(
            "Deleting {}: it holds topic id {}, not {} (the topic was deleted and created again)",
            dir,
            storedId,
            topicId);
        Directories.deleteRecursively(dir);
      } else if (storedId == null && Files.exists(dir.resolve(SegmentSnapshotStore.DIRECTORY))) {
        LOG.warn(
            "Deleting snapshots of unknown origin in {} (no {})", dir, PartitionMetadata.FILE_NAME);
        Directories.deleteRecursively(dir.resolve(SegmentSnapshotStore.DIRECTORY));
      }
      PartitionLog log = PartitionLog.open(dir, config, clock, health::reportFailure);
      if (storedId == null || !storedId.equals(topicId)) {
        PartitionMetadata.write(dir, topicId);
      }
      logs.put(topicPartition, log);
      topicIds.put(topicPartition, topicId);
      return log;
    }
  }

  /** The log of {@code topicPartition} if it is open. */
  public Optional<PartitionLog> find(String topicPartition) {
    return Optional.ofNullable(logs.get(topicPartition));
  }

  /**
   * The open log of {@code topicPartition}.
   *
   * @throws IllegalStateException if it is not open: its partition leader opens it before recovery
   */
  public PartitionLog get(String topicPartition) {
    PartitionLog log = logs.get(topicPartition);
    if (log == null) {
      throw new IllegalStateException(
          "The log of "
              + topicPartition
              + " is not open; its partition leader opens it (with the topic's configs) before"
              + " recovery");
    }
    return log;
  }

  /**
   * Closes and removes the log of {@code topicPartition} and its whole directory (snapshots
   * included), whether or not it is open.
   */
  public void delete(String topicPartition) {
    Path dir = partitionDir(topicPartition);
    PartitionLog log;
    synchronized (this) {
      log = logs.remove(topicPartition);
      topicIds.remove(topicPartition);
    }
    stats.remove(topicPartition);
    if (log != null) {
      log.delete();
    }
    Directories.deleteRecursively(dir);
  }

  /**
   * A partition directory found under the data directory.
   *
   * @param topicId the id its {@code partition.metadata} records, null if it records none (or is
   *     unreadable)
   */
  public record StoredLog(String topicPartition, String topicId) {}

  /**
   * Every directory under the data directory named {@code topic-partition}, open or not, with the
   * topic id it records. Reads files only; safe from any thread.
   */
  public List<StoredLog> storedLogs() {
    List<StoredLog> stored = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (!isTopicPartition(name)) {
          continue;
        }
        String topicId;
        try {
          topicId = PartitionMetadata.read(dir);
        } catch (RuntimeException e) {
          LOG.warn("Cannot tell the topic of {}: {}", dir, e.toString());
          topicId = null;
        }
        stored.add(new StoredLog(name, topicId));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the data directory " + dataDir, e);
    }
    stored.sort(Comparator.comparing(StoredLog::topicPartition));
    return stored;
  }

  /**
   * Deletes the directory of {@code topicPartition} if it is not open and still records {@code
   * topicId}: a stray log its owner decided to remove. Checked and deleted under the lock {@link
   * #open} takes, so no log is opened in a directory while it is being deleted.
   *
   * @return whether the directory was deleted
   */
  public synchronized boolean deleteStray(String topicPartition, String topicId) {
    Path dir = partitionDir(topicPartition);
    if (closed || logs.containsKey(topicPartition) || !Files.isDirectory(dir)) {
      return false;
    }
    String storedId;
    try {
      storedId = PartitionMetadata.read(dir);
    } catch (RuntimeException e) {
      return false;
    }
    if (!topicId.equals(storedId)) {
      return false;
    }
    Directories.deleteRecursively(dir);
    stats.remove(topicPartition);
    return true;
  }

  /** What the journal did for {@code topicPartition} since this broker started. */
  public JournalStats journalStats(String topicPartition) {
    return stats.getOrDefault(topicPartition, JournalStats.ZERO);
  }

  void recordWrite(String topicPartition, int batches) {
    stats.merge(topicPartition, new JournalStats(1, batches, 0), JournalStats::plus);
  }

  void recordReplay(String topicPartition, long batches) {
    stats.merge(topicPartition, new JournalStats(0, 0, batches), JournalStats::plus);
  }

  /** Stops the background cleaner, then flushes and closes every log. Idempotent. */
  public void closeAll() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // Never interrupt the cleaner: an interrupted NIO call closes the FileChannel it was using,
    // and segment channels are shared with appends and reads. Let a run in progress finish.
    cleaner.shutdown();
    try {
      if (!cleaner.awaitTermination(CLEANER_STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warn(
            "A retention or compaction run is still going after {}; closing the logs anyway",
            CLEANER_STOP_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A close is a handful of fsyncs; thousands of logs one by one took seconds of a broker's stop
    // (6 s at 2,000 partitions). Closed CLOSE_THREADS at a time, the disk overlaps them.
    ExecutorService closer =
        Executors.newFixedThreadPool(CLOSE_THREADS, task -> new Thread(task, "sluice-log-close"));
    for (Map.Entry<String, PartitionLog> entry : logs.entrySet()) {
      closer.execute(
          () -> {
            try {
              entry.getValue().close();
            } catch (RuntimeException e) {
              LOG.error("Closing the log of {} failed", entry.getKey(), e);
            }
          });
    }
    closer.shutdown();
    boolean interrupted = false;
    while (!closer.isTerminated()) {
      try {
        closer.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    logs.clear();
    LOG.info("Closed the partition logs under {}", dataDir);
  }

  private void runRetention() {
    for (Map.Entry<String, PartitionLog> entry : logs.entrySet()) {
      try {
        int deleted = entry.getValue().deleteRetainedSegments();
        if (deleted > 0) {
          LOG.info("Retention deleted {} segment(s) of {}", deleted, entry.getKey());
        }
      } catch (RuntimeException e) {
        LOG.error("Retention of {} failed; retrying at the next check", entry.getKey(), e);
        health.reportFailure("the retention check of " + entry.getKey(), e);
      }
    }
  }

  private void runCompaction() {
    for (Map.Entry<String, PartitionLog> entry : logs.entrySet()) {
      try {
        int rewritten = entry.getValue().compact();
        if (rewritten > 0) {
          LOG.info("Compaction rewrote {} segment(s) of {}", rewritten, entry.getKey());
        }
      } catch (RuntimeException e) {
        LOG.error("Compaction of {} failed; retrying at the next run", entry.getKey(), e);
        health.reportFailure("the compaction of " + entry.getKey(), e);
      }
    }
  }
}
