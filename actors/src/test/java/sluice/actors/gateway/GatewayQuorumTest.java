package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.producer.ProducerIdManager;
import sluice.actors.quorum.QuorumSetup;
import sluice.actors.quorum.QuorumState;
import sluice.actors.testing.FakePartitionLeaders;
import sluice.actors.testing.TestClusters;

/**
 * A gateway on a broker that sees no quorum answers topic writes {@code NO_QUORUM} itself, at once,
 * instead of asking a controller that could not write them either (and that may be on a broker just
 * lost, where the ask would wait out the admin timeout); reads still go to the controller.
 */
class GatewayQuorumTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private final QuorumSetup quorum = QuorumSetup.manual(new QuorumState(3, 3, 3));
  private TestProbe<Controller.Command> controller;
  private akka.actor.typed.ActorRef<Gateway.Command> gateway;

  @BeforeEach
  void start() {
    var config = TestClusters.config(dataDir, "");
    testKit = TestClusters.startOneNode("GatewayQuorumTest", config, quorum);
    controller = testKit.createTestProbe();
    gateway =
        testKit.spawn(
            Gateway.create(
                new Gateway.Wiring(
                    Gateway.Settings.fromConfig(config),
                    controller.getRef(),
                    testKit.<ProducerIdManager.Command>createTestProbe().getRef(),
                    new FakePartitionLeaders(),
                    "test-cluster",
                    Clock.systemUTC(),
                    null,
                    new Random(1))));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void withoutAQuorumTopicWritesAreRefusedByTheGatewayAndReadsStillAskTheController() {
    quorum.set(new QuorumState(3, 1, 1));
    TestProbe<AdminRequest.TopicReply> reply = testKit.createTestProbe();

    gateway.tell(
        new Gateway.Admin(
            new AdminRequest.CreateTopic("orders", 1, null, Map.of(), reply.getRef())));
    var created = reply.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
    assertThat(created.error().code()).isEqualTo(ErrorCode.NO_QUORUM);
    assertThat(created.error().message())
        .contains("Topic 'orders' was not created", "1 of the 3 configured brokers");

    gateway.tell(new Gateway.Admin(new AdminRequest.DeleteTopic("orders", reply.getRef())));
    assertThat(reply.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error().code())
        .isEqualTo(ErrorCode.NO_QUORUM);
    gateway.tell(new Gateway.Admin(new AdminRequest.CreatePartitions("orders", 2, reply.getRef())));
    assertThat(reply.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error().code())
        .isEqualTo(ErrorCode.NO_QUORUM);
    controller.expectNoMessage(Duration.ofMillis(200));

    gateway.tell(new Gateway.Admin(new AdminRequest.DescribeTopic("orders", reply.getRef())));
    controller.expectMessageClass(Controller.Admin.class, TIMEOUT);

    quorum.set(new QuorumState(3, 3, 3));
    gateway.tell(
        new Gateway.Admin(
            new AdminRequest.CreateTopic("orders", 1, null, Map.of(), reply.getRef())));
    var forwarded = controller.expectMessageClass(Controller.Admin.class, TIMEOUT);
    assertThat(forwarded.request()).isInstanceOf(AdminRequest.CreateTopic.class);
  }
}
