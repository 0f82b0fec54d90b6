package sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import sluice.actors.broker.Broker;
import sluice.actors.consumer.InstanceEntities;
import sluice.actors.group.coordinator.GroupGateway;

/**
 * A one-node broker started as the server starts it ({@link Broker#start}), with the HTTP API bound
 * to a free port on loopback and serialization checks on, for tests that go through real HTTP. The
 * HTTP API caches no topic metadata, so every request sees the broker's current view.
 */
final class OneNodeBroker implements AutoCloseable {
  private final ActorTestKit kit;
  private final ServerBinding binding;
  private final String base;
  private final String clusterId;
  private final ActorRef<GroupGateway.Command> groups;

  private OneNodeBroker(
      ActorTestKit kit,
      ServerBinding binding,
      String clusterId,
      ActorRef<GroupGateway.Command> groups) {
    this.kit = kit;
    this.binding = binding;
    this.base = "http://127.0.0.1:" + binding.localAddress().getPort();
    this.clusterId = clusterId;
    this.groups = groups;
  }

  /**
   * Starts a broker named {@code name} on {@code dataDir} (which may hold an earlier run's data).
   */
  static OneNodeBroker start(String name, Path dataDir) throws Exception {
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseString(
                """
                sluice.data-dir = "%s"
                sluice.broker.start-timeout = 20s
                sluice.http.metadata-max-age = 0s
                akka.remote.artery.canonical.port = 0
                akka.actor.serialize-messages = on
                akka.actor.serialize-creators = off
                akka.cluster.jmx.multi-mbeans-in-same-jvm = on
                akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                akka.loggers = ["akka.event.slf4j.Slf4jLogger"]
                akka.logging-filter = "akka.event.slf4j.Slf4jLoggingFilter"
                """
                    .formatted(dataDir.toString().replace("\\", "/"))));
    ActorTestKit kit = ActorTestKit.create(name, config);
    try {
      Cluster cluster = Cluster.get(kit.system());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      TestProbe<Object> probe = kit.createTestProbe();
      probe.awaitAssert(
          Duration.ofSeconds(20),
          () -> {
            assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
            return null;
          });
      Broker.BrokerHandle broker =
          Broker.start(kit.system()).toCompletableFuture().get(60, TimeUnit.SECONDS);
      ServerBinding binding =
          Http.get(kit.system())
              .newServerAt("127.0.0.1", 0)
              .bind(
                  SluiceRoutes.routes(
                      kit.system(),
                      new Backends(
                          broker.gateway(), broker.groups(), InstanceEntities.refs(kit.system())),
                      HttpSettings.fromConfig(config)))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      return new OneNodeBroker(kit, binding, broker.clusterId(), broker.groups());
    } catch (Exception | Error e) {
      kit.shutdownTestKit();
      throw e;
    }
  }

  ActorSystem<Void> system() {
    return kit.system();
  }

  /** {@code http://127.0.0.1:port}. */
  String base() {
    return base;
  }

  String clusterId() {
    return clusterId;
  }

  /** The broker's group gateway, for tests that act as a consumer group's members. */
  ActorRef<GroupGateway.Command> groups() {
    return groups;
  }

  /** {@code /v3/clusters/{id}/topics}. */
  String topics() {
    return "/v3/clusters/" + clusterId + "/topics";
  }

  /** Sends {@code body} (none if null) with {@code contentType} (none if null) and waits. */
  HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    var request = HttpRequest.newBuilder(URI.create(base + path));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return RouteHarness.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return RouteHarness.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Stops the HTTP API and the broker (its logs flushed and closed). Terminate, not unbind: an open
   * stream (a live consume) keeps fetching from its partition leader until its connection closes,
   * and a fetch sent while sharding shuts down waits out the region's hand-off timeout, past the
   * test kit's 10 s to stop. The broker does the same (SluiceServer: addToCoordinatedShutdown).
   */
  @Override
  public void close() throws Exception {
    try {
      binding.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
