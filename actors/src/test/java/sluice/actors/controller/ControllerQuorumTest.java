package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.AdminRequest.TopicReply;
import sluice.actors.api.ApiError;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionInfo;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.quorum.QuorumSetup;
import sluice.actors.quorum.QuorumState;
import sluice.actors.testing.ManualClock;
import sluice.actors.testing.RecordingPartitions;
import sluice.actors.testing.TestClusters;

/**
 * The controller under the quorum rule, on one node whose quorum view is driven by hand: "present"
 * is a broker configured alone (its writes reach itself), "lost" an island of one of three.
 */
class ControllerQuorumTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final QuorumState PRESENT = QuorumState.alone();
  private static final QuorumState LOST = new QuorumState(3, 1, 1);

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private ActorRef<Controller.Command> controller;
  private final QuorumSetup quorum = QuorumSetup.manual(PRESENT);
  private final ManualClock clock =
      new ManualClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private void start(String extraConfig, TopicMetadata... stored) {
    Config config = TestClusters.config(dataDir, extraConfig);
    testKit = TestClusters.startOneNode("ControllerQuorumTest", config, quorum);
    TestClusters.registerBroker(testKit, 1, 8080);
    for (TopicMetadata topic : stored) {
      TestClusters.putTopic(testKit, topic);
    }
    controller =
        testKit.spawn(
            Controller.create(
                Controller.Settings.fromConfig(config),
                new RecordingPartitions(),
                1,
                Optional.empty(),
                clock));
  }

  private TopicReply ask(java.util.function.Function<ActorRef<TopicReply>, AdminRequest<?>> make) {
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    controller.tell(new Controller.Admin(make.apply(probe.getRef())));
    return probe.expectMessageClass(TopicReply.class, TIMEOUT);
  }

  private TopicReply create(String name) {
    return ask(replyTo -> new AdminRequest.CreateTopic(name, 1, null, Map.of(), replyTo));
  }

  private PartitionInfo partition0(String topic) {
    return ask(replyTo -> new AdminRequest.DescribeTopic(topic, replyTo))
        .topic()
        .partitions()
        .get(0);
  }

  private List<Integer> liveBrokers() {
    TestProbe<AdminRequest.ClusterDescription> probe = testKit.createTestProbe();
    controller.tell(new Controller.Admin(new AdminRequest.DescribeCluster(probe.getRef())));
    return probe
        .expectMessageClass(AdminRequest.ClusterDescription.class, TIMEOUT)
        .brokers()
        .stream()
        .map(BrokerInfo::brokerId)
        .toList();
  }

  private static void assertNoQuorum(ApiError error, String notDone) {
    assertThat(error).isNotNull();
    assertThat(error.code()).isEqualTo(ErrorCode.NO_QUORUM);
    assertThat(error.code().retriable()).isTrue();
    assertThat(error.message())
        .startsWith(notDone)
        .contains("sees 1 of the 3 configured brokers, 2 are needed");
  }

  @Test
  void withoutAQuorumWritesAreRefusedRetriablyAndReadsStillAnswer() {
    start("");
    assertThat(create("orders").error()).isNull();

    quorum.set(LOST);
    assertNoQuorum(create("more").error(), "Topic 'more' was not created");
    assertNoQuorum(
        ask(replyTo -> new AdminRequest.CreatePartitions("orders", 2, replyTo)).error(),
        "No partitions were added to topic 'orders'");
    assertNoQuorum(
        ask(replyTo -> new AdminRequest.DeleteTopic("orders", replyTo)).error(),
        "Topic 'orders' was not deleted");
    TestProbe<Controller.AlterPartitionResult> alter = testKit.createTestProbe();
    String topicId = ask(r -> new AdminRequest.DescribeTopic("orders", r)).topic().topicId();
    controller.tell(
        new Controller.AlterPartition("orders", topicId, 0, 1, 0, 0, List.of(1), alter.getRef()));
    assertNoQuorum(
        alter.expectMessageClass(Controller.AlterPartitionResult.class, TIMEOUT).error(),
        "The ISR of orders-0 was not changed");
    assertThat(partition0("orders").leader()).as("describe answers from memory").isEqualTo(1);

    quorum.set(PRESENT);
    assertThat(create("more").error()).isNull();
  }

  @Test
  void withoutAQuorumNoLeaderIsElectedNorAnIsrShrunkUntilTheQuorumReturns() {
    TopicMetadata ledByBroker2 =
        new TopicMetadata(
            "graced",
            "graced-id",
            false,
            Map.of(),
            List.of(new PartitionAssignment(0, List.of(2, 1), 2, 0, List.of(2, 1), 0)));
    // Broker 2 has no registration: it is neither live nor dead during the grace (by the clock).
    start(
        "sluice.controller.unregistered-broker-grace = 10m\n"
            + "sluice.controller.leader-imbalance-check-interval = 10m",
        ledByBroker2);
    assertThat(create("barrier").error()).isNull();
    assertThat(partition0("graced").leader()).isEqualTo(2);

    quorum.set(LOST);
    clock.advance(Duration.ofMinutes(10));
    // A registration asks for an election; once the controller lists broker 3 it has handled that
    // request, so the describe below comes after the election it skipped.
    TestClusters.registerBroker(testKit, 3, 8082);
    testKit
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertThat(liveBrokers()).contains(3);
              return null;
            });
    PartitionInfo kept = partition0("graced");
    assertThat(kept.leader()).as("broker 2 is dead by now, but nothing is elected").isEqualTo(2);
    assertThat(kept.isr()).as("nor is the ISR shrunk").containsExactly(2, 1);

    quorum.set(PRESENT);
    testKit
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              PartitionInfo elected = partition0("graced");
              assertThat(elected.leader()).isEqualTo(1);
              assertThat(elected.leaderEpoch()).isEqualTo(1);
              assertThat(elected.isr()).containsExactly(1);
              return null;
            });
  }

  @Test
  void aControllerStartingWithoutAQuorumRefusesWritesAndStartsOnceItReturns() {
    quorum.set(LOST);
    start("");
    assertNoQuorum(create("orders").error(), "Topic 'orders' was not created");

    quorum.set(PRESENT);
    testKit
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertThat(create("orders").error()).isNull();
              return null;
            });
  }
}
