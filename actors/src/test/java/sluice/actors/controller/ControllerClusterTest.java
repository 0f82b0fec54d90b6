package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.TopicDescription;
import sluice.actors.gateway.Gateway;
import sluice.actors.metadata.ControllerEpochKey;
import sluice.actors.metadata.MetadataLayout;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.producer.ProducerIdManager;
import sluice.actors.testing.FakePartitionLeaders;
import sluice.actors.testing.RecordingPartitions;
import sluice.actors.testing.TestClusters;

/**
 * Three brokers in one JVM (port 0 each), the controller as a real cluster singleton on the oldest
 * (broker 1 unless it was stopped). Brokers are stopped by leaving the cluster and started again on
 * the same data directory at a new port.
 */
class ControllerClusterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private final Map<Integer, ActorTestKit> nodes = new TreeMap<>();
  private final Map<Integer, ActorRef<Controller.Command>> proxies = new TreeMap<>();
  private final List<RecordingPartitions> partitions = new ArrayList<>();

  @BeforeEach
  void startThreeBrokers() {
    for (int id = 1; id <= 3; id++) {
      startBroker(id);
    }
  }

  @AfterEach
  void stop() {
    List<Integer> ids = new ArrayList<>(nodes.keySet());
    for (int i = ids.size() - 1; i >= 0; i--) {
      nodes.get(ids.get(i)).shutdownTestKit();
    }
  }

  /** Starts broker {@code id}, joins it to the cluster, waits until it is up and registers it. */
  private void startBroker(int id) {
    var config =
        TestClusters.config(
            dataDir.resolve("broker-" + id),
            id,
            TestClusters.Metadata.DURABLE,
            "sluice.controller.leader-imbalance-check-interval = 1s");
    ActorTestKit node = ActorTestKit.create("ControllerClusterTest", config);
    nodes.put(id, node);
    TestClusters.joinCluster(node, nodes.values(), id, TIMEOUT);
    var recording = new RecordingPartitions();
    partitions.add(recording);
    proxies.put(
        id,
        Controller.init(
            node.system(),
            Controller.Settings.fromConfig(node.system().settings().config()),
            recording,
            id,
            Optional.empty()));
  }

  /** Broker {@code id} leaves the cluster and its actor system terminates. */
  private void stopBroker(int id) {
    nodes.remove(id).shutdownTestKit();
    proxies.remove(id);
  }

  private static Address address(ActorTestKit node) {
    return Cluster.get(node.system()).selfMember().address();
  }

  private AdminRequest.TopicReply create(int via, String name, int count, Integer rf) {
    return create(via, name, count, rf, Map.of());
  }

  private AdminRequest.TopicReply create(
      int via, String name, int count, Integer rf, Map<String, String> configs) {
    TestProbe<AdminRequest.TopicReply> probe = nodes.get(via).createTestProbe();
    proxies
        .get(via)
        .tell(
            new Controller.Admin(
                new AdminRequest.CreateTopic(name, count, rf, configs, probe.getRef())));
    return probe.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
  }

  /** Registrations gossip: wait until the controller counts all live brokers. */
  private void awaitLiveBrokers(int via, int count) {
    TestProbe<AdminRequest.ClusterDescription> probe = nodes.get(via).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          proxies
              .get(via)
              .tell(new Controller.Admin(new AdminRequest.DescribeCluster(probe.getRef())));
          assertThat(probe.expectMessageClass(AdminRequest.ClusterDescription.class).brokers())
              .hasSize(count);
          return null;
        });
  }

  private AdminRequest.TopicReply describe(int via, String name) {
    TestProbe<AdminRequest.TopicReply> probe = nodes.get(via).createTestProbe();
    proxies
        .get(via)
        .tell(new Controller.Admin(new AdminRequest.DescribeTopic(name, probe.getRef())));
    return probe.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT);
  }

  /** Waits until {@code check} holds for the topic as the controller describes it. */
  private void awaitTopic(
      int via, String name, java.util.function.Consumer<TopicDescription> check) {
    TestProbe<AdminRequest.TopicReply> probe = nodes.get(via).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          proxies
              .get(via)
              .tell(new Controller.Admin(new AdminRequest.DescribeTopic(name, probe.getRef())));
          TopicDescription topic =
              probe
                  .expectMessageClass(AdminRequest.TopicReply.class, Duration.ofSeconds(5))
                  .topic();
          assertThat(topic).isNotNull();
          check.accept(topic);
          return null;
        });
  }

  /** The topic as stored in broker {@code via}'s Distributed Data replica. */
  private TopicMetadata stored(int via, String name) {
    return TestClusters.storedTopic(nodes.get(via), name);
  }

  @SuppressWarnings("unchecked")
  private int controllerEpoch(int via) {
    TestProbe<Replicator.GetResponse<LWWRegister<Integer>>> probe =
        nodes.get(via).createTestProbe();
    DistributedData.get(nodes.get(via).system())
        .replicator()
        .tell(new Replicator.Get<>(ControllerEpochKey.KEY, Replicator.readLocal(), probe.getRef()));
    var success = probe.expectMessageClass(Replicator.GetSuccess.class, TIMEOUT);
    return ((LWWRegister<Integer>) success.get(ControllerEpochKey.KEY)).getValue();
  }

  private Controller.AlterPartitionResult alter(
      int via, String topic, int partition, List<Integer> newIsr) {
    PartitionAssignment p = stored(via, topic).partitions().get(partition);
    TestProbe<Controller.AlterPartitionResult> probe = nodes.get(via).createTestProbe();
    proxies
        .get(via)
        .tell(
            new Controller.AlterPartition(
                topic,
                stored(via, topic).topicId(),
                partition,
                p.leader(),
                p.leaderEpoch(),
                p.partitionEpoch(),
                newIsr,
                probe.getRef()));
    return probe.expectMessageClass(Controller.AlterPartitionResult.class, TIMEOUT);
  }

  private List<PartitionEntities.Placement> placements() {
    List<PartitionEntities.Placement> placed = new ArrayList<>();
    partitions.forEach(r -> placed.addAll(r.placed));
    return placed;
  }

  @Test
  void aTopicGetsThreeReplicasByDefaultWithLeadersSpreadOverTheBrokers() {
    awaitLiveBrokers(1, 3);
    TopicDescription topic = create(3, "spread", 6, null).topic();
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
    for (PartitionInfo p : topic.partitions()) {
      assertThat(placements())
          .contains(
              new PartitionEntities.Placement(
                  "spread", p.partition(), address(nodes.get(p.leader()))));
    }
  }

  @Test
  void moreReplicasThanLiveBrokersIsRefusedWithTheNumbers() {
    awaitLiveBrokers(1, 3);
    AdminRequest.TopicReply refused = create(2, "too-many", 1, 4);
    assertThat(refused.error().code()).isEqualTo(ErrorCode.INVALID_REPLICATION_FACTOR);
    assertThat(refused.error().message()).contains("4", "3 live brokers", "[1, 2, 3]");
  }

  @Test
  void aTopicIsUsableThroughAnotherBrokersGatewayAsSoonAsItsCreationIsAcknowledged() {
    awaitLiveBrokers(1, 3);
    ActorTestKit third = nodes.get(3);
    var gateway =
        third.spawn(
            Gateway.create(
                Gateway.Settings.fromConfig(third.system().settings().config()),
                proxies.get(3),
                third.spawn(
                    ProducerIdManager.create(
                        new ProducerIdManager.Wiring(
                            3,
                            ProducerIdManager.Settings.fromConfig(
                                third.system().settings().config()),
                            proxies.get(3),
                            java.time.Clock.systemUTC()))),
                new FakePartitionLeaders(),
                "cluster"));
    for (int i = 0; i < 5; i++) {
      String name = "fresh-" + i;
      assertThat(create(1, name, 1, 3).error()).isNull();
      TestProbe<Gateway.ProduceReply> probe = third.createTestProbe();
      gateway.tell(
          new Gateway.Produce(
              name,
              List.of(new ProduceRecord(null, null, new byte[] {1}, null, null)),
              Acks.ALL,
              5000,
              probe.getRef()));
      var result = probe.expectMessageClass(Gateway.ProduceReply.class, TIMEOUT).results().get(0);
      assertThat(result.error()).as(name).isNull();
    }
  }

  @Test
  void whenTheControllersBrokerLeavesTheNextControllerClaimsANewEpochAndMovesItsPartitions() {
    awaitLiveBrokers(1, 3);
    TopicDescription topic = create(2, "kept", 3, 2).topic();
    assertThat(controllerEpoch(2)).isEqualTo(1);
    stopBroker(1);

    awaitTopic(
        2,
        "kept",
        kept -> {
          assertThat(kept.topicId()).isEqualTo(topic.topicId());
          for (int p = 0; p < 3; p++) {
            PartitionInfo before = topic.partitions().get(p);
            PartitionInfo after = kept.partitions().get(p);
            assertThat(after.replicas()).isEqualTo(before.replicas());
            assertThat(after.leader()).as("leader of kept-%d", p).isNotEqualTo(1).isPositive();
            assertThat(after.isr())
                .as("ISR of kept-%d", p)
                .doesNotContain(1)
                .contains(after.leader());
            assertThat(after.leaderEpoch())
                .isEqualTo(before.leader() == 1 ? before.leaderEpoch() + 1 : before.leaderEpoch());
          }
        });
    assertThat(controllerEpoch(2)).isEqualTo(2);
  }

  @Test
  void aLostBrokersPartitionsGetALeaderFromTheIsrWithTheNextLeaderEpochAndArePlacedThere() {
    awaitLiveBrokers(1, 3);
    TopicDescription topic = create(1, "moving", 3, 3).topic();
    assertThat(topic.partitions().get(2).replicas()).containsExactly(3, 1, 2);
    stopBroker(3);

    awaitTopic(
        1,
        "moving",
        moving -> {
          PartitionInfo p0 = moving.partitions().get(0);
          PartitionInfo p1 = moving.partitions().get(1);
          PartitionInfo p2 = moving.partitions().get(2);
          assertThat(p2.leader()).as("first live ISR member in replica order").isEqualTo(1);
          assertThat(p2.leaderEpoch()).isEqualTo(1);
          assertThat(p2.isr()).containsExactly(1, 2);
          assertThat(p0.leader()).isEqualTo(1);
          assertThat(p0.leaderEpoch()).as("a follower's loss keeps the leader epoch").isZero();
          assertThat(p0.isr()).containsExactly(1, 2);
          assertThat(p1.leader()).isEqualTo(2);
          assertThat(p1.isr()).containsExactly(2, 1);
        });
    assertThat(stored(1, "moving").partitions().get(2).partitionEpoch()).isEqualTo(1);
    TestProbe<Object> probe = nodes.get(1).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          assertThat(placements())
              .contains(new PartitionEntities.Placement("moving", 2, address(nodes.get(1))));
          return null;
        });
  }

  @Test
  void withNoLiveIsrMemberAPartitionGoesOfflineUnlessUncleanElectionIsEnabledAndReturnsWithIt() {
    awaitLiveBrokers(1, 3);
    create(1, "strict", 3, 2);
    create(1, "lenient", 3, 2, Map.of("unclean.leader.election.enable", "true"));
    for (String name : List.of("strict", "lenient")) {
      PartitionAssignment p1 = stored(1, name).partitions().get(1);
      assertThat(p1.replicas()).containsExactly(2, 3);
      var shrunk = alter(1, name, 1, List.of(2));
      assertThat(shrunk.error()).isNull();
      assertThat(shrunk.partition().isr()).containsExactly(2);
    }
    stopBroker(2);

    awaitTopic(
        1,
        "strict",
        strict -> {
          PartitionInfo p1 = strict.partitions().get(1);
          assertThat(p1.leader()).isEqualTo(-1);
          assertThat(p1.leaderEpoch()).isEqualTo(1);
          assertThat(p1.isr()).as("the last ISR member stays").containsExactly(2);
          assertThat(strict.partitions().get(0).isr()).containsExactly(1);
        });
    awaitTopic(
        1,
        "lenient",
        lenient -> {
          PartitionInfo p1 = lenient.partitions().get(1);
          assertThat(p1.leader()).isEqualTo(3);
          assertThat(p1.leaderEpoch()).isEqualTo(1);
          assertThat(p1.isr()).containsExactly(3);
        });

    startBroker(2);
    awaitTopic(
        1,
        "strict",
        strict -> {
          PartitionInfo p1 = strict.partitions().get(1);
          assertThat(p1.leader()).as("the ISR member is back").isEqualTo(2);
          assertThat(p1.leaderEpoch()).isEqualTo(2);
          assertThat(p1.isr()).containsExactly(2);
        });
    TestProbe<Object> probe = nodes.get(1).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          assertThat(placements())
              .contains(new PartitionEntities.Placement("strict", 1, address(nodes.get(2))));
          return null;
        });
    assertThat(describe(1, "lenient").topic().partitions().get(1).leader())
        .as("broker 2 is not in the ISR, so it does not take the leadership back")
        .isEqualTo(3);
  }

  @Test
  void thePreferredReplicaGetsTheLeadershipBackOnceItIsInTheIsrAgain() {
    awaitLiveBrokers(1, 3);
    create(1, "preferred", 3, 3);
    stopBroker(3);
    awaitTopic(1, "preferred", t -> assertThat(t.partitions().get(2).leader()).isEqualTo(1));

    startBroker(3);
    TestProbe<Controller.AlterPartitionResult> probe = nodes.get(1).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          // Refused as "not live" until the controller sees broker 3's registration.
          var grown = alter(1, "preferred", 2, List.of(1, 2, 3));
          assertThat(grown.error()).isNull();
          return null;
        });
    awaitTopic(
        1,
        "preferred",
        t -> {
          PartitionInfo p2 = t.partitions().get(2);
          assertThat(p2.leader()).isEqualTo(3);
          assertThat(p2.leaderEpoch()).isEqualTo(2);
          assertThat(p2.isr()).containsExactly(1, 2, 3);
        });
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          assertThat(placements())
              .contains(new PartitionEntities.Placement("preferred", 2, address(nodes.get(3))));
          return null;
        });
  }

  @Test
  void aTopicWrittenWithAnOlderControllerEpochLosesToTheControllersVersionEverywhere() {
    awaitLiveBrokers(1, 3);
    create(1, "fenced", 1, 3);
    TopicMetadata current = stored(1, "fenced");
    TestProbe<Object> probe = nodes.get(3).createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          assertThat(stored(3, "fenced")).isEqualTo(current);
          return null;
        });

    // What a superseded controller (epoch 0) would write on broker 3: broker 3 as the leader.
    PartitionAssignment p = current.partitions().get(0);
    // Its partition epoch is higher, but its register clock carries controller epoch 0.
    PartitionAssignment stale = new PartitionAssignment(0, p.replicas(), 3, 9, p.isr(), 9);
    var node = DistributedData.get(nodes.get(3).system()).selfUniqueAddress();
    TestProbe<Replicator.UpdateResponse<LWWRegister<PartitionAssignment>>> written =
        nodes.get(3).createTestProbe();
    DistributedData.get(nodes.get(3).system())
        .replicator()
        .tell(
            new Replicator.Update<>(
                MetadataLayout.partitionKey(current.topicId(), 0),
                LWWRegister.create(node, stale, MetadataLayout.clock(0)),
                new Replicator.WriteAll(Duration.ofSeconds(5)),
                written.getRef(),
                register -> register.withValue(node, stale, MetadataLayout.clock(0))));
    written.expectMessageClass(Replicator.UpdateResponse.class, TIMEOUT);

    probe.awaitAssert(
        TIMEOUT,
        () -> {
          assertThat(stored(3, "fenced")).as("broker 3 merged back").isEqualTo(current);
          assertThat(stored(2, "fenced")).isEqualTo(current);
          return null;
        });
    assertThat(describe(1, "fenced").topic().partitions().get(0).leader()).isEqualTo(p.leader());
  }
}
