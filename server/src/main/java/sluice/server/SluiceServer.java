package sluice.server;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.stream.javadsl.Tcp;
import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.broker.Broker;
import sluice.actors.broker.BrokerSettings;
import sluice.actors.consumer.InstanceEntities;
import sluice.actors.gateway.Gateway;
import sluice.http.Backends;
import sluice.http.HttpSettings;
import sluice.http.SluiceRoutes;
import sluice.kafka.KafkaListener;
import sluice.kafka.KafkaSettings;

/**
 * One running broker: the actor system (a cluster node named {@value #SYSTEM_NAME}), the broker
 * inside it, its HTTP API and its Kafka-protocol listener. Stopping goes through Akka's coordinated
 * shutdown, which the JVM's shutdown hook also runs on SIGTERM: the HTTP and Kafka ports are
 * unbound first, then the cluster is left and the partition logs are flushed and closed.
 */
public final class SluiceServer {
  private static final Logger LOG = LoggerFactory.getLogger(SluiceServer.class);

  /** The actor system's name; seed node addresses are {@code akka://sluice@host:port}. */
  public static final String SYSTEM_NAME = "sluice";

  private static final Duration UNBIND_DEADLINE = Duration.ofSeconds(5);

  private final ActorSystem<Void> system;
  private final Broker.BrokerHandle broker;
  private final InetSocketAddress httpAddress;
  private final InetSocketAddress kafkaAddress;

  private SluiceServer(
      ActorSystem<Void> system,
      Broker.BrokerHandle broker,
      InetSocketAddress httpAddress,
      InetSocketAddress kafkaAddress) {
    this.system = system;
    this.broker = broker;
    this.httpAddress = httpAddress;
    this.kafkaAddress = kafkaAddress;
  }

  /**
   * Starts a broker and binds its HTTP API and, unless {@code sluice.kafka.enabled} is off, its
   * Kafka listener; returns once all are ready. The Kafka listener binds before the broker starts,
   * so the broker registers the port actually bound (also with {@code sluice.kafka.port = 0});
   * requests that reach it earlier wait for the broker's gateway.
   *
   * @throws IllegalArgumentException for an invalid setting or data directory (broker id or cluster
   *     mismatch), naming it
   * @throws IllegalStateException when the broker or the HTTP binding fails to start, with the
   *     cause
   */
  public static SluiceServer start(Config config) {
    BrokerSettings settings = Broker.checkDataDir(config);
    HttpSettings http = HttpSettings.fromConfig(config);
    KafkaSettings kafka = KafkaSettings.fromConfig(config);
    Config formed = ClusterFormation.configure(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, formed);
    try {
      ClusterFormation.start(system);
      ClusterFormation.awaitMembership(system);
      CompletableFuture<ActorRef<Gateway.Command>> gateway = new CompletableFuture<>();
      Tcp.ServerBinding kafkaBinding =
          kafka.enabled()
              ? await(
                  KafkaListener.bind(system, kafka, gateway).toCompletableFuture(),
                  Duration.ofSeconds(30))
              : null;
      Broker.BrokerHandle broker =
          await(
              (kafkaBinding == null
                      ? Broker.start(system)
                      : Broker.start(system, kafka.host(), kafkaBinding.localAddress().getPort()))
                  .toCompletableFuture(),
              settings.startTimeout().plusSeconds(5));
      gateway.complete(broker.gateway());
      if (kafkaBinding != null) {
        CoordinatedShutdown.get(system)
            .addTask(
                CoordinatedShutdown.PhaseServiceUnbind(),
                "sluice-kafka-unbind",
                () -> kafkaBinding.unbind().thenApply(unbound -> Done.getInstance()));
      }
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
      return new SluiceServer(
          system,
          broker,
          binding.localAddress(),
          kafkaBinding == null ? null : kafkaBinding.localAddress());
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

  /** Where the Kafka listener is bound; null when it is disabled. */
  public InetSocketAddress kafkaAddress() {
    return kafkaAddress;
  }

  /** Where the broker listens and keeps its data, in one line for the console. */
  public String describe() {
    BrokerSettings settings = broker.settings();
    return String.format(
        "Sluice broker %d of cluster %s: HTTP API on http://%s:%d, Kafka protocol on %s, cluster"
            + " node %s, data in %s",
        settings.brokerId(),
        broker.clusterId(),
        httpAddress.getHostString(),
        httpAddress.getPort(),
        kafkaAddress == null
            ? "none (sluice.kafka.enabled = off)"
            : kafkaAddress.getHostString() + ":" + kafkaAddress.getPort(),
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
