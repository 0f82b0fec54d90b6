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
import sluice.storage.record.RecordBatch;

/**
 * The group commit of a partition leader: accepted appends queue here while a write is in flight
 * (akka-persistence stashes commands meanwhile and unstashes them all before the leader's flush
 * message), and the next write takes the whole queue as one {@code persist(List)}. {@link #drain}
 * turns the queue into that write: offsets from the confirmed log end offset on, the leader epoch
 * and, under LogAppendTime, the append time set in copies of the batches; an append that waited
 * longer than its {@code timeoutMs} is answered {@code REQUEST_TIMED_OUT} and not written.
 *
 * <p>Not thread-safe: owned by one partition leader. Not persisted: a leader that stops answers
 * what is queued ({@link #abandon}); one that crashes answers nothing.
 */
final class AppendQueue {

  /** An accepted append waiting for the next write, since {@code queuedAtNanos}. */
  private record Queued(Append append, long queuedAtNanos) {}

  /**
   * An append in the write being made, with what its sender will be told.
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
   * leaderEpoch}, stamped with {@code logAppendTime} unless it is -1. Appends past their timeout
   * are answered here and left out; the group may be empty.
   */
  Group drain(long logEndOffset, int leaderEpoch, long logAppendTime) {
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
      byte[] bytes = append.batch().clone();
      RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
      batch.setBaseOffset(nextOffset);
      batch.setPartitionLeaderEpoch(leaderEpoch);
      if (logAppendTime >= 0) {
        batch.setLogAppendTime(logAppendTime);
      }
      events.add(new BatchAppended(bytes));
      written.add(
          new Written(
              append,
              nextOffset,
              batch.lastOffset(),
              logAppendTime,
              AckWaiters.deadline(append, entry.queuedAtNanos())));
      nextOffset = batch.lastOffset() + 1;
    }
    return new Group(events, written);
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
