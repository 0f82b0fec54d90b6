package sluice.kafka;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import akka.stream.javadsl.Tcp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sluice.actors.api.AdminRequest;
import sluice.actors.broker.Broker;
import sluice.actors.gateway.Gateway;
import sluice.actors.testing.TestClusters;

/**
 * A one-node broker (the actors module's {@link TestClusters} node, serialization checks on) with
 * its Kafka listener on a free loopback port, wired as the server wires it: the listener binds
 * first and the broker registers the bound port.
 */
final class OneKafkaBroker implements AutoCloseable {
  private final ActorTestKit kit;
  private final Tcp.ServerBinding binding;
  private final Broker.BrokerHandle broker;

  private OneKafkaBroker(ActorTestKit kit, Tcp.ServerBinding binding, Broker.BrokerHandle broker) {
    this.kit = kit;
    this.binding = binding;
    this.broker = broker;
  }

  /** Starts the broker; {@code extra} (HOCON) overrides the test node's config. */
  static OneKafkaBroker start(String name, Path dataDir, String extra) throws Exception {
    var config =
        TestClusters.config(
            dataDir,
            """
            sluice.kafka.port = 0
            sluice.broker.start-timeout = 20s
            """
                + extra);
    ActorTestKit kit = TestClusters.startOneNode(name, config);
    try {
      KafkaSettings settings = KafkaSettings.fromConfig(config);
      CompletableFuture<ActorRef<Gateway.Command>> gateway = new CompletableFuture<>();
      Tcp.ServerBinding binding =
          KafkaListener.bind(kit.system(), settings, gateway)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      Broker.BrokerHandle broker =
          Broker.start(kit.system(), settings.host(), binding.localAddress().getPort())
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      gateway.complete(broker.gateway());
      return new OneKafkaBroker(kit, binding, broker);
    } catch (Exception | Error e) {
      kit.shutdownTestKit();
      throw e;
    }
  }

  int kafkaPort() {
    return binding.localAddress().getPort();
  }

  String bootstrap() {
    return "127.0.0.1:" + kafkaPort();
  }

  ActorTestKit kit() {
    return kit;
  }

  ActorRef<Gateway.Command> gateway() {
    return broker.gateway();
  }

  String clusterId() {
    return broker.clusterId();
  }

  /** Creates {@code name} with {@code partitions} partitions, one replica each; returns it. */
  AdminRequest.TopicReply createTopic(String name, int partitions) throws Exception {
    AdminRequest.TopicReply reply =
        AskPattern.<Gateway.Command, AdminRequest.TopicReply>ask(
                broker.gateway(),
                replyTo ->
                    new Gateway.Admin(
                        new AdminRequest.CreateTopic(name, partitions, 1, Map.of(), replyTo)),
                Duration.ofSeconds(30),
                kit.system().scheduler())
            .toCompletableFuture()
            .get(35, TimeUnit.SECONDS);
    if (reply.error() != null) {
      throw new IllegalStateException("Creating topic " + name + " failed: " + reply.error());
    }
    return reply;
  }

  /** Fetches from {@code offset} of {@code topic-partition} through the gateway. */
  Gateway.FetchReply fetch(String topic, int partition, long offset) throws Exception {
    return AskPattern.<Gateway.Command, Gateway.FetchReply>ask(
            broker.gateway(),
            replyTo -> new Gateway.Fetch(topic, partition, offset, 1 << 20, 0L, replyTo),
            Duration.ofSeconds(10),
            kit.system().scheduler())
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    try {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
