package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.ddata.LWWRegister;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller.ProducerIdsAllocated;
import sluice.actors.metadata.ControllerEpochKey;
import sluice.actors.metadata.ProducerIdsKey;
import sluice.actors.metadata.ProducerIdsKey.ProducerIdsRecord;
import sluice.actors.quorum.QuorumSetup;
import sluice.actors.quorum.QuorumState;
import sluice.actors.testing.RecordingPartitions;
import sluice.actors.testing.TestClusters;

/**
 * The controller's producer id blocks on one broker with durable metadata, its quorum view driven
 * by hand: blocks in order, the mark stored before each answer, a restart on the same data, a mark
 * raised by a write nobody acknowledged, no quorum, a newer controller epoch.
 */
class ProducerIdAllocationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private ActorRef<Controller.Command> controller;
  private final QuorumSetup quorum = QuorumSetup.manual(QuorumState.alone());

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private void start() {
    Config config = TestClusters.config(dataDir);
    testKit = TestClusters.startOneNode("ProducerIdAllocationTest", config, quorum);
    TestClusters.registerBroker(testKit, 1, 8080);
    controller =
        testKit.spawn(
            Controller.create(
                Controller.Settings.fromConfig(config),
                new RecordingPartitions(),
                1,
                Optional.empty()));
  }

  private void restart() {
    testKit.shutdownTestKit();
    start();
  }

  private ProducerIdsAllocated allocate(int brokerId) {
    TestProbe<ProducerIdsAllocated> probe = testKit.createTestProbe();
    controller.tell(new Controller.AllocateProducerIds(brokerId, probe.getRef()));
    return probe.expectMessageClass(ProducerIdsAllocated.class, TIMEOUT);
  }

  private long storedMark() {
    return TestClusters.stored(testKit, ProducerIdsKey.KEY)
        .map(register -> register.getValue().nextProducerId())
        .orElse(-1L);
  }

  @Test
  void blocksFollowEachOtherFromZeroAndTheMarkIsStoredBeforeTheAnswer() {
    start();
    for (int i = 0; i < 3; i++) {
      ProducerIdsAllocated answer = allocate(1 + i % 2);
      assertThat(answer.error()).isNull();
      assertThat(answer.block()).isEqualTo(new ProducerIdBlock(i * 1000L, 1000));
      assertThat(storedMark()).isEqualTo((i + 1) * 1000L);
    }
    var record = TestClusters.stored(testKit, ProducerIdsKey.KEY).orElseThrow().getValue();
    assertThat(record).isEqualTo(new ProducerIdsRecord(3000, 1, 1));
  }

  @Test
  void aRestartedControllerContinuesAboveEveryBlockItHandedOut() {
    start();
    allocate(1);
    allocate(1);
    restart();
    assertThat(allocate(1).block()).isEqualTo(new ProducerIdBlock(2000, 1000));
  }

  @Test
  void aMarkRaisedByAWriteNobodyAcknowledgedIsNeverAllocatedBelow() {
    start();
    allocate(1);
    // What a superseded controller's unacknowledged write leaves in this replica.
    var node = akka.cluster.ddata.typed.javadsl.DistributedData.get(testKit.system());
    TestClusters.update(
        testKit,
        ProducerIdsKey.KEY,
        LWWRegister.create(
            node.selfUniqueAddress(), new ProducerIdsRecord(0, 0, 0), ProducerIdsKey.CLOCK),
        register ->
            register.withValue(
                node.selfUniqueAddress(), new ProducerIdsRecord(9000, 0, 3), ProducerIdsKey.CLOCK));
    assertThat(allocate(1).block())
        .as("the running controller's compare-and-set finds the raised mark")
        .isEqualTo(new ProducerIdBlock(9000, 1000));
    // A lower mark written later loses the merge: the mark only grows.
    TestClusters.update(
        testKit,
        ProducerIdsKey.KEY,
        LWWRegister.create(
            node.selfUniqueAddress(), new ProducerIdsRecord(0, 0, 0), ProducerIdsKey.CLOCK),
        register ->
            register.merge(
                LWWRegister.create(
                    node.selfUniqueAddress(),
                    new ProducerIdsRecord(500, 9, 3),
                    ProducerIdsKey.CLOCK)));
    assertThat(storedMark()).isEqualTo(10_000);
    restart();
    assertThat(allocate(1).block()).isEqualTo(new ProducerIdBlock(10_000, 1000));
  }

  @Test
  void withoutAQuorumNoBlockIsAllocatedAndTheRefusalIsRetriable() {
    start();
    assertThat(allocate(1).block().firstProducerId()).isZero();
    quorum.set(new QuorumState(3, 1, 1));
    ProducerIdsAllocated refused = allocate(2);
    assertThat(refused.block()).isNull();
    assertThat(refused.error().code()).isEqualTo(ErrorCode.NO_QUORUM);
    assertThat(refused.error().code().retriable()).isTrue();
    assertThat(refused.error().message())
        .contains("No producer ids were allocated to broker 2", "2 are needed");
    assertThat(storedMark()).isEqualTo(1000);
    quorum.set(QuorumState.alone());
    assertThat(allocate(2).block()).isEqualTo(new ProducerIdBlock(1000, 1000));
  }

  @Test
  void aControllerSupersededByANewerEpochHandsOutNothingAndItsSuccessorContinuesAbove() {
    start();
    allocate(1);
    var node = akka.cluster.ddata.typed.javadsl.DistributedData.get(testKit.system());
    TestClusters.update(
        testKit,
        ControllerEpochKey.KEY,
        LWWRegister.create(node.selfUniqueAddress(), 0, ControllerEpochKey.CLOCK),
        register -> register.withValue(node.selfUniqueAddress(), 40, ControllerEpochKey.CLOCK));
    // Whether the subscription or the read-back finds epoch 40 first, no block is answered.
    ProducerIdsAllocated refused = allocate(1);
    assertThat(refused.block()).isNull();
    assertThat(refused.error().code()).isEqualTo(ErrorCode.STALE_CONTROLLER_EPOCH);
    assertThat(refused.error().message()).contains("epoch 1", "epoch 40");
    // Restarted by its supervisor with epoch 41: the refused attempt's ids stay skipped or unused.
    TestProbe<ProducerIdsAllocated> probe = testKit.createTestProbe();
    probe.awaitAssert(
        TIMEOUT,
        () -> {
          controller.tell(new Controller.AllocateProducerIds(1, probe.getRef()));
          ProducerIdsAllocated answer = probe.expectMessageClass(ProducerIdsAllocated.class);
          assertThat(answer.error()).isNull();
          assertThat(answer.block().firstProducerId()).isGreaterThanOrEqualTo(1000);
          return null;
        });
    assertThat(TestClusters.stored(testKit, ProducerIdsKey.KEY).orElseThrow().getValue())
        .extracting(ProducerIdsRecord::controllerEpoch)
        .isEqualTo(41);
  }
}
