package sluice.actors.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.ProduceRecord;
import sluice.actors.controller.PartitionEntities;
import sluice.actors.gateway.Gateway;
import sluice.actors.gateway.PartitionLeaders;
import sluice.actors.journal.DataDirHealth;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.testing.FakePartitionLeaders;
import sluice.actors.testing.RecordingPartitions;
import sluice.actors.testing.TestClusters;

class BrokerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private DataDirHealth health;

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private PartitionRuntime inMemory() {
    var entities = new RecordingPartitions();
    var leaders = new FakePartitionLeaders();
    return new PartitionRuntime() {
      @Override
      public DataDirHealth dataDirHealth() {
        return health;
      }

      @Override
      public PartitionEntities entities() {
        return entities;
      }

      @Override
      public PartitionLeaders start() {
        return leaders;
      }
    };
  }

  private Config config(int brokerId) {
    return TestClusters.config(
        dataDir, "sluice.broker-id = " + brokerId + "\nsluice.broker.start-timeout = 15s");
  }

  private Broker.BrokerHandle start(Config config) throws Exception {
    health = new DataDirHealth(dataDir, Clock.systemUTC(), 1);
    testKit = TestClusters.startOneNode("BrokerTest", config);
    return Broker.start(testKit.system(), inMemory())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private void restart() {
    testKit.shutdownTestKit();
    testKit = null;
  }

  @Test
  void aFirstStartRecordsTheClustersIdInMetaPropertiesAndServesThroughTheGateway()
      throws Exception {
    Broker.BrokerHandle handle = start(config(1));
    assertThat(handle.settings().brokerId()).isEqualTo(1);
    assertThat(MetaProperties.read(dataDir)).contains(new MetaProperties(1, 1, handle.clusterId()));

    TestProbe<AdminRequest.ClusterDescription> cluster = testKit.createTestProbe();
    cluster.awaitAssert(
        TIMEOUT,
        () -> {
          handle
              .gateway()
              .tell(new Gateway.Admin(new AdminRequest.DescribeCluster(cluster.getRef())));
          assertThat(cluster.expectMessageClass(AdminRequest.ClusterDescription.class))
              .isEqualTo(
                  new AdminRequest.ClusterDescription(
                      handle.clusterId(), 1, List.of(new BrokerInfo(1, "127.0.0.1", 8080))));
          return null;
        });

    TestProbe<AdminRequest.TopicReply> topic = testKit.createTestProbe();
    handle
        .gateway()
        .tell(
            new Gateway.Admin(
                new AdminRequest.CreateTopic("t", 2, null, Map.of(), topic.getRef())));
    assertThat(topic.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error()).isNull();
    TestProbe<Gateway.ProduceReply> produced = testKit.createTestProbe();
    handle
        .gateway()
        .tell(
            new Gateway.Produce(
                "t",
                List.of(new ProduceRecord(1, null, "v".getBytes(StandardCharsets.UTF_8), null, 1L)),
                Acks.ALL,
                5000,
                produced.getRef()));
    var result = produced.expectMessageClass(Gateway.ProduceReply.class, TIMEOUT).results();
    assertThat(result.get(0).error()).isNull();
    assertThat(result.get(0).partition()).isEqualTo(1);
  }

  @Test
  void theRegistrationNamesTheDataDirectoryWhileItIsOfflineAndDropsItOnceItIsBack()
      throws Exception {
    start(config(1));
    assertThat(registration().offlineDirs()).isEmpty();

    health.reportFailure("a test write", new IOException("No space left on device"));
    TestProbe<Void> waiting = testKit.createTestProbe();
    waiting.awaitAssert(
        TIMEOUT,
        () -> assertThat(registration().offlineDirs()).containsExactly(dataDir.toString()));

    assertThat(health.probe()).isTrue();
    waiting.awaitAssert(TIMEOUT, () -> assertThat(registration().dataDirsOnline()).isTrue());
  }

  /** Broker 1's registration in the local replica. */
  private BrokerRegistration registration() {
    TestProbe<Replicator.GetResponse<LWWMap<String, BrokerRegistration>>> reply =
        testKit.createTestProbe();
    DistributedData.get(testKit.system())
        .replicator()
        .tell(new Replicator.Get<>(BrokersKey.KEY, Replicator.readLocal(), reply.getRef()));
    var response = reply.expectMessageClass(Replicator.GetSuccess.class, TIMEOUT);
    @SuppressWarnings("unchecked")
    LWWMap<String, BrokerRegistration> map =
        (LWWMap<String, BrokerRegistration>) response.get(BrokersKey.KEY);
    return map.getEntries().get("1");
  }

  @Test
  void aRestartOnTheSameDataDirKeepsTheClusterIdAndTopics() throws Exception {
    Broker.BrokerHandle first = start(config(1));
    TestProbe<AdminRequest.TopicReply> topic = testKit.createTestProbe();
    // A broker just started may not be registered with the controller yet: the create is then
    // refused with the retriable LEADER_NOT_AVAILABLE, and retried as a client would.
    topic.awaitAssert(
        TIMEOUT,
        () -> {
          first
              .gateway()
              .tell(
                  new Gateway.Admin(
                      new AdminRequest.CreateTopic("kept", 1, null, Map.of(), topic.getRef())));
          assertThat(topic.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).error())
              .isNull();
          return null;
        });
    restart();

    Broker.BrokerHandle second = start(config(1));
    assertThat(second.clusterId()).isEqualTo(first.clusterId());
    TestProbe<AdminRequest.TopicReply> described = testKit.createTestProbe();
    second
        .gateway()
        .tell(new Gateway.Admin(new AdminRequest.DescribeTopic("kept", described.getRef())));
    assertThat(described.expectMessageClass(AdminRequest.TopicReply.class, TIMEOUT).topic().name())
        .isEqualTo("kept");
  }

  @Test
  void anotherClustersDataIsRefusedAtStart() throws Exception {
    Broker.BrokerHandle first = start(config(1));
    restart();
    new MetaProperties(1, 1, "someOtherCluster").write(dataDir);

    testKit = TestClusters.startOneNode("BrokerTest", config(1));
    var started = Broker.start(testKit.system(), inMemory()).toCompletableFuture();
    assertThatThrownBy(() -> started.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(DataDirMismatchException.class)
        .hasMessageContaining("someOtherCluster")
        .hasMessageContaining(first.clusterId())
        .hasMessageContaining(dataDir.resolve("meta.properties").toString());
  }

  @Test
  void anotherBrokersDataIsRefusedBeforeAnythingStarts() {
    new MetaProperties(1, 2, "cluster").write(dataDir);
    assertThatThrownBy(() -> Broker.checkDataDir(config(1)))
        .isInstanceOf(DataDirMismatchException.class)
        .hasMessageContaining("broker 2")
        .hasMessageContaining("sluice.broker-id=1");
  }

  @Test
  void aMetadataStoreOutsideTheDataDirIsRefused(@TempDir Path elsewhere) {
    Config config =
        TestClusters.config(
            dataDir,
            "akka.cluster.distributed-data.durable.lmdb.dir = \"" + elsewhere + "/ddata\"");
    assertThatThrownBy(() -> Broker.checkDataDir(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("akka.cluster.distributed-data.durable.lmdb.dir")
        .hasMessageContaining(dataDir.resolve("metadata").toString());
  }

  @Test
  void brokerConfigMovesTheMetadataStoreIntoAnOverriddenDataDir(@TempDir Path other) {
    Config resolvedEarly =
        com.typesafe.config.ConfigFactory.parseString("sluice.data-dir = \"" + other + "\"")
            .withFallback(com.typesafe.config.ConfigFactory.defaultReference())
            .resolve();
    assertThatThrownBy(() -> Broker.checkDataDir(resolvedEarly)).hasMessageContaining("lmdb.dir");
    assertThat(Broker.checkDataDir(Broker.brokerConfig(resolvedEarly)).metadataDir())
        .isEqualTo(other.resolve("metadata"));
  }

  @Test
  void theReferenceConfigPutsTheMetadataStoreInTheDataDir() {
    assertThat(Broker.checkDataDir(config(3)).metadataDir()).isEqualTo(dataDir.resolve("metadata"));
  }
}
