package sluice.server;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.quorum.ConfiguredBrokers;

/**
 * How a broker gets into its cluster: a broker on its own forms its cluster at once; a broker of N
 * > 1 runs Akka Cluster Bootstrap over {@code sluice.cluster.contact-points}, which joins the
 * cluster one of them already belongs to, or forms a new one only once all of them are in contact
 * and none is in a cluster, the lowest contact point joining itself (a quorum was not safe:
 * architecture.md).
 *
 * <p>Why not seed nodes: Akka makes the first seed node join itself when no other seed answers in
 * time, so a first seed cut off from the others (or restarted in-process after being downed) forms
 * a second cluster with a controller of its own. Bootstrap never forms a cluster without a quorum,
 * so an island keeps trying to join until the network heals. {@code akka.cluster.seed-nodes} is
 * therefore refused: Bootstrap does nothing while it is set.
 */
final class ClusterFormation {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFormation.class);

  /** How often a broker still waiting to join says so in its log. */
  private static final Duration WAITING_LOG_INTERVAL = Duration.ofSeconds(10);

  private ClusterFormation() {}

  /**
   * The configuration with Bootstrap's contact points derived from {@code
   * sluice.cluster.contact-points}, all of which must be discovered and in contact before a new
   * cluster forms (unchanged for a broker on its own).
   *
   * @throws IllegalArgumentException when seed nodes are set, a contact point is malformed, or this
   *     broker's own management endpoint is not among the contact points
   */
  static Config configure(Config config) {
    if (!config.getStringList("akka.cluster.seed-nodes").isEmpty()) {
      throw new IllegalArgumentException(
          "akka.cluster.seed-nodes is set ("
              + config.getStringList("akka.cluster.seed-nodes")
              + "), but Sluice brokers form their cluster from sluice.cluster.contact-points (every"
              + " broker's Akka Management endpoint, host:port), so that a broker cut off from the"
              + " others never forms a cluster of its own: remove the seed nodes and list the"
              + " contact points instead");
    }
    ConfiguredBrokers brokers = ConfiguredBrokers.fromConfig(config);
    if (brokers.contactPoints().isEmpty()) {
      return config;
    }
    String self =
        config.getString("akka.management.http.hostname")
            + ":"
            + config.getInt("akka.management.http.port");
    if (!brokers.contactPoints().contains(self)) {
      throw new IllegalArgumentException(
          "this broker's management endpoint "
              + self
              + " (akka.management.http.hostname and port) is not among"
              + " sluice.cluster.contact-points "
              + brokers.contactPoints()
              + ": list every broker's endpoint, this one's included, spelled the same way");
    }
    String endpoints =
        brokers.contactPoints().stream()
            .map(
                point -> {
                  int colon = point.lastIndexOf(':');
                  return "{host = "
                      + ConfigUtil.quoteString(point.substring(0, colon))
                      + ", port = "
                      + point.substring(colon + 1)
                      + "}";
                })
            .collect(Collectors.joining(", ", "[", "]"));
    String service =
        config.getString("akka.management.cluster.bootstrap.contact-point-discovery.service-name");
    return ConfigFactory.parseString(
            "akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr = "
                + brokers.count()
                + "\nakka.discovery.config.services."
                + ConfigUtil.quoteString(service)
                + ".endpoints = "
                + endpoints)
        .withFallback(config);
  }

  /**
   * Starts joining: at once for a broker on its own, else through Akka Management and Cluster
   * Bootstrap (whose HTTP endpoint other brokers probe).
   */
  static void start(ActorSystem<?> system) {
    ConfiguredBrokers brokers = ConfiguredBrokers.fromConfig(system.settings().config());
    Cluster cluster = Cluster.get(system);
    if (brokers.contactPoints().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      return;
    }
    LOG.info(
        "Joining the cluster of {} brokers {}: a new one forms only with all of them in contact",
        brokers.count(),
        brokers.contactPoints());
    AkkaManagement.get(system).start().toCompletableFuture().join();
    ClusterBootstrap.get(system).start();
  }

  /**
   * Blocks until this broker is an {@code Up} member, however long the network keeps it from its
   * cluster (logging every {@link #WAITING_LOG_INTERVAL} that it still waits), or throws once the
   * actor system terminates first (SIGTERM while waiting).
   */
  static void awaitMembership(ActorSystem<?> system) {
    CompletableFuture<Void> up = new CompletableFuture<>();
    akka.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(() -> up.complete(null));
    system
        .getWhenTerminated()
        .thenRun(
            () ->
                up.completeExceptionally(
                    new IllegalStateException("the broker stopped before it joined a cluster")));
    long started = System.nanoTime();
    while (true) {
      try {
        up.get(WAITING_LOG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        LOG.warn(
            "Not in a cluster yet after {} s: waiting for one of"
                + " sluice.cluster.contact-points to answer that it is in a cluster, or for all"
                + " of them to answer that none is",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      } catch (ExecutionException e) {
        throw (RuntimeException) e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting to join the cluster", e);
      }
    }
  }
}
