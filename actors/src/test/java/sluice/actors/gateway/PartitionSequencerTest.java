package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.gateway.PartitionLeaders.Appended;
import sluice.actors.testing.ManualClock;
import sluice.actors.testing.TestClusters;
import sluice.storage.record.RecordBatch;

/**
 * The gateway's idempotent producer on one partition against a scripted leader that holds every
 * answer until the test gives it: order, the in-flight limit, resends with the same stamp, fresh
 * numbering when the partition no longer follows it, deadlines.
 */
class PartitionSequencerTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final long DEADLINE = NOW + 10_000;

  /** A send the test has not answered yet. */
  private record Sent(
      long producerId, short epoch, int sequence, int records, CompletableFuture<Appended> reply) {
    void answer(long offset) {
      reply.complete(new Appended(offset, -1, null));
    }

    void refuse(ErrorCode code) {
      reply.complete(new Appended(-1, -1, ApiError.of(code, "scripted %s", code)));
    }
  }

  private final ManualClock clock = new ManualClock(NOW);
  private final List<Sent> sent = new ArrayList<>();
  private final AtomicLong nextProducerId = new AtomicLong(100);
  private final PartitionSequencer sequencer =
      new PartitionSequencer(
          "t-0",
          this::send,
          () ->
              CompletableFuture.completedFuture(
                  new ProducerIdAndEpoch(nextProducerId.getAndIncrement(), (short) 0)),
          clock,
          clock.pauses(),
          Duration.ofMillis(50),
          Duration.ofSeconds(1));

  private synchronized CompletionStage<Appended> send(byte[] bytes, Acks acks, long timeoutMs) {
    RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
    assertThat(batch.isValid()).as("a stamped batch keeps a valid CRC").isTrue();
    var reply = new CompletableFuture<Appended>();
    sent.add(
        new Sent(
            batch.producerId(),
            batch.producerEpoch(),
            batch.baseSequence(),
            batch.recordCount(),
            reply));
    return reply;
  }

  private static byte[] batch(int records) {
    String[] values = new String[records];
    for (int i = 0; i < records; i++) {
      values[i] = "v" + i;
    }
    return TestClusters.batch(NOW, values);
  }

  private CompletionStage<Appended> append(int records) {
    return sequencer.append(batch(records), records, Acks.ALL, 5_000, DEADLINE);
  }

  private List<Integer> sequencesSent() {
    return sent.stream().map(Sent::sequence).toList();
  }

  @Test
  void theFirstBatchOfAProducerGoesAloneThenUpToFiveInSequenceOrder() {
    List<CompletionStage<Appended>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(append(2));
    }
    assertThat(sequencesSent()).as("only the first, until acknowledged").containsExactly(0);

    sent.get(0).answer(0);

    assertThat(sequencesSent()).containsExactly(0, 2, 4, 6, 8, 10);
    assertThat(sent).extracting(Sent::producerId).containsOnly(100L);
    sent.get(1).answer(2);
    assertThat(sequencesSent()).containsExactly(0, 2, 4, 6, 8, 10, 12);
    assertThat(answers.get(1).toCompletableFuture().join().baseOffset()).isEqualTo(2);
  }

  @Test
  void aBatchWhoseAnswerWasLostIsSentAgainWithItsStampAndTheRestFollowInOrder() {
    for (int i = 0; i < 4; i++) {
      append(1);
    }
    sent.get(0).answer(0);
    assertThat(sequencesSent()).containsExactly(0, 1, 2, 3);

    sent.get(1).refuse(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(sequencesSent()).as("nothing new while batches are in flight").hasSize(4);
    sent.get(2).refuse(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    sent.get(3).refuse(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);

    assertThat(sequencesSent()).containsExactly(0, 1, 2, 3, 1, 2, 3);
    assertThat(sent).extracting(Sent::producerId).containsOnly(100L);
    assertThat(clock.millis()).as("after one backoff").isEqualTo(NOW + 50);
    assertThat(sequencer.renumberings()).isZero();
  }

  @Test
  void aHeadRefusedOutOfOrderIsNumberedFromZeroInTheProducersNextEpoch() {
    append(3);
    append(2);
    sent.get(0).answer(0);
    sent.get(1).refuse(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);

    Sent again = sent.get(2);
    assertThat(again.producerId()).isEqualTo(100);
    assertThat(again.epoch()).isEqualTo((short) 1);
    assertThat(again.sequence()).isZero();
    assertThat(sequencer.renumberings()).isEqualTo(1);
  }

  @Test
  void aHeadRefusedForItsEpochIsNumberedFromZeroUnderAFreshProducerId() {
    append(1);
    append(1);
    sent.get(0).answer(0);
    sent.get(1).refuse(ErrorCode.INVALID_PRODUCER_EPOCH);

    Sent again = sent.get(2);
    assertThat(again.producerId()).isEqualTo(101);
    assertThat(again.epoch()).isZero();
    assertThat(again.sequence()).isZero();
  }

  @Test
  void aBatchRefusedForGoodFailsAloneAndTheRestGoOnInTheNextEpoch() {
    CompletionStage<Appended> first = append(1);
    CompletionStage<Appended> refused = append(1);
    CompletionStage<Appended> after = append(1);
    sent.get(0).answer(0);
    sent.get(1).refuse(ErrorCode.MESSAGE_TOO_LARGE);
    // The third was sent behind the second; the leader refuses it out of order.
    sent.get(2).refuse(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);

    assertThat(refused.toCompletableFuture().join().error().code())
        .isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    Sent resent = sent.get(3);
    assertThat(resent.producerId()).isEqualTo(100);
    assertThat(resent.epoch()).isEqualTo((short) 1);
    assertThat(resent.sequence()).isZero();
    resent.answer(1);
    assertThat(after.toCompletableFuture().join().baseOffset()).isEqualTo(1);
    assertThat(first.toCompletableFuture().join().baseOffset()).isZero();
  }

  @Test
  void
      aBatchThatCannotBeAnsweredByItsDeadlineEndsWithTheLastErrorAndTheNextFindsOutIfItWasWritten() {
    CompletionStage<Appended> lost = sequencer.append(batch(1), 1, Acks.ALL, 5_000, NOW + 120);
    sent.get(0).refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER); // resent after 50 ms
    sent.get(1).refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER); // the next pause would pass +120

    Appended answer = lost.toCompletableFuture().join();
    assertThat(answer.error().code()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assertThat(sent).hasSize(2);
    CompletionStage<Appended> next = append(1);
    assertThat(sent.get(2).producerId()).as("the numbering holds if it was written").isEqualTo(100);
    assertThat(sent.get(2).sequence()).isEqualTo(1);
    sent.get(2).refuse(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER); // it was not

    assertThat(sent.get(3).epoch()).isEqualTo((short) 1);
    assertThat(sent.get(3).sequence()).isZero();
    sent.get(3).answer(0);
    assertThat(next.toCompletableFuture().join().baseOffset()).isZero();
  }

  /**
   * The interleaving that wrote a record twice in {@code NetworkPartitionTest}: a batch sent behind
   * one given up at its deadline, and maybe written, was sent again under a fresh producer id.
   */
  @Test
  void aBatchSentBehindOneGivenUpIsSentAgainOnlyWithItsOwnStamp() {
    append(1);
    sent.get(0).answer(0);
    CompletionStage<Appended> givenUp = sequencer.append(batch(1), 1, Acks.ALL, 100, NOW + 100);
    CompletionStage<Appended> behind = append(1);
    assertThat(sequencesSent()).containsExactly(0, 1, 2);

    clock.advance(Duration.ofMillis(100));
    sent.get(1).refuse(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(givenUp.toCompletableFuture().join().error().code())
        .isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    sent.get(2).refuse(ErrorCode.REQUEST_TIMED_OUT); // written, its answer lost

    Sent again = sent.get(3);
    assertThat(again.producerId()).isEqualTo(100);
    assertThat(again.sequence()).isEqualTo(2);
    again.answer(2); // the partition answers the duplicate with its offset
    assertThat(behind.toCompletableFuture().join().baseOffset()).isEqualTo(2);
    assertThat(sequencer.renumberings()).isZero();
  }

  @Test
  void noBatchIsSentFiveOrMorePastTheFirstUnansweredOneSoItsResendStaysADuplicate() {
    for (int i = 0; i < 7; i++) {
      append(1);
    }
    sent.get(0).answer(0);
    assertThat(sequencesSent()).containsExactly(0, 1, 2, 3, 4, 5);
    sent.get(1).refuse(ErrorCode.REQUEST_TIMED_OUT);
    for (int i = 2; i <= 5; i++) {
      sent.get(i).answer(i);
    }

    assertThat(sequencesSent())
        .as("sequence 6 waits until sequence 1 is answered")
        .containsExactly(0, 1, 2, 3, 4, 5, 1);
    sent.get(6).answer(1);
    assertThat(sequencesSent()).containsExactly(0, 1, 2, 3, 4, 5, 1, 6);
  }

  @Test
  void aBatchStillWaitingAtItsDeadlineIsAnsweredTimedOutNamingWhetherItWasSent() {
    CompletionStage<Appended> first = sequencer.append(batch(1), 1, Acks.ALL, 100, NOW + 100);
    CompletionStage<Appended> second = sequencer.append(batch(1), 1, Acks.ALL, 100, NOW + 100);
    clock.advance(Duration.ofMillis(200));
    sent.get(0).refuse(ErrorCode.REQUEST_TIMED_OUT);

    assertThat(first.toCompletableFuture().join().error().code())
        .isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    ApiError never = second.toCompletableFuture().join().error();
    assertThat(never.code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(never.message()).contains("t-0").contains("it was not written");
    assertThat(sent).as("the second was never sent").hasSize(1);
  }

  @Test
  void aRefusalThatWroteNothingIsAnsweredAtOnceNotResent() {
    CompletionStage<Appended> refused = append(1);
    sent.get(0).refuse(ErrorCode.NOT_ENOUGH_REPLICAS);

    assertThat(refused.toCompletableFuture().join().error().code())
        .isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
    assertThat(sent).hasSize(1);
    assertThat(clock.millis()).as("no pause, no resend").isEqualTo(NOW);
  }
}
