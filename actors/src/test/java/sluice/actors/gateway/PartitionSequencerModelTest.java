package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import sluice.storage.log.BatchHeader;
import sluice.storage.producer.AppendCheck;
import sluice.storage.producer.ProducerStates;
import sluice.storage.record.RecordBatch;

/**
 * The gateway's idempotent producer against a model leader that checks batches with the real
 * producer state. Sends reach the leader in the order they were sent (one path, as an actor's
 * mailbox), but anything else goes: the sender may give a send up before the leader sees it (an ask
 * timeout: the send still arrives, answering no one), the leader may refuse before looking (moved),
 * answers come back in any order or are lost after writing, and deadlines pass. Whatever happens,
 * every batch is written at most once, the written batches keep the order they were given in, and
 * every batch answered with offsets is at those offsets.
 */
class PartitionSequencerModelTest {
  private static final long START = 1_700_000_000_000L;
  private static final long DAY_MS = Duration.ofDays(1).toMillis();
  private static final int BATCHES = 40;

  /** A send on its way to the leader; its answer is on its way back once {@code answer} is set. */
  private static final class Send {
    final RecordBatch batch;
    final CompletableFuture<Appended> reply;
    Appended answer;

    Send(RecordBatch batch, CompletableFuture<Appended> reply) {
      this.batch = batch;
      this.reply = reply;
    }
  }

  /** A leader that writes what the producer state accepts; batches are named by base timestamp. */
  private static final class ModelLeader {
    final List<Long> offsets = new ArrayList<>();
    final List<Long> writes = new ArrayList<>();
    ProducerStates producers = ProducerStates.empty();

    Appended handle(RecordBatch batch, long now) {
      int lastSequence =
          ProducerStates.lastSequenceOf(batch.baseSequence(), batch.lastOffsetDelta());
      AppendCheck verdict =
          producers.check(
              batch.producerId(),
              batch.producerEpoch(),
              batch.baseSequence(),
              lastSequence,
              now,
              DAY_MS);
      if (verdict instanceof AppendCheck.Duplicate duplicate) {
        return new Appended(duplicate.original().firstOffset(), -1, null);
      }
      if (verdict instanceof AppendCheck.OutOfOrderSequence outOfOrder) {
        return refused(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, outOfOrder.message());
      }
      if (verdict instanceof AppendCheck.InvalidProducerEpoch fenced) {
        return refused(ErrorCode.INVALID_PRODUCER_EPOCH, fenced.message());
      }
      long base = offsets.size();
      for (int i = 0; i < batch.recordCount(); i++) {
        offsets.add(batch.baseTimestamp());
      }
      writes.add(batch.baseTimestamp());
      producers =
          producers.applied(
              new BatchHeader(
                  base,
                  base + batch.recordCount() - 1,
                  0,
                  batch.maxTimestamp(),
                  batch.producerId(),
                  batch.producerEpoch(),
                  batch.baseSequence(),
                  batch.recordCount(),
                  batch.sizeInBytes()),
              now,
              DAY_MS);
      return new Appended(base, -1, null);
    }

    private static Appended refused(ErrorCode code, String message) {
      return new Appended(-1, -1, ApiError.of(code, "%s", message));
    }
  }

  @Test
  void everyBatchIsWrittenAtMostOnceInOrderWhateverTheNetworkDoes() {
    for (long seed = 0; seed < 1000; seed++) {
      runModel(seed);
    }
  }

  private static Appended timedOut() {
    return new Appended(-1, -1, ApiError.of(ErrorCode.REQUEST_TIMED_OUT, "no answer in time"));
  }

  private void runModel(long seed) {
    Random random = new Random(seed);
    ManualClock clock = new ManualClock(START);
    ModelLeader leader = new ModelLeader();
    Deque<Send> toLeader = new ArrayDeque<>();
    List<Send> answers = new ArrayList<>();
    AtomicLong producerIds = new AtomicLong(1);
    PartitionSequencer sequencer =
        new PartitionSequencer(
            "t-0",
            (bytes, acks, timeoutMs) -> {
              var reply = new CompletableFuture<Appended>();
              toLeader.add(new Send(RecordBatch.wrap(ByteBuffer.wrap(bytes)), reply));
              return reply;
            },
            () ->
                CompletableFuture.completedFuture(
                    new ProducerIdAndEpoch(producerIds.getAndIncrement(), (short) 0)),
            clock,
            clock.pauses(),
            Duration.ofMillis(20),
            Duration.ofMillis(200));
    Map<Long, CompletionStage<Appended>> given = new HashMap<>();

    for (int step = 0; step < 600; step++) {
      int choice = random.nextInt(12);
      if (choice < 2 && given.size() < BATCHES) {
        long id = START + given.size();
        String[] values = new String[1 + random.nextInt(3)];
        Arrays.fill(values, "v");
        long deadline = clock.millis() + 100 + random.nextInt(1500);
        given.put(
            id,
            sequencer.append(
                TestClusters.batch(id, values), values.length, Acks.ALL, 1_000, deadline));
      } else if (choice < 5 && !toLeader.isEmpty()) {
        Send send = toLeader.poll();
        send.answer =
            random.nextInt(8) == 0
                ? new Appended(-1, -1, ApiError.of(ErrorCode.NOT_LEADER_OR_FOLLOWER, "moved"))
                : leader.handle(send.batch, clock.millis());
        answers.add(send);
      } else if (choice < 8 && !answers.isEmpty()) {
        Send send = answers.remove(random.nextInt(answers.size()));
        send.reply.complete(random.nextInt(4) == 0 ? timedOut() : send.answer);
      } else if (choice < 9 && !toLeader.isEmpty()) {
        List<Send> waiting = new ArrayList<>(toLeader);
        waiting.get(random.nextInt(waiting.size())).reply.complete(timedOut());
      } else {
        clock.advance(Duration.ofMillis(1 + random.nextInt(150)));
      }
    }
    // The network heals: everything on its way arrives, until every batch is answered.
    for (int round = 0; !toLeader.isEmpty() || !answers.isEmpty(); round++) {
      assertThat(round).as("seed %d: the sequencer settles", seed).isLessThan(10_000);
      if (!toLeader.isEmpty()) {
        Send send = toLeader.poll();
        send.answer = leader.handle(send.batch, clock.millis());
        answers.add(send);
      } else {
        Send send = answers.remove(0);
        send.reply.complete(send.answer);
      }
    }

    String context = "seed " + seed + ", batches written " + leader.writes;
    assertThat(leader.writes).as(context).doesNotHaveDuplicates().isSorted();
    given.forEach(
        (id, answer) -> {
          assertThat(answer).as(context + ": batch %d answered", id).isCompleted();
          Appended appended = answer.toCompletableFuture().join();
          if (appended.error() == null) {
            assertThat(leader.offsets.get((int) appended.baseOffset()))
                .as(context + ": batch %d at its offset", id)
                .isEqualTo(id);
          } else if (appended.error().message().contains("it was not written")) {
            assertThat(leader.writes).as(context + ": batch %d", id).doesNotContain(id);
          }
        });
  }
}
