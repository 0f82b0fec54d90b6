package sluice.actors.partition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.BatchEvent;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.storage.log.BatchHeader;
import sluice.storage.producer.AppendCheck;
import sluice.storage.producer.ProducerStates;
import sluice.storage.record.RecordBatch;

/**
 * The group commit of a partition leader: accepted appends queue here while a write is in flight
 * (akka-persistence stashes commands meanwhile and unstashes them all before the leader's flush
 * message), and the next write takes the whole queue as one {@code persist(List)}. {@link #drain}
 * turns the queue into that write: offsets from the confirmed log end offset on, the leader epoch
 * and, under LogAppendTime, the append time set in copies of the batches; an append that waited
 * longer than its {@code timeoutMs} is answered {@code REQUEST_TIMED_OUT} and not written. An
 * idempotent producer's batch is checked against the producer state, the batches before it in the
 * same write included ({@link ProducerStates#check}): a duplicate is answered with the offsets it
 * was written at and not written again, a batch out of sequence or of a fenced epoch is refused.
 *
 * <p>Not thread-safe: owned by one partition leader. Not persisted: a leader that stops answers
 * what is queued ({@link #abandon}); one that crashes answers nothing.
 */
final class AppendQueue {

  /** An accepted append waiting for the next write, since {@code queuedAtNanos}. */
  private record Queued(Append append, long queuedAtNanos) {}

  /**
   * An append in the write being made, with what its sender will be told: the offsets of its batch
   * in this write or, for a duplicate, where it was written before (its batch is then not in the
   * write; its log append time is -1, as Kafka answers a duplicate).
   *
   * @param deadlineNanos when an acks=all sender stops waiting for the ISR, {@link
   *     DeadlineTimer#NONE} for no limit
   */
  record Written(
      Append append, long baseOffset, long lastOffset, long logAppendTime, long deadlineNanos) {}

  /** One write: the events to persist and the appends they hold, in the same order. */
  record Group(List<BatchEvent> events, List<Written> written) {}

  private final String topicPartition;
  private final LeaderClock clock;
  private List<Queued> queued = new ArrayList<>();
  private boolean flushRequested;

  AppendQueue(String topicPartition, LeaderClock clock) {
    this.topicPartition = topicPartition;
    this.clock = clock;
  }

  /**
   * Queues an accepted append. Returns true if the leader must send itself its flush message now:
   * the first append since the last {@link #drain}.
   */
  boolean add(Append append) {
    queued.add(new Queued(append, clock.nanos()));
    if (flushRequested) {
      return false;
    }
    flushRequested = true;
    return true;
  }

  int size() {
    return queued.size();
  }

  /**
   * Empties the queue into one write starting at {@code logEndOffset}, in leader epoch {@code
   * leaderEpoch}, stamped with {@code logAppendTime} unless it is -1, idempotent producers' batches
   * checked against {@code producers} at {@code now} (wall-clock ms) with {@code
   * producerExpirationMs}. Appends past their timeout or refused by the producer check are answered
   * here and left out; duplicates are in {@link Group#written} but not in its events; the group may
   * be empty.
   */
  Group drain(
      long logEndOffset,
      int leaderEpoch,
      long logAppendTime,
      ProducerStates producers,
      long nowMs,
      long producerExpirationMs) {
    flushRequested = false;
    List<Queued> toWrite = queued;
    queued = new ArrayList<>();
    long now = clock.nanos();
    long nextOffset = logEndOffset;
    List<BatchEvent> events = new ArrayList<>(toWrite.size());
    List<Written> written = new ArrayList<>(toWrite.size());
    for (Queued entry : toWrite) {
      Append append = entry.append();
      if (append.timeoutMs() > 0
          && now - entry.queuedAtNanos() > TimeUnit.MILLISECONDS.toNanos(append.timeoutMs())) {
        append.replyTo().tell(AppendReply.failed(timedOut(append)));
        continue;
      }
      long deadline = AckWaiters.deadline(append, entry.queuedAtNanos());
      RecordBatch sent = RecordBatch.wrap(ByteBuffer.wrap(append.batch()));
      boolean idempotent = sent.producerId() >= 0;
      if (idempotent) {
        AppendCheck verdict = check(producers, sent, nowMs, producerExpirationMs);
        if (verdict instanceof AppendCheck.Duplicate duplicate) {
          written.add(
              new Written(
                  append,
                  duplicate.original().firstOffset(),
                  duplicate.original().lastOffset(),
                  -1,
                  deadline));
          continue;
        }
        ApiError refused = refusal(verdict);
        if (refused != null) {
          if (append.acks() != Acks.NONE) {
            append.replyTo().tell(AppendReply.failed(refused));
          }
          continue;
        }
      }
      byte[] bytes = append.batch().clone();
      RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
      batch.setBaseOffset(nextOffset);
      batch.setPartitionLeaderEpoch(leaderEpoch);
      if (logAppendTime >= 0) {
        batch.setLogAppendTime(logAppendTime);
      }
      if (idempotent) {
        producers = producers.applied(BatchHeader.of(batch), nowMs, producerExpirationMs);
      }
      events.add(new BatchAppended(bytes));
      written.add(new Written(append, nextOffset, batch.lastOffset(), logAppendTime, deadline));
      nextOffset = batch.lastOffset() + 1;
    }
    return new Group(events, written);
  }

  private static AppendCheck check(
      ProducerStates producers, RecordBatch batch, long now, long producerExpirationMs) {
    return producers.check(
        batch.producerId(),
        batch.producerEpoch(),
        batch.baseSequence(),
        ProducerStates.lastSequenceOf(batch.baseSequence(), batch.lastOffsetDelta()),
        now,
        producerExpirationMs);
  }

  /** The error a refused idempotent batch is answered with, or null if it may be written. */
  private ApiError refusal(AppendCheck verdict) {
    if (verdict instanceof AppendCheck.OutOfOrderSequence outOfOrder) {
      return ApiError.of(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          "%s; nothing was written to %s",
          outOfOrder.message(),
          topicPartition);
    }
    if (verdict instanceof AppendCheck.InvalidProducerEpoch fenced) {
      return ApiError.of(
          ErrorCode.INVALID_PRODUCER_EPOCH,
          "%s; nothing was written to %s",
          fenced.message(),
          topicPartition);
    }
    return null;
  }

  private ApiError timedOut(Append append) {
    return ApiError.of(
        ErrorCode.REQUEST_TIMED_OUT,
        "The append to %s waited longer than its timeout of %d ms and was not written",
        topicPartition,
        append.timeoutMs());
  }

  /** Answers every queued append {@code error} (acks=0 ones were answered on arrival). */
  void abandon(ApiError error) {
    for (Queued entry : queued) {
      if (entry.append().acks() != Acks.NONE) {
        entry.append().replyTo().tell(AppendReply.failed(error));
      }
    }
    queued.clear();
  }
}
