package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.AdminRequest.TopicReply;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.TopicDescription;
import sluice.actors.controller.Controller.AlterPartitionResult;
import sluice.actors.metadata.ControllerEpochKey;
import sluice.actors.metadata.DeletedTopicsKey;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.MetadataLayout;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.testing.ManualClock;
import sluice.actors.testing.RecordingPartitions;
import sluice.actors.testing.TestClusters;

class ControllerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private RecordingPartitions partitions;
  private ActorRef<Controller.Command> controller;
  private String extraConfig = "";
  private Clock clock = Clock.systemUTC();

  @BeforeEach
  void start() {
    testKit = startBroker(dataDir, Optional.empty());
  }

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private ActorTestKit startBroker(
      Path dir, Optional<String> localClusterId, TopicMetadata... stored) {
    partitions = new RecordingPartitions();
    return startBroker(dir, localClusterId, partitions, stored);
  }

  private ActorTestKit startBroker(
      Path dir,
      Optional<String> localClusterId,
      PartitionEntities entities,
      TopicMetadata... stored) {
    Config config = TestClusters.config(dir, extraConfig);
    ActorTestKit kit = TestClusters.startOneNode("ControllerTest", config);
    TestClusters.registerBroker(kit, 1, 8080);
    for (TopicMetadata topic : stored) {
      TestClusters.putTopic(kit, topic);
    }
    controller =
        kit.spawn(
            Controller.create(
                Controller.Settings.fromConfig(config), entities, 1, localClusterId, clock));
    return kit;
  }

  private TopicReply create(String name, int partitions, Integer rf, Map<String, String> configs) {
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    controller.tell(
        new Controller.Admin(
            new AdminRequest.CreateTopic(name, partitions, rf, configs, probe.getRef())));
    return probe.expectMessageClass(TopicReply.class, TIMEOUT);
  }

  private TopicReply describe(String name) {
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    controller.tell(new Controller.Admin(new AdminRequest.DescribeTopic(name, probe.getRef())));
    return probe.expectMessageClass(TopicReply.class, TIMEOUT);
  }

  private List<TopicDescription> list() {
    TestProbe<AdminRequest.TopicList> probe = testKit.createTestProbe();
    controller.tell(new Controller.Admin(new AdminRequest.ListTopics(probe.getRef())));
    return probe.expectMessageClass(AdminRequest.TopicList.class, TIMEOUT).topics();
  }

  private TopicReply delete(String name) {
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    controller.tell(new Controller.Admin(new AdminRequest.DeleteTopic(name, probe.getRef())));
    return probe.expectMessageClass(TopicReply.class, TIMEOUT);
  }

  private TopicReply grow(String name, int partitions) {
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    controller.tell(
        new Controller.Admin(new AdminRequest.CreatePartitions(name, partitions, probe.getRef())));
    return probe.expectMessageClass(TopicReply.class, TIMEOUT);
  }

  private AdminRequest.ClusterDescription describeCluster() {
    TestProbe<AdminRequest.ClusterDescription> probe = testKit.createTestProbe();
    controller.tell(new Controller.Admin(new AdminRequest.DescribeCluster(probe.getRef())));
    return probe.expectMessageClass(AdminRequest.ClusterDescription.class, TIMEOUT);
  }

  private static void assertError(TopicReply result, ErrorCode code, String... mentions) {
    assertThat(result.topic()).isNull();
    assertThat(result.error()).isNotNull();
    assertThat(result.error().code()).isEqualTo(code);
    assertThat(result.error().message()).contains(mentions);
  }

  @Test
  void createdTopicIsDescribedListedAndPlacedOnItsLeader() {
    TopicReply created = create("orders", 3, null, Map.of("min.insync.replicas", "1"));
    assertThat(created.error()).isNull();
    TopicDescription topic = created.topic();
    assertThat(topic.name()).isEqualTo("orders");
    assertThat(topic.replicationFactor()).isEqualTo(1);
    assertThat(topic.internal()).isFalse();
    assertThat(topic.configs()).containsExactly(Map.entry("min.insync.replicas", "1"));
    assertThat(topic.partitions()).hasSize(3);
    topic
        .partitions()
        .forEach(
            p -> {
              assertThat(p.leader()).isEqualTo(1);
              assertThat(p.leaderEpoch()).isZero();
              assertThat(p.replicas()).containsExactly(1);
              assertThat(p.isr()).containsExactly(1);
            });

    assertThat(describe("orders").topic()).isEqualTo(topic);
    assertThat(list()).containsExactly(topic);
    var self = Cluster.get(testKit.system()).selfMember().address();
    assertThat(partitions.placed)
        .containsExactly(
            new PartitionEntities.Placement("orders", 0, self),
            new PartitionEntities.Placement("orders", 1, self),
            new PartitionEntities.Placement("orders", 2, self));
  }

  @Test
  void creatingAnExistingTopicAgainIsRefused() {
    assertThat(create("t", 1, null, Map.of()).error()).isNull();
    assertError(create("t", 2, null, Map.of()), ErrorCode.TOPIC_ALREADY_EXISTS, "'t'");
  }

  @Test
  void badTopicNamesAreRefusedNamingTheName() {
    assertError(create("", 1, null, Map.of()), ErrorCode.INVALID_TOPIC_EXCEPTION, "empty");
    assertError(create(".", 1, null, Map.of()), ErrorCode.INVALID_TOPIC_EXCEPTION, "'.'");
    assertError(create("..", 1, null, Map.of()), ErrorCode.INVALID_TOPIC_EXCEPTION, "'..'");
    assertError(
        create("a/b", 1, null, Map.of()), ErrorCode.INVALID_TOPIC_EXCEPTION, "'a/b'", "'/'");
    assertError(
        create("caf\u00e9", 1, null, Map.of()), ErrorCode.INVALID_TOPIC_EXCEPTION, "'\u00e9'");
    assertError(
        create("x".repeat(250), 1, null, Map.of()),
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        "250",
        "249");
    assertError(
        create("__consumer_offsets", 1, null, Map.of()),
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        "'__consumer_offsets'",
        "reserved");
    assertThat(create("x".repeat(249), 1, null, Map.of()).error()).isNull();
    assertThat(create("Az09._-", 1, null, Map.of()).error()).isNull();
  }

  @Test
  void namesDifferingOnlyByDotVersusUnderscoreCollide() {
    assertThat(create("a.b", 1, null, Map.of()).error()).isNull();
    assertError(
        create("a_b", 1, null, Map.of()), ErrorCode.INVALID_TOPIC_EXCEPTION, "'a_b'", "'a.b'");
  }

  @Test
  void internalTopicsNeedTheReservedPrefixAndCannotBeDeleted() {
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    controller.tell(
        new Controller.CreateInternalTopic(
            new AdminRequest.CreateTopic("__consumer_offsets", 2, null, Map.of(), probe.getRef())));
    TopicReply created = probe.expectMessageClass(TopicReply.class, TIMEOUT);
    assertThat(created.topic().internal()).isTrue();
    controller.tell(
        new Controller.CreateInternalTopic(
            new AdminRequest.CreateTopic("offsets", 2, null, Map.of(), probe.getRef())));
    assertError(
        probe.expectMessageClass(TopicReply.class, TIMEOUT),
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        "'offsets'",
        "'__'");
    assertError(
        delete("__consumer_offsets"), ErrorCode.INVALID_TOPIC_EXCEPTION, "'__consumer_offsets'");
  }

  @Test
  void partitionCountsOutOfRangeAreRefusedNamingTheCount() {
    assertError(create("t", 0, null, Map.of()), ErrorCode.INVALID_PARTITIONS, "0", "10000");
    assertError(create("t", -3, null, Map.of()), ErrorCode.INVALID_PARTITIONS, "-3");
    assertError(create("t", 10001, null, Map.of()), ErrorCode.INVALID_PARTITIONS, "10001");
  }

  @Test
  void aReplicationFactorAboveTheLiveBrokersIsRefusedWithTheNumbers() {
    assertError(
        create("t", 1, 3, Map.of()),
        ErrorCode.INVALID_REPLICATION_FACTOR,
        "Replication factor 3",
        "1 live brokers",
        "[1]");
    assertError(create("t", 1, 0, Map.of()), ErrorCode.INVALID_REPLICATION_FACTOR, "not 0");
    assertThat(create("t", 1, 1, Map.of()).topic().replicationFactor()).isEqualTo(1);
  }

  @Test
  void badConfigsAreRefusedNamingKeyAndValue() {
    assertError(
        create("t", 1, null, Map.of("min.insync.replicas", "2")),
        ErrorCode.INVALID_CONFIG,
        "min.insync.replicas",
        "2",
        "replication factor 1");
    assertError(
        create("t", 1, null, Map.of("min.insync.replicas", "many")),
        ErrorCode.INVALID_CONFIG,
        "many");
    assertError(
        create("t", 1, null, Map.of("unclean.leader.election.enable", "yes")),
        ErrorCode.INVALID_CONFIG,
        "unclean.leader.election.enable",
        "yes",
        "true or false");
    assertError(
        create("t", 1, null, Map.of("retention.ms", "forever")),
        ErrorCode.INVALID_CONFIG,
        "retention.ms",
        "forever");
    assertError(
        create("t", 1, null, Map.of("no.such.config", "1")),
        ErrorCode.INVALID_CONFIG,
        "no.such.config");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("min.insync.replicas", null);
    assertError(create("t", 1, null, nullValue), ErrorCode.INVALID_CONFIG, "min.insync.replicas");
    assertThat(list()).isEmpty();
  }

  @Test
  void booleanConfigsAreStoredNormalized() {
    var topic = create("t", 1, null, Map.of("unclean.leader.election.enable", " TRUE ")).topic();
    assertThat(topic.configs()).containsEntry("unclean.leader.election.enable", "true");
  }

  @Test
  void deletingATopicRemovesItAndDeletesEveryPartition() {
    assertThat(create("gone", 3, null, Map.of()).error()).isNull();
    TopicReply deleted = delete("gone");
    assertThat(deleted.error()).isNull();
    assertThat(deleted.topic().name()).isEqualTo("gone");
    assertThat(partitions.deleted).containsExactlyInAnyOrder("gone-0", "gone-1", "gone-2");
    assertError(describe("gone"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "'gone'");
    assertThat(list()).isEmpty();
    TopicReply again = create("gone", 1, null, Map.of());
    assertThat(again.topic().topicId()).isNotEqualTo(deleted.topic().topicId());
  }

  @Test
  void aDeletedTopicsIdIsRecordedAndOnlyTheNewestDeletionsAreKept() {
    extraConfig = "sluice.controller.deleted-topics-kept = 2";
    testKit.shutdownTestKit();
    testKit = startBroker(dataDir.resolve("kept"), Optional.empty());
    List<String> ids = new ArrayList<>();
    for (String name : List.of("first", "second", "third")) {
      ids.add(create(name, 1, null, Map.of()).topic().topicId());
      assertThat(delete(name).error()).isNull();
    }

    // Brokers that were away when these went find their ids here (ReplicaManager: stray logs).
    testKit
        .createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              Map<String, DeletedTopic> deleted = deletedTopics();
              assertThat(deleted).containsOnlyKeys(ids.get(1), ids.get(2));
              assertThat(deleted.get(ids.get(2)).name()).isEqualTo("third");
              assertThat(deleted.get(ids.get(2)).topicId()).isEqualTo(ids.get(2));
              return null;
            });
  }

  private Map<String, DeletedTopic> deletedTopics() {
    TestProbe<Replicator.GetResponse<LWWMap<String, DeletedTopic>>> probe =
        testKit.createTestProbe();
    DistributedData.get(testKit.system())
        .replicator()
        .tell(new Replicator.Get<>(DeletedTopicsKey.KEY, Replicator.readLocal(), probe.getRef()));
    var response = probe.receiveMessage(TIMEOUT);
    assertThat(response).isInstanceOf(Replicator.GetSuccess.class);
    return ((Replicator.GetSuccess<LWWMap<String, DeletedTopic>>) response)
        .get(DeletedTopicsKey.KEY)
        .getEntries();
  }

  @Test
  void unknownTopicsAreNamedInTheError() {
    assertError(describe("nope"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "'nope'");
    assertError(delete("nope"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "'nope'");
  }

  @Test
  void theClusterIdIsGeneratedOnceAndTheControllerReportsTheLiveBrokers() {
    var info = describeCluster();
    assertThat(info.clusterId()).hasSize(22).matches("[A-Za-z0-9_-]+");
    assertThat(info.controllerId()).isEqualTo(1);
    assertThat(info.brokers())
        .containsExactly(new sluice.actors.api.BrokerInfo(1, "127.0.0.1", 8080));
  }

  @Test
  void metadataAndClusterIdSurviveARestartOnTheSameDataDir() {
    TopicDescription topic = create("durable", 2, null, Map.of("min.insync.replicas", "1")).topic();
    String clusterId = describeCluster().clusterId();
    testKit.shutdownTestKit();

    testKit = startBroker(dataDir, Optional.empty());
    assertThat(describe("durable").topic()).isEqualTo(topic);
    assertThat(describeCluster().clusterId()).isEqualTo(clusterId);
    var self = Cluster.get(testKit.system()).selfMember().address();
    assertThat(partitions.placed)
        .containsExactly(
            new PartitionEntities.Placement("durable", 0, self),
            new PartitionEntities.Placement("durable", 1, self));
  }

  @Test
  void partitionsAddedToATopicAreAssignedPlacedAndKeepTheExistingOnes() {
    TopicDescription before = create("grow", 2, null, Map.of("retention.ms", "1000")).topic();
    partitions.placed.clear();

    TopicReply grown = grow("grow", 5);
    assertThat(grown.error()).isNull();
    TopicDescription topic = grown.topic();
    assertThat(topic.partitions()).hasSize(5);
    assertThat(topic.partitions().subList(0, 2)).isEqualTo(before.partitions());
    assertThat(topic.topicId()).isEqualTo(before.topicId());
    assertThat(topic.configs()).isEqualTo(before.configs());
    for (int p = 2; p < 5; p++) {
      var partition = topic.partitions().get(p);
      assertThat(partition.partition()).isEqualTo(p);
      assertThat(partition.leader()).isEqualTo(1);
      assertThat(partition.replicas()).containsExactly(1);
      assertThat(partition.isr()).containsExactly(1);
      assertThat(partition.leaderEpoch()).isZero();
    }
    assertThat(describe("grow").topic()).isEqualTo(topic);
    var self = Cluster.get(testKit.system()).selfMember().address();
    assertThat(partitions.placed)
        .as("only the new partitions are placed")
        .containsExactly(
            new PartitionEntities.Placement("grow", 2, self),
            new PartitionEntities.Placement("grow", 3, self),
            new PartitionEntities.Placement("grow", 4, self));
  }

  @Test
  void shrinkingKeepingOrExceedingTheMaximumCountIsRefusedWithTheNumbersAndChangesNothing() {
    TopicDescription topic = create("fixed", 3, null, Map.of()).topic();
    assertError(grow("fixed", 2), ErrorCode.INVALID_PARTITIONS, "'fixed'", "3 partition", "not 2");
    assertError(grow("fixed", 3), ErrorCode.INVALID_PARTITIONS, "'fixed'", "3 partition", "not 3");
    assertError(grow("fixed", 0), ErrorCode.INVALID_PARTITIONS, "not 0");
    assertError(grow("fixed", 10_001), ErrorCode.INVALID_PARTITIONS, "at most 10000", "10001");
    assertThat(describe("fixed").topic()).isEqualTo(topic);
  }

  @Test
  void addingPartitionsToAnUnknownOrInternalTopicIsRefused() {
    assertError(grow("nope", 4), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "'nope'");
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    controller.tell(
        new Controller.CreateInternalTopic(
            new AdminRequest.CreateTopic("__internal", 1, null, Map.of(), probe.getRef())));
    assertThat(probe.expectMessageClass(TopicReply.class, TIMEOUT).error()).isNull();
    assertError(grow("__internal", 2), ErrorCode.INVALID_TOPIC_EXCEPTION, "'__internal'");
    assertThat(describe("__internal").topic().partitions()).hasSize(1);
  }

  @Test
  void addedPartitionsSurviveARestartAndArePlacedAgain() {
    create("grown", 1, null, Map.of());
    TopicDescription topic = grow("grown", 3).topic();
    testKit.shutdownTestKit();

    testKit = startBroker(dataDir, Optional.empty());
    assertThat(describe("grown").topic()).isEqualTo(topic);
    var self = Cluster.get(testKit.system()).selfMember().address();
    assertThat(partitions.placed)
        .containsExactly(
            new PartitionEntities.Placement("grown", 0, self),
            new PartitionEntities.Placement("grown", 1, self),
            new PartitionEntities.Placement("grown", 2, self));
  }

  @Test
  void aFirstControllerAdoptsTheClusterIdItsBrokerRecorded(@TempDir Path otherDir) {
    testKit.shutdownTestKit();
    testKit = startBroker(otherDir, Optional.of("recorded-cluster-id-0001"));
    assertThat(describeCluster().clusterId()).isEqualTo("recorded-cluster-id-0001");
  }

  private AlterPartitionResult alter(
      String topic,
      String topicId,
      int leader,
      int leaderEpoch,
      int partitionEpoch,
      Integer... isr) {
    TestProbe<AlterPartitionResult> probe = testKit.createTestProbe();
    controller.tell(
        new Controller.AlterPartition(
            topic, topicId, 0, leader, leaderEpoch, partitionEpoch, List.of(isr), probe.getRef()));
    return probe.expectMessageClass(AlterPartitionResult.class, TIMEOUT);
  }

  private static void assertRefused(AlterPartitionResult result, ErrorCode code, String... says) {
    assertThat(result.partition()).isNull();
    assertThat(result.error().code()).isEqualTo(code);
    assertThat(result.error().message()).contains(says);
  }

  private int storedControllerEpoch() {
    TestProbe<Replicator.GetResponse<LWWRegister<Integer>>> probe = testKit.createTestProbe();
    DistributedData.get(testKit.system())
        .replicator()
        .tell(new Replicator.Get<>(ControllerEpochKey.KEY, Replicator.readLocal(), probe.getRef()));
    var response = probe.expectMessageClass(Replicator.GetSuccess.class, TIMEOUT);
    @SuppressWarnings("unchecked")
    LWWRegister<Integer> register = (LWWRegister<Integer>) response.get(ControllerEpochKey.KEY);
    return register.getValue();
  }

  @Test
  void alterPartitionStoresTheNewIsrWithTheNextPartitionEpochAndRefusesStaleOrBadProposals(
      @TempDir Path otherDir) {
    testKit.shutdownTestKit();
    var stored =
        new TopicMetadata(
            "isr",
            "isr-id",
            false,
            Map.of(),
            List.of(new PartitionAssignment(0, List.of(1), 1, 5, List.of(1), 7)));
    testKit = startBroker(otherDir, Optional.empty(), stored);
    assertThat(describe("isr").topic().partitions().get(0).leaderEpoch()).isEqualTo(5);

    AlterPartitionResult accepted = alter("isr", "isr-id", 1, 5, 7, 1);
    assertThat(accepted.error()).isNull();
    assertThat(accepted.partition())
        .isEqualTo(new PartitionAssignment(0, List.of(1), 1, 5, List.of(1), 8));

    assertRefused(alter("isr", "isr-id", 1, 5, 7, 1), ErrorCode.INVALID_UPDATE_VERSION, "7", "8");
    assertRefused(alter("isr", "isr-id", 1, 4, 8, 1), ErrorCode.FENCED_LEADER_EPOCH, "4", "5");
    assertRefused(alter("isr", "isr-id", 1, 5, 8, 1, 2), ErrorCode.INVALID_REQUEST, "not replicas");
    assertRefused(alter("isr", "isr-id", 1, 5, 8), ErrorCode.INVALID_REQUEST, "empty");
    assertRefused(
        alter("isr", "old-id", 1, 5, 8, 1), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "old-id");
    assertRefused(
        alter("nope", "isr-id", 1, 5, 8, 1), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "'nope'");

    assertThat(alter("isr", "isr-id", 1, 5, 8, 1).partition().partitionEpoch()).isEqualTo(9);
    testKit.shutdownTestKit();
    testKit = startBroker(otherDir, Optional.empty());
    assertThat(alter("isr", "isr-id", 1, 5, 9, 1).partition().partitionEpoch())
        .as("the partition epoch survives a restart")
        .isEqualTo(10);
  }

  @Test
  void aResignationNoOtherInSyncReplicaCanTakeKeepsTheLeaderAndAStaleOneIsRefused(
      @TempDir Path otherDir) {
    testKit.shutdownTestKit();
    var stored =
        new TopicMetadata(
            "resign",
            "resign-id",
            false,
            Map.of(),
            List.of(new PartitionAssignment(0, List.of(1, 2), 1, 5, List.of(1, 2), 7)));
    testKit = startBroker(otherDir, Optional.empty(), stored);
    assertThat(describe("resign").topic().partitions().get(0).leaderEpoch()).isEqualTo(5);

    // Broker 2 never registered: it is no live replica to lead.
    AlterPartitionResult kept = resign("resign-id", 1, 5, 7);
    assertThat(kept.error()).isNull();
    assertThat(kept.partition()).isEqualTo(stored.partitions().get(0));
    assertThat(describe("resign").topic().partitions().get(0).leaderEpoch()).isEqualTo(5);

    assertRefused(resign("resign-id", 1, 4, 7), ErrorCode.FENCED_LEADER_EPOCH, "4", "5");
    assertRefused(resign("resign-id", 2, 5, 7), ErrorCode.INVALID_REQUEST, "not the leader");
    assertRefused(resign("resign-id", 1, 5, 6), ErrorCode.INVALID_UPDATE_VERSION, "6", "7");
  }

  private AlterPartitionResult resign(
      String topicId, int leader, int leaderEpoch, int partitionEpoch) {
    TestProbe<AlterPartitionResult> probe = testKit.createTestProbe();
    controller.tell(
        new Controller.ResignLeadership(
            "resign", topicId, 0, leader, leaderEpoch, partitionEpoch, 42, probe.getRef()));
    return probe.expectMessageClass(AlterPartitionResult.class, TIMEOUT);
  }

  @Test
  void anIsrChangeWritesOnlyItsPartitionsRegisterAndLeavesTheOthersAndTheListUntouched(
      @TempDir Path otherDir) {
    testKit.shutdownTestKit();
    List<PartitionAssignment> partitions = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      partitions.add(new PartitionAssignment(p, List.of(1), 1, 5, List.of(1), 7));
    }
    var stored = new TopicMetadata("isr", "isr-id", false, Map.of(), partitions);
    testKit = startBroker(otherDir, Optional.empty(), stored);
    assertThat(describe("isr").topic().partitions()).hasSize(3);
    var listBefore = TestClusters.stored(testKit, MetadataLayout.TOPIC_LIST).orElseThrow();
    var othersBefore =
        List.of(
            TestClusters.storedRegister(testKit, "isr-id", 1).orElseThrow(),
            TestClusters.storedRegister(testKit, "isr-id", 2).orElseThrow());

    assertThat(alter("isr", "isr-id", 1, 5, 7, 1).error()).isNull();

    var changed = TestClusters.storedRegister(testKit, "isr-id", 0).orElseThrow();
    assertThat(changed.getValue().partitionEpoch()).isEqualTo(8);
    assertThat(MetadataLayout.controllerEpochOf(changed.timestamp()))
        .isEqualTo(storedControllerEpoch());
    assertThat(MetadataLayout.partitionEpochOf(changed.timestamp())).isEqualTo(8);
    for (int p = 1; p < 3; p++) {
      var after = TestClusters.storedRegister(testKit, "isr-id", p).orElseThrow();
      assertThat(after.getValue()).isEqualTo(othersBefore.get(p - 1).getValue());
      assertThat(after.timestamp()).isEqualTo(othersBefore.get(p - 1).timestamp());
    }
    var listAfter = TestClusters.stored(testKit, MetadataLayout.TOPIC_LIST).orElseThrow();
    assertThat(listAfter.getEntries()).isEqualTo(listBefore.getEntries());
    assertThat(listAfter.underlying().getEntries().get("isr").timestamp())
        .as("the list's entry was not rewritten (same timestamp)")
        .isEqualTo(listBefore.underlying().getEntries().get("isr").timestamp());
  }

  @Test
  void topicsOfTheOldSingleMapAreMigratedToTheNewLayoutAndTheOldMapIsCleared(
      @TempDir Path otherDir) {
    testKit.shutdownTestKit();
    var old =
        new TopicMetadata(
            "legacy",
            "legacy-id",
            false,
            Map.of(),
            List.of(
                new PartitionAssignment(0, List.of(1), 1, 2, List.of(1), 3),
                new PartitionAssignment(1, List.of(1), 1, 4, List.of(1), 6)));
    ActorTestKit before =
        TestClusters.startOneNode("ControllerTest", TestClusters.config(otherDir, extraConfig));
    var node = DistributedData.get(before.system()).selfUniqueAddress();
    TestClusters.update(
        before,
        MetadataLayout.LEGACY_TOPICS,
        LWWMap.empty(),
        map -> map.put(node, old.name(), old));
    before.shutdownTestKit();

    testKit = startBroker(otherDir, Optional.empty());

    assertThat(describe("legacy").topic().topicId()).isEqualTo("legacy-id");
    assertThat(describe("legacy").topic().partitions().get(1).leaderEpoch()).isEqualTo(4);
    ActorTestKit kit = testKit;
    kit.createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertThat(TestClusters.storedTopic(kit, "legacy")).isEqualTo(old);
              assertThat(partitions.placed)
                  .as("the migrated partitions are placed")
                  .anyMatch(placement -> placement.topic().equals("legacy"));
              assertThat(
                      TestClusters.stored(kit, MetadataLayout.LEGACY_TOPICS)
                          .map(LWWMap::getEntries)
                          .orElse(Map.of()))
                  .isEmpty();
              return null;
            });
    // The migrated partitions keep their partition epochs: ISR changes go on from them.
    assertThat(alter("legacy", "legacy-id", 1, 2, 3, 1).partition().partitionEpoch()).isEqualTo(4);
  }

  @Test
  void everyControllerStartClaimsTheNextControllerEpoch() {
    assertThat(describeCluster().clusterId()).isNotNull();
    assertThat(storedControllerEpoch()).isEqualTo(1);
    testKit.shutdownTestKit();
    testKit = startBroker(dataDir, Optional.empty());
    assertThat(describeCluster().clusterId()).isNotNull();
    assertThat(storedControllerEpoch()).isEqualTo(2);
  }

  @Test
  void aControllerThatSeesAHigherEpochRefusesToWriteThenRestartsWithANewerEpoch() {
    assertThat(describeCluster().clusterId()).isNotNull();
    var node = DistributedData.get(testKit.system()).selfUniqueAddress();
    TestProbe<Replicator.UpdateResponse<LWWRegister<Integer>>> written = testKit.createTestProbe();
    DistributedData.get(testKit.system())
        .replicator()
        .tell(
            new Replicator.Update<>(
                ControllerEpochKey.KEY,
                LWWRegister.create(node, 0, ControllerEpochKey.CLOCK),
                Replicator.writeLocal(),
                written.getRef(),
                register -> register.withValue(node, 40, ControllerEpochKey.CLOCK)));
    written.expectMessageClass(Replicator.UpdateSuccess.class, TIMEOUT);

    // The controller learns the new epoch through its subscription; until then creations pass.
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          controller.tell(
              new Controller.Admin(
                  new AdminRequest.CreateTopic(
                      "t-" + System.nanoTime(), 1, null, Map.of(), probe.getRef())));
          TopicReply result = probe.expectMessageClass(TopicReply.class, TIMEOUT);
          assertThat(result.error()).isNotNull();
          assertThat(result.error().code()).isEqualTo(ErrorCode.STALE_CONTROLLER_EPOCH);
          assertThat(result.error().message()).contains("epoch 1", "epoch 40");
          return null;
        });

    // Restarted by its supervisor, it claims epoch 41 and writes again.
    assertThat(create("after", 1, null, Map.of()).error()).isNull();
    assertThat(storedControllerEpoch()).isEqualTo(41);
  }

  @Test
  void deletingATopicSkipsPartitionsWithoutALiveLeaderAndDoesNotWaitForAHangingDeletion(
      @TempDir Path otherDir) {
    testKit.shutdownTestKit();
    List<String> asked = new CopyOnWriteArrayList<>();
    PartitionEntities hanging =
        new PartitionEntities() {
          @Override
          public CompletionStage<Done> place(List<Placement> placements) {
            return CompletableFuture.completedFuture(Done.getInstance());
          }

          @Override
          public CompletionStage<Done> delete(String topic, int partition) {
            asked.add(topic + "-" + partition);
            return new CompletableFuture<>();
          }
        };
    var stored =
        new TopicMetadata(
            "half",
            "half-id",
            false,
            Map.of(),
            List.of(
                new PartitionAssignment(0, List.of(1), 1, 0, List.of(1), 0),
                new PartitionAssignment(1, List.of(2), -1, 3, List.of(2), 4)));
    testKit = startBroker(otherDir, Optional.empty(), hanging, stored);
    assertThat(describe("half").topic().partitions().get(1).leader()).isEqualTo(-1);

    TopicReply deleted = delete("half");
    assertThat(deleted.error()).isNull();
    assertThat(asked).containsExactly("half-0");
    assertError(describe("half"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "'half'");
  }

  @Test
  void isrProposalsArrivingDuringAWriteAreAllCheckedAgainstEachOtherAndWritten(
      @TempDir Path otherDir) {
    testKit.shutdownTestKit();
    List<PartitionAssignment> assignments = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      assignments.add(new PartitionAssignment(p, List.of(1), 1, 2, List.of(1), 3));
    }
    testKit =
        startBroker(
            otherDir,
            Optional.empty(),
            new TopicMetadata("batched", "batched-id", false, Map.of(), assignments));
    assertThat(describe("batched").topic().partitions()).hasSize(3);

    TestProbe<TopicReply> created = testKit.createTestProbe();
    controller.tell(
        new Controller.Admin(
            new AdminRequest.CreateTopic("busy", 1, null, Map.of(), created.getRef())));
    List<TestProbe<AlterPartitionResult>> probes = new ArrayList<>();
    for (int p : new int[] {0, 1, 2, 0}) {
      TestProbe<AlterPartitionResult> probe = testKit.createTestProbe();
      probes.add(probe);
      controller.tell(
          new Controller.AlterPartition(
              "batched", "batched-id", p, 1, 2, 3, List.of(1), probe.getRef()));
    }
    assertThat(created.expectMessageClass(TopicReply.class, TIMEOUT).error()).isNull();
    for (int i = 0; i < 3; i++) {
      AlterPartitionResult result =
          probes.get(i).expectMessageClass(AlterPartitionResult.class, TIMEOUT);
      assertThat(result.error()).isNull();
      assertThat(result.partition())
          .isEqualTo(new PartitionAssignment(i, List.of(1), 1, 2, List.of(1), 4));
    }
    assertRefused(
        probes.get(3).expectMessageClass(AlterPartitionResult.class, TIMEOUT),
        ErrorCode.INVALID_UPDATE_VERSION,
        "3",
        "4");
  }

  private static TopicMetadata ledByBroker2() {
    return new TopicMetadata(
        "graced",
        "graced-id",
        false,
        Map.of(),
        List.of(new PartitionAssignment(0, List.of(2, 1), 2, 0, List.of(2, 1), 0)));
  }

  @Test
  void aBrokerWithoutRegistrationKeepsItsPartitionsWhileTheControllersStartGraceLasts(
      @TempDir Path otherDir) {
    testKit.shutdownTestKit();
    extraConfig = "sluice.controller.unregistered-broker-grace = 10m";
    testKit = startBroker(otherDir, Optional.empty(), ledByBroker2());
    // A write queues behind the start election (if there were one), so the describe sees it.
    assertThat(create("barrier", 1, null, Map.of()).error()).isNull();
    var partition = describe("graced").topic().partitions().get(0);
    assertThat(partition.leader()).isEqualTo(2);
    assertThat(partition.leaderEpoch()).isZero();
    assertThat(partition.isr()).containsExactly(2, 1);
  }

  @Test
  void aBrokerStillUnregisteredAfterTheGraceIsDeadAndLosesItsPartitions(@TempDir Path otherDir) {
    testKit.shutdownTestKit();
    var manual = new ManualClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    clock = manual;
    extraConfig =
        "sluice.controller.unregistered-broker-grace = 10m\n"
            + "sluice.controller.leader-imbalance-check-interval = 100ms";
    testKit = startBroker(otherDir, Optional.empty(), ledByBroker2());
    assertThat(create("barrier", 1, null, Map.of()).error()).isNull();
    assertThat(describe("graced").topic().partitions().get(0).leader())
        .as("within the grace by the controller's clock")
        .isEqualTo(2);

    manual.advance(Duration.ofMinutes(10));
    TestProbe<TopicReply> probe = testKit.createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          controller.tell(
              new Controller.Admin(new AdminRequest.DescribeTopic("graced", probe.getRef())));
          var partition =
              probe.expectMessageClass(TopicReply.class, TIMEOUT).topic().partitions().get(0);
          assertThat(partition.leader()).isEqualTo(1);
          assertThat(partition.leaderEpoch()).isEqualTo(1);
          assertThat(partition.isr()).containsExactly(1);
          return null;
        });
  }

  @Test
  void aRequestThatFindsTheStashFullIsAnsweredRetriablyAndAnElectionAskedMeanwhileStillRuns(
      @TempDir Path otherDir) {
    testKit.shutdownTestKit();
    var manual = new ManualClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    clock = manual;
    extraConfig =
        "sluice.controller.stash-capacity = 1\n"
            + "sluice.controller.unregistered-broker-grace = 10m\n"
            + "sluice.controller.leader-imbalance-check-interval = 1h";
    CompletableFuture<Done> gate = new CompletableFuture<>();
    List<PartitionEntities.Placement> placed = new CopyOnWriteArrayList<>();
    PartitionEntities gated =
        new PartitionEntities() {
          @Override
          public CompletionStage<Done> place(List<Placement> placements) {
            placed.addAll(placements);
            return gate.thenApply(done -> done);
          }

          @Override
          public CompletionStage<Done> delete(String topic, int partition) {
            return CompletableFuture.completedFuture(Done.getInstance());
          }
        };
    testKit = startBroker(otherDir, Optional.empty(), gated, ledByBroker2());
    assertThat(describe("graced").topic().partitions().get(0).leader()).isEqualTo(2);

    // The first creation is written, then waits for its placement: the controller is busy.
    TestProbe<TopicReply> first = testKit.createTestProbe();
    controller.tell(
        new Controller.Admin(
            new AdminRequest.CreateTopic("first", 1, null, Map.of(), first.getRef())));
    first.awaitAssert(TIMEOUT, () -> assertThat(placed).isNotEmpty());
    TestProbe<TopicReply> second = testKit.createTestProbe();
    controller.tell(
        new Controller.Admin(
            new AdminRequest.CreateTopic("second", 1, null, Map.of(), second.getRef())));
    TestProbe<TopicReply> third = testKit.createTestProbe();
    controller.tell(
        new Controller.Admin(
            new AdminRequest.CreateTopic("third", 1, null, Map.of(), third.getRef())));
    TopicReply refused = third.expectMessageClass(TopicReply.class, TIMEOUT);
    assertError(refused, ErrorCode.REQUEST_TIMED_OUT, "stash-capacity", "retry");
    assertThat(refused.error().code().retriable()).isTrue();

    // An election is asked for while busy with a full stash: the grace is over and broker 3
    // registers. Seeing broker 3 live means the registration (and its election request) arrived.
    manual.advance(Duration.ofMinutes(10));
    TestClusters.registerBroker(testKit, 3, 8083);
    first.awaitAssert(
        TIMEOUT,
        () ->
            assertThat(describeCluster().brokers())
                .extracting(sluice.actors.api.BrokerInfo::brokerId)
                .contains(3));

    gate.complete(Done.getInstance());
    assertThat(first.expectMessageClass(TopicReply.class, TIMEOUT).error()).isNull();
    assertThat(second.expectMessageClass(TopicReply.class, TIMEOUT).error()).isNull();
    assertThat(describe("graced").topic().partitions().get(0).leader())
        .as("the election asked for while busy ran before the stashed creation")
        .isEqualTo(1);
    assertError(describe("third"), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "'third'");
  }
}
