package sluice.actors.producer;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.controller.Controller;
import sluice.actors.controller.Controller.AllocateProducerIds;
import sluice.actors.controller.Controller.ProducerIdsAllocated;
import sluice.actors.controller.ProducerIdBlock;
import sluice.actors.metadata.ProducerIdsKey;
import sluice.actors.metadata.ProducerIdsKey.ProducerIdsRecord;
import sluice.actors.testing.TestClusters;

/** The broker's producer id manager against a controller played by a test probe. */
class ProducerIdManagerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dataDir;
  private ActorTestKit testKit;
  private TestProbe<Controller.Command> controller;
  private ActorRef<ProducerIdManager.Command> manager;

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  private void start(String askTimeout) {
    testKit =
        TestClusters.startOneNode(
            "ProducerIdManagerTest",
            dataDir,
            2,
            "sluice.producer-ids { controller-ask-timeout = "
                + askTimeout
                + ", retry-backoff = 50ms, retry-max-backoff = 200ms }");
    controller = testKit.createTestProbe();
    var config = testKit.system().settings().config();
    manager =
        testKit.spawn(
            ProducerIdManager.create(
                new ProducerIdManager.Wiring(
                    2,
                    ProducerIdManager.Settings.fromConfig(config),
                    controller.getRef(),
                    Clock.systemUTC())));
  }

  private AllocateProducerIds expectAllocation() {
    AllocateProducerIds ask = controller.expectMessageClass(AllocateProducerIds.class, TIMEOUT);
    assertThat(ask.brokerId()).isEqualTo(2);
    return ask;
  }

  private static void answer(AllocateProducerIds ask, long first) {
    ask.replyTo().tell(new ProducerIdsAllocated(new ProducerIdBlock(first, 1000), null));
  }

  private TestProbe<InitProducerIdReply> init(Long id, Short epoch, long timeoutMs) {
    TestProbe<InitProducerIdReply> reply = testKit.createTestProbe();
    manager.tell(new ProducerIdManager.InitProducerId(id, epoch, timeoutMs, reply.getRef()));
    return reply;
  }

  private ProducerIdAndEpoch newId() {
    InitProducerIdReply reply =
        init(null, null, 5000).expectMessageClass(InitProducerIdReply.class, TIMEOUT);
    assertThat(reply.error()).isNull();
    return reply.producer();
  }

  @Test
  void idsComeFromTheBlockInOrderAndTheNextBlockIsAskedForAtNinetyPercent() {
    start("5s");
    var first = expectAllocation();
    var waiting = init(null, null, 10_000);
    answer(first, 3000);
    assertThat(waiting.expectMessageClass(InitProducerIdReply.class, TIMEOUT).producer())
        .isEqualTo(new ProducerIdAndEpoch(3000, (short) 0));
    for (long id = 3001; id < 3900; id++) {
      assertThat(newId().producerId()).isEqualTo(id);
    }
    controller.expectNoMessage(Duration.ofMillis(100));
    assertThat(newId().producerId()).isEqualTo(3900);
    answer(expectAllocation(), 7000);
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ids.add(newId().producerId());
    }
    assertThat(ids).hasSize(200).contains(3901L, 3999L, 7000L, 7100L);
  }

  @Test
  void aRequestWaitingWithNoAnswerFromTheControllerGetsARetriableErrorWithinItsTimeout() {
    start("5s");
    expectAllocation();
    InitProducerIdReply reply =
        init(null, null, 300).expectMessageClass(InitProducerIdReply.class, Duration.ofSeconds(3));
    assertThat(reply.producer()).isNull();
    assertThat(reply.error().code()).isEqualTo(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    assertThat(reply.error().code().retriable()).isTrue();
    assertThat(reply.error().message()).contains("Broker 2", "waiting for a block", "300 ms");
  }

  @Test
  void refusalsAreAskedAgainWithBackoffAndAWaitingRequestGetsTheControllersRetriableError() {
    start("5s");
    var first = expectAllocation();
    var waiting = init(null, null, 1000);
    first
        .replyTo()
        .tell(
            new ProducerIdsAllocated(
                null, new ApiError(ErrorCode.NO_QUORUM, "No producer ids were allocated")));
    var again = expectAllocation();
    again
        .replyTo()
        .tell(new ProducerIdsAllocated(null, new ApiError(ErrorCode.NO_QUORUM, "still none")));
    InitProducerIdReply reply = waiting.expectMessageClass(InitProducerIdReply.class, TIMEOUT);
    assertThat(reply.error().code()).isEqualTo(ErrorCode.NO_QUORUM);
    assertThat(reply.error().message()).contains("still none");
    answer(expectAllocation(), 0);
    assertThat(newId()).isEqualTo(new ProducerIdAndEpoch(0, (short) 0));
  }

  @Test
  void anUnansweredAskIsAskedAgainAndALateBlockIsStillUsed() {
    start("300ms");
    var lost = expectAllocation();
    var again = expectAllocation();
    var waiting = init(null, null, 10_000);
    answer(again, 1000);
    assertThat(waiting.expectMessageClass(InitProducerIdReply.class, TIMEOUT).producer())
        .isEqualTo(new ProducerIdAndEpoch(1000, (short) 0));
    answer(lost, 8000);
    for (long id = 1001; id < 2000; id++) {
      assertThat(newId().producerId()).isEqualTo(id);
    }
    assertThat(newId().producerId()).as("the late block comes next").isEqualTo(8000);
  }

  @Test
  void anEpochBumpOfAnIdAnotherBrokerHandedOutIsCheckedAgainstTheStoredMark() {
    start("5s");
    answer(expectAllocation(), 0);
    assertThat(newId().producerId()).isZero();
    InitProducerIdReply bump =
        init(0L, (short) 4, 5000).expectMessageClass(InitProducerIdReply.class, TIMEOUT);
    assertThat(bump.producer()).isEqualTo(new ProducerIdAndEpoch(0, (short) 5));

    InitProducerIdReply unknown =
        init(4500L, (short) 0, 5000).expectMessageClass(InitProducerIdReply.class, TIMEOUT);
    assertThat(unknown.error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(unknown.error().message()).contains("Producer id 4500 was never allocated");

    // Another broker's block raised the mark, which this broker's replica now holds.
    var node = DistributedData.get(testKit.system()).selfUniqueAddress();
    TestClusters.update(
        testKit,
        ProducerIdsKey.KEY,
        LWWRegister.create(node, new ProducerIdsRecord(0, 1, 3), ProducerIdsKey.CLOCK),
        register ->
            register.withValue(node, new ProducerIdsRecord(5000, 1, 3), ProducerIdsKey.CLOCK));
    InitProducerIdReply other =
        init(4500L, (short) 0, 5000).expectMessageClass(InitProducerIdReply.class, TIMEOUT);
    assertThat(other.producer()).isEqualTo(new ProducerIdAndEpoch(4500, (short) 1));
  }
}
