package sluice.actors.gateway;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.IdempotentProduce;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.actors.controller.Controller;
import sluice.actors.producer.ProducerIdManager;
import sluice.actors.testing.FakePartitionLeaders;
import sluice.actors.testing.ManualClock;
import sluice.actors.testing.RecordingPartitions;
import sluice.actors.testing.TestClusters;

/**
 * A gateway on one node with a real controller and producer-id manager and in-memory partition
 * leaders ({@link FakePartitionLeaders}), its clock and pauses manual; the gateway tests' common
 * ground.
 */
final class GatewayHarness implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(15);
  static final long NOW = 1_700_000_000_000L;

  final ActorTestKit testKit;
  final ActorRef<Gateway.Command> gateway;
  final ActorRef<Controller.Command> controller;
  final ActorRef<ProducerIdManager.Command> producerIds;
  final FakePartitionLeaders leaders = new FakePartitionLeaders();
  final ManualClock clock = new ManualClock(NOW);

  GatewayHarness(Path dataDir) {
    Config config = TestClusters.config(dataDir, "sluice.gateway.leader-ask-margin = 2s");
    testKit = TestClusters.startOneNode("GatewayTest", config);
    TestClusters.registerBroker(testKit, 1, 8080);
    controller =
        testKit.spawn(
            Controller.create(
                Controller.Settings.fromConfig(config),
                new RecordingPartitions(),
                1,
                Optional.of("test-cluster")));
    producerIds =
        testKit.spawn(
            ProducerIdManager.create(
                new ProducerIdManager.Wiring(
                    1, ProducerIdManager.Settings.fromConfig(config), controller, clock)));
    gateway =
        testKit.spawn(
            Gateway.create(
                new Gateway.Wiring(
                    Gateway.Settings.fromConfig(config),
                    controller,
                    producerIds,
                    leaders,
                    "test-cluster",
                    clock,
                    clock.pauses(),
                    new Random(42))));
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }

  AdminRequest.TopicReply createTopic(String name, int partitions) {
    return createTopic(name, partitions, Map.of());
  }

  AdminRequest.TopicReply createTopic(String name, int partitions, Map<String, String> configs) {
    TestProbe<AdminRequest.TopicReply> probe = testKit.createTestProbe();
    gateway.tell(
        new Gateway.Admin(
            new AdminRequest.CreateTopic(name, partitions, null, configs, probe.getRef())));
    return probe.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
  }

  List<RecordResult> produce(
      String topic, List<ProduceRecord> records, Acks acks, IdempotentProduce idempotent) {
    TestProbe<Gateway.ProduceReply> probe = testKit.createTestProbe();
    gateway.tell(new Gateway.Produce(topic, records, acks, 3000, idempotent, probe.getRef()));
    return probe.expectMessageClass(Gateway.ProduceReply.class, TIMEOUT).results();
  }

  Gateway.FetchReply fetch(String topic, int partition, long offset) {
    TestProbe<Gateway.FetchReply> probe = testKit.createTestProbe();
    gateway.tell(new Gateway.Fetch(topic, partition, offset, 1 << 20, 0, probe.getRef()));
    return probe.expectMessageClass(Gateway.FetchReply.class, TIMEOUT);
  }
}
