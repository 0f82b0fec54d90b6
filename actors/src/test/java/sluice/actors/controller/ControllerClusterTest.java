package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.TopicDescription;
import sluice.actors.testing.RecordingPartitions;
import sluice.actors.testing.TestClusters;

/** Three brokers in one JVM (port 0 each), the controller as a real cluster singleton. */
class ControllerClusterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private final List<ActorTestKit> nodes = new ArrayList<>();
  private final List<ActorRef<Controller.Command>> proxies = new ArrayList<>();
  private final List<RecordingPartitions> partitions = new ArrayList<>();

  @BeforeEach
  void startThreeBrokers() {
    for (int i = 0; i < 3; i++) {
      var config = TestClusters.config(dataDir.resolve("broker-" + (i + 1)));
      ActorTestKit node = ActorTestKit.create("ControllerClusterTest", config);
      nodes.add(node);
      var first = Cluster.get(nodes.get(0).system()).selfMember().address();
      Cluster.get(node.system()).manager().tell(Join.create(first));
    }
    TestProbe<Object> probe = nodes.get(0).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          for (ActorTestKit node : nodes) {
            var members = Cluster.get(node.system()).state().getMembers();
            long up = 0;
            for (var m : members) {
              if (m.status().equals(MemberStatus.up())) {
                up++;
              }
            }
            assertThat(up).isEqualTo(3);
          }
          return null;
        });
    for (int i = 0; i < 3; i++) {
      ActorTestKit node = nodes.get(i);
      TestClusters.registerBroker(node, i + 1, 8081 + i);
      var recording = new RecordingPartitions();
      partitions.add(recording);
      proxies.add(
          Controller.init(
              node.system(),
              Controller.Settings.fromConfig(node.system().settings().config()),
              recording,
              i + 1,
              Optional.empty()));
    }
  }

  @AfterEach
  void stop() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).shutdownTestKit();
    }
  }

  private Controller.TopicResult create(int via, String name, int count, Integer rf) {
    TestProbe<Controller.TopicResult> probe = nodes.get(via).createTestProbe();
    proxies
        .get(via)
        .tell(new Controller.CreateTopic(name, count, rf, Map.of(), false, probe.getRef()));
    return probe.expectMessageClass(Controller.TopicResult.class, TIMEOUT);
  }

  /** Registrations gossip: wait until the controller counts all three brokers. */
  private void awaitThreeLiveBrokers() {
    TestProbe<Controller.ClusterInfo> probe = nodes.get(0).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          proxies.get(0).tell(new Controller.DescribeCluster(probe.getRef()));
          assertThat(probe.expectMessageClass(Controller.ClusterInfo.class).brokers()).hasSize(3);
          return null;
        });
  }

  private Controller.TopicResult describe(int via, String name) {
    TestProbe<Controller.TopicResult> probe = nodes.get(via).createTestProbe();
    proxies.get(via).tell(new Controller.DescribeTopic(name, probe.getRef()));
    return probe.expectMessageClass(Controller.TopicResult.class, TIMEOUT);
  }

  @Test
  void aTopicGetsThreeReplicasByDefaultWithLeadersSpreadOverTheBrokers() {
    awaitThreeLiveBrokers();
    TopicDescription topic = create(2, "spread", 6, null).topic();
    assertThat(topic.replicationFactor()).isEqualTo(3);
    Map<Integer, Long> leaders =
        topic.partitions().stream()
            .collect(Collectors.groupingBy(PartitionInfo::leader, Collectors.counting()));
    assertThat(leaders).containsOnly(Map.entry(1, 2L), Map.entry(2, 2L), Map.entry(3, 2L));
    for (PartitionInfo p : topic.partitions()) {
      assertThat(p.replicas()).containsExactlyInAnyOrder(1, 2, 3);
      assertThat(p.replicas().get(0)).isEqualTo(p.leader());
    }
    // Each partition is placed on its leader's member.
    List<PartitionEntities.Placement> placed = new ArrayList<>();
    partitions.forEach(r -> placed.addAll(r.placed));
    for (PartitionInfo p : topic.partitions()) {
      var leaderAddress = Cluster.get(nodes.get(p.leader() - 1).system()).selfMember().address();
      assertThat(placed)
          .contains(new PartitionEntities.Placement("spread", p.partition(), leaderAddress));
    }
  }

  @Test
  void moreReplicasThanLiveBrokersIsRefusedWithTheNumbers() {
    awaitThreeLiveBrokers();
    Controller.TopicResult refused = create(1, "too-many", 1, 4);
    assertThat(refused.error().code()).isEqualTo(ErrorCode.INVALID_REPLICATION_FACTOR);
    assertThat(refused.error().message()).contains("4", "3 live brokers", "[1, 2, 3]");
  }

  @Test
  void topicsSurviveTheControllersBrokerLeaving() {
    awaitThreeLiveBrokers();
    TopicDescription topic = create(1, "kept", 3, 2).topic();
    nodes.get(0).shutdownTestKit();
    nodes.remove(0);
    proxies.remove(0);
    TestProbe<Controller.TopicResult> probe = nodes.get(1).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          proxies.get(1).tell(new Controller.DescribeTopic("kept", probe.getRef()));
          assertThat(
                  probe
                      .expectMessageClass(Controller.TopicResult.class, Duration.ofSeconds(3))
                      .topic())
              .isEqualTo(topic);
          return null;
        });
  }
}
