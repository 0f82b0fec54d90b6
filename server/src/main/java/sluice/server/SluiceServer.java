package sluice.server;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.broker.Broker;
import sluice.actors.broker.BrokerSettings;
import sluice.actors.consumer.InstanceEntities;
import sluice.http.Backends;
import sluice.http.HttpSettings;
import sluice.http.SluiceRoutes;

/**
 * One running broker: the actor system (a cluster node named {@value #SYSTEM_NAME}), the broker
 * inside it and its HTTP API. Stopping goes through Akka's coordinated shutdown, which the JVM's
 * shutdown hook also runs on SIGTERM: the HTTP port is unbound first, then the cluster is left and
 * the partition logs are flushed and closed.
 */
public final class SluiceServer {
  private static final Logger LOG = LoggerFactory.getLogger(SluiceServer.class);

  /** The actor system's name; seed node addresses are {@code akka://sluice@host:port}. */
  public static final String SYSTEM_NAME = "sluice";

  private static final Duration UNBIND_DEADLINE = Duration.ofSeconds(5);

  private final ActorSystem<Void> system;
  private final Broker.BrokerHandle broker;
  private final InetSocketAddress httpAddress;

  private SluiceServer(
      ActorSystem<Void> system, Broker.BrokerHandle broker, InetSocketAddress httpAddress) {
    this.system = system;
    this.broker = broker;
    this.httpAddress = httpAddress;
  }

  /**
   * Starts a broker and binds its HTTP API; returns once both are ready.
   *
   * @throws IllegalArgumentException for an invalid setting or data directory (broker id or cluster
   *     mismatch), naming it
   * @throws IllegalStateException when the broker or the HTTP binding fails to start, with the
   *     cause
   */
  public static SluiceServer start(Config config) {
    BrokerSettings settings = Broker.checkDataDir(config);
    HttpSettings http = HttpSettings.fromConfig(config);
    Config formed = ClusterFormation.configure(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, formed);
    try {
      ClusterFormation.start(system);
      ClusterFormation.awaitMembership(system);
      Broker.BrokerHandle broker =
          await(Broker.start(system).toCompletableFuture(), settings.startTimeout().plusSeconds(5));
      ServerBinding binding =
          await(
              Http.get(system)
                  .newServerAt(http.host(), http.port())
                  .bind(
                      SluiceRoutes.routes(
                          system,
                          new Backends(
                              broker.gateway(), broker.groups(), InstanceEntities.refs(system)),
                          http))
                  .toCompletableFuture(),
              Duration.ofSeconds(30));
      binding.addToCoordinatedShutdown(UNBIND_DEADLINE, system);
      return new SluiceServer(system, broker, binding.localAddress());
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("broker start failed: " + cause, cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("broker did not start within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the broker", e);
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Broker.BrokerHandle broker() {
    return broker;
  }

  public InetSocketAddress httpAddress() {
    return httpAddress;
  }

  /** Where the broker listens and keeps its data, in one line for the console. */
  public String describe() {
    BrokerSettings settings = broker.settings();
    return String.format(
        "Sluice broker %d of cluster %s: HTTP API on http://%s:%d, cluster node %s, data in %s",
        settings.brokerId(),
        broker.clusterId(),
        httpAddress.getHostString(),
        httpAddress.getPort(),
        Cluster.get(system).selfMember().address(),
        settings.dataDir());
  }

  /** Stops the broker through coordinated shutdown and waits for it. */
  public void stop() {
    LOG.info("Stopping broker {}", broker.settings().brokerId());
    CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
