package sluice.server;

import akka.actor.CoordinatedShutdown;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one broker for the life of the JVM, starting a fresh actor system in-process whenever the
 * cluster downs the current one.
 *
 * <p>Why: Akka never lets a downed member back in under the same incarnation. When the Split Brain
 * Resolver (or the other members) downs this broker — it was paused (SIGSTOP, a long GC) or cut off
 * past the failure detector's timeouts — the actor system runs coordinated shutdown with reason
 * {@code ClusterDowning} and terminates. A Kafka broker in that situation rejoins as soon as it can
 * reach the controller again, so this one does too: once the old system has terminated (its HTTP
 * port unbound, its partition logs flushed and closed in {@code before-actor-system-terminate}, and
 * Distributed Data's LMDB environment closed when its durable store actor stopped), a new system
 * starts on the same ports and data directory and joins the cluster again as a new incarnation
 * (through Cluster Bootstrap: it joins the cluster its contact points are in and never forms one of
 * its own, so while it is still cut off it waits). The controller then treats it as a returning
 * broker: the partitions it led have new leaders, so it comes back as their follower and truncates
 * whatever it wrote after it was deposed.
 *
 * <p>Any other reason ends the loop: SIGTERM (the JVM's shutdown hook runs coordinated shutdown
 * with {@code JvmExit}), a graceful leave, an explicit stop. A JVM shutdown that begins while a
 * replacement system is starting stops that system too, so SIGTERM always exits. The hook returns
 * (and the JVM halts) only once {@link #run} has ended, so the run's last words (why the broker
 * stopped) are always logged and a replacement system stopped by the run loop is closed first.
 *
 * <p>Threading: {@link #run} blocks its caller (the main thread) for the broker's whole life; the
 * JVM shutdown hook is the only other thread that touches the current server.
 */
public final class BrokerRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerRunner.class);

  /** How often a restart after downing is attempted before the process gives up. */
  static final int RESTART_ATTEMPTS = 5;

  /** Pause between failed restart attempts (a port may still be held for a moment). */
  static final Duration RESTART_BACKOFF = Duration.ofSeconds(2);

  private static final Duration SHUTDOWN_HOOK_DEADLINE = Duration.ofSeconds(60);

  private final Config config;
  private final Function<Config, SluiceServer> starter;
  private final Consumer<SluiceServer> onReady;
  private final Consumer<SluiceServer> onJvmExit;
  private volatile SluiceServer current;
  private volatile boolean exiting;

  /** Completed when {@link #run} returns or throws; the JVM shutdown hook waits for it. */
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  /**
   * @param starter starts a broker from the configuration ({@link SluiceServer#start} in
   *     production)
   * @param onReady told about every started broker, the first one and every rejoin
   * @param onJvmExit told, in the JVM's shutdown hook, once the broker has stopped
   */
  BrokerRunner(
      Config config,
      Function<Config, SluiceServer> starter,
      Consumer<SluiceServer> onReady,
      Consumer<SluiceServer> onJvmExit) {
    this.config = config;
    this.starter = starter;
    this.onReady = onReady;
    this.onJvmExit = onJvmExit;
  }

  /** How a run ended. */
  public enum Outcome {
    /** Coordinated shutdown ran for a reason other than downing (SIGTERM, leave, stop). */
    STOPPED,
    /** The cluster downed the broker and no replacement could be started. */
    RESTART_FAILED
  }

  /**
   * Starts the broker (exceptions of the first start propagate, as from {@link
   * SluiceServer#start}), then blocks until it stops for a reason other than being downed.
   */
  public Outcome run() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::onJvmShutdown, "sluice-runner-exit"));
    try {
      return runBrokers();
    } finally {
      ended.complete(null);
    }
  }

  private Outcome runBrokers() {
    SluiceServer server = starter.apply(config);
    int restarts = 0;
    while (true) {
      current = server;
      if (exiting) {
        stop(server);
      }
      onReady.accept(server);
      Optional<CoordinatedShutdown.Reason> reason = awaitTermination(server);
      int brokerId = server.broker().settings().brokerId();
      if (exiting || !isDowning(reason)) {
        LOG.info(
            "Broker {} stopped (coordinated shutdown reason: {})",
            brokerId,
            reason.map(Object::toString).orElse("none"));
        return Outcome.STOPPED;
      }
      restarts++;
      LOG.warn(
          "Broker {} was downed by the cluster (reason {}): its actor system has terminated, its"
              + " partition logs and metadata store are closed. Starting a new actor system on the"
              + " same ports and data directory to rejoin the cluster (rejoin {}).",
          brokerId,
          reason.get(),
          restarts);
      Optional<SluiceServer> next = restart(brokerId);
      if (next.isEmpty()) {
        return exiting ? Outcome.STOPPED : Outcome.RESTART_FAILED;
      }
      server = next.get();
      LOG.info(
          "Broker {} rejoined the cluster in a new actor system (rejoin {})", brokerId, restarts);
    }
  }

  static boolean isDowning(Optional<CoordinatedShutdown.Reason> reason) {
    return reason.isPresent() && reason.get().equals(CoordinatedShutdown.clusterDowningReason());
  }

  private static Optional<CoordinatedShutdown.Reason> awaitTermination(SluiceServer server) {
    server.system().getWhenTerminated().toCompletableFuture().join();
    return CoordinatedShutdown.get(server.system()).getShutdownReason();
  }

  /** A replacement broker, or empty when every attempt failed or the JVM is exiting. */
  private Optional<SluiceServer> restart(int brokerId) {
    for (int attempt = 1; attempt <= RESTART_ATTEMPTS && !exiting; attempt++) {
      try {
        return Optional.of(starter.apply(config));
      } catch (RuntimeException e) {
        LOG.error(
            "Broker {}: restart attempt {} of {} after downing failed: {}",
            brokerId,
            attempt,
            RESTART_ATTEMPTS,
            e.toString(),
            e);
        if (attempt < RESTART_ATTEMPTS && !pause(RESTART_BACKOFF)) {
          break;
        }
      }
    }
    if (!exiting) {
      LOG.error(
          "Broker {}: giving up after {} failed restarts; the process exits",
          brokerId,
          RESTART_ATTEMPTS);
    }
    return Optional.empty();
  }

  /** Waits without polling a condition: nothing to wait for but time. False if interrupted. */
  private static boolean pause(Duration duration) {
    try {
      TimeUnit.MILLISECONDS.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The JVM is exiting (SIGTERM): no more restarts, and the current broker (perhaps one that
   * started after Akka's own hook ran for its predecessor) is stopped before the JVM goes. Returns
   * only once {@link #run} has ended too: the JVM halts when its shutdown hooks return, and the
   * run's thread may not yet have logged why the broker stopped, or may still be stopping a
   * replacement system that started meanwhile. Package-private for tests, which call it directly.
   */
  void onJvmShutdown() {
    exiting = true;
    SluiceServer server = current;
    if (server != null) {
      try {
        CompletableFuture.runAsync(() -> stop(server))
            .thenCompose(stopped -> ended)
            .get(SHUTDOWN_HOOK_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        onJvmExit.accept(server);
      } catch (Exception e) {
        LOG.warn(
            "Broker did not stop within {} of the JVM exit: {}",
            SHUTDOWN_HOOK_DEADLINE,
            e.toString());
      }
    }
  }

  private static void stop(SluiceServer server) {
    CoordinatedShutdown.get(server.system()).runAll(CoordinatedShutdown.jvmExitReason());
    server.system().getWhenTerminated().toCompletableFuture().join();
  }
}
