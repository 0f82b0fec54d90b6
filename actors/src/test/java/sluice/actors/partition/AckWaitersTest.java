package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.quorum.QuorumState;

class AckWaitersTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  /**
   * Told to a probe after the call under test: the waiters answer synchronously and a probe gets
   * one sender's messages in order, so a probe whose next message is the marker was told nothing.
   */
  private static final AppendReply MARKER = new AppendReply(-42, -42, null);

  private static final QuorumState QUORUM = new QuorumState(3, 2, 3);

  @AfterAll
  static void shutDown() {
    KIT.shutdownTestKit();
  }

  private static Append append(TestProbe<AppendReply> probe, long timeoutMs) {
    return new Append(new byte[1], Acks.ALL, timeoutMs, probe.ref());
  }

  @Test
  void waitersAreAnsweredInOrderOnceTheHighWatermarkPassesTheirLastOffset() {
    AckWaiters waiters = new AckWaiters("t-0");
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    waiters.add(append(probe, 0), 0, 1, -1, AckWaiters.NO_DEADLINE);
    waiters.add(append(probe, 0), 2, 4, 77, AckWaiters.NO_DEADLINE);

    waiters.completeBelow(4, null, QUORUM);
    probe.ref().tell(MARKER);
    assertThat(probe.receiveMessage()).isEqualTo(new AppendReply(0, -1, null));
    assertThat(probe.receiveMessage()).as("nothing else was answered").isEqualTo(MARKER);
    assertThat(waiters.size()).isEqualTo(1);

    waiters.completeBelow(5, null, QUORUM);
    assertThat(probe.receiveMessage()).isEqualTo(new AppendReply(2, 77, null));
    assertThat(waiters.isEmpty()).isTrue();
  }

  @Test
  void aBatchCommittedWithTooSmallAnIsrIsAnsweredWithThatError() {
    AckWaiters waiters = new AckWaiters("t-0");
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    waiters.add(append(probe, 0), 0, 0, -1, AckWaiters.NO_DEADLINE);
    ApiError tooSmall = ApiError.of(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, "ISR [1]");

    waiters.completeBelow(1, tooSmall, QUORUM);

    assertThat(probe.receiveMessage().error()).isEqualTo(tooSmall);
  }

  @Test
  void aBatchCommittedAfterTheQuorumWasLostIsNeverAnsweredSuccess() {
    AckWaiters waiters = new AckWaiters("t-0");
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    waiters.add(append(probe, 0), 7, 8, -1, AckWaiters.NO_DEADLINE);

    waiters.completeBelow(9, null, new QuorumState(3, 1, 3));

    ApiError error = probe.receiveMessage().error();
    assertThat(error.code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(error.message())
        .contains("t-0 at offset 7", "lost its quorum", "1 of 3 configured brokers");
    assertThat(waiters.isEmpty()).isTrue();
  }

  @Test
  void onlyWaitersPastTheirDeadlineTimeOutAndTheirMessageNamesTheOffset() {
    AckWaiters waiters = new AckWaiters("t-0");
    TestProbe<AppendReply> early = KIT.createTestProbe();
    TestProbe<AppendReply> late = KIT.createTestProbe();
    waiters.add(append(early, 100), 3, 3, -1, 1_000);
    waiters.add(append(late, 500), 4, 4, -1, 5_000);
    assertThat(waiters.earliestDeadline()).isEqualTo(1_000);

    waiters.expire(1_000);

    AppendReply reply = early.receiveMessage();
    assertThat(reply.error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(reply.error().message()).contains("t-0").contains("offset 3").contains("100 ms");
    late.ref().tell(MARKER);
    assertThat(late.receiveMessage()).as("the later waiter is not answered").isEqualTo(MARKER);
    assertThat(waiters.earliestDeadline()).isEqualTo(5_000);
  }

  @Test
  void abandonedWaitersAreToldTheirBatchMayBeCommittedNeverSuccessNorARetriedNotLeader() {
    AckWaiters waiters = new AckWaiters("t-0");
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    waiters.add(append(probe, 0), 0, 0, -1, AckWaiters.NO_DEADLINE);

    waiters.abandon("deposed");

    AppendReply reply = probe.receiveMessage();
    assertThat(reply.error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(reply.error().message()).contains("offset 0").contains("deposed");
    assertThat(waiters.isEmpty()).isTrue();
  }

  @Test
  void aDuplicateAnsweredWithEarlierOffsetsWaitsInItsPlaceAndIsAnsweredWithThem() {
    AckWaiters waiters = new AckWaiters("t-0");
    TestProbe<AppendReply> later = KIT.createTestProbe();
    TestProbe<AppendReply> retry = KIT.createTestProbe();
    waiters.add(append(later, 0), 7, 9, -1, AckWaiters.NO_DEADLINE);
    waiters.add(append(retry, 0), 3, 4, -1, AckWaiters.NO_DEADLINE);

    waiters.completeBelow(5, null, QUORUM);
    later.ref().tell(MARKER);
    assertThat(retry.receiveMessage()).isEqualTo(new AppendReply(3, -1, null));
    assertThat(later.receiveMessage()).as("the later batch still waits").isEqualTo(MARKER);

    waiters.completeBelow(10, null, QUORUM);
    assertThat(later.receiveMessage()).isEqualTo(new AppendReply(7, -1, null));
    assertThat(waiters.isEmpty()).isTrue();
  }
}
