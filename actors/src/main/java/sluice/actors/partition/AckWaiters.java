package sluice.actors.partition;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.quorum.QuorumState;

/**
 * The acks=all appends a partition leader has written and not yet answered: each waits until the
 * high watermark passes its batch's last offset (the whole ISR has it), until its deadline (the
 * append's {@code timeoutMs} after it arrived), or until the leader stops leading. Kept in offset
 * order, so a moving high watermark answers them in the order they were written.
 *
 * <p>Not thread-safe: owned by one partition leader. Not persisted: a leader that stops answers
 * every waiter {@code REQUEST_TIMED_OUT} ({@link #abandon}); one that crashes answers nothing and
 * the senders time out. Never answers success unless the high watermark covers the batch.
 */
final class AckWaiters {

  /** "No deadline": the append's {@code timeoutMs} was 0. */
  static final long NO_DEADLINE = DeadlineTimer.NONE;

  /** A written batch whose sender waits for the ISR. */
  private record Waiter(
      Append append, long baseOffset, long lastOffset, long logAppendTime, long deadlineNanos) {}

  private final String topicPartition;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  AckWaiters(String topicPartition) {
    this.topicPartition = topicPartition;
  }

  /** The deadline of an append that arrived at {@code arrivedNanos}, or {@link #NO_DEADLINE}. */
  static long deadline(Append append, long arrivedNanos) {
    return append.timeoutMs() == 0
        ? NO_DEADLINE
        : arrivedNanos + TimeUnit.MILLISECONDS.toNanos(append.timeoutMs());
  }

  /**
   * Adds the append written at offsets [{@code baseOffset}, {@code lastOffset}]. Appends come in
   * offset order, but for a duplicate of an idempotent producer's batch, answered with where the
   * batch was written before: it is placed by its last offset among the waiting ones.
   */
  void add(
      Append append, long baseOffset, long lastOffset, long logAppendTime, long deadlineNanos) {
    var waiter = new Waiter(append, baseOffset, lastOffset, logAppendTime, deadlineNanos);
    ArrayDeque<Waiter> later = new ArrayDeque<>();
    while (!waiters.isEmpty() && waiters.peekLast().lastOffset() > lastOffset) {
      later.addFirst(waiters.pollLast());
    }
    waiters.addLast(waiter);
    waiters.addAll(later);
  }

  boolean isEmpty() {
    return waiters.isEmpty();
  }

  int size() {
    return waiters.size();
  }

  /**
   * Answers, in order, every waiter whose batch lies below {@code highWatermark}: with success, or,
   * if {@code isrTooSmall} is not null (the ISR shrank below {@code min.insync.replicas} since the
   * append was accepted), with that error, or, if this broker has lost its {@code quorum}, with
   * {@link #writtenWithoutQuorum}.
   */
  void completeBelow(long highWatermark, ApiError isrTooSmall, QuorumState quorum) {
    while (!waiters.isEmpty() && waiters.peekFirst().lastOffset() < highWatermark) {
      Waiter waiter = waiters.pollFirst();
      AppendReply reply;
      if (!quorum.present()) {
        reply =
            AppendReply.failed(writtenWithoutQuorum(topicPartition, waiter.baseOffset(), quorum));
      } else if (isrTooSmall != null) {
        reply = AppendReply.failed(isrTooSmall);
      } else {
        reply = new AppendReply(waiter.baseOffset(), waiter.logAppendTime(), null);
      }
      waiter.append().replyTo().tell(reply);
    }
  }

  /**
   * The answer to an append written before this broker lost its quorum and due after: {@code
   * REQUEST_TIMED_OUT}, as for an append whose ISR did not confirm it in time, since the batch may
   * or may not survive; not {@code NO_QUORUM}, which says nothing was written.
   */
  static ApiError writtenWithoutQuorum(String topicPartition, long baseOffset, QuorumState quorum) {
    return ApiError.of(
        ErrorCode.REQUEST_TIMED_OUT,
        "The batch was written to %s at offset %d but this broker lost its quorum before"
            + " acknowledging it (it sees %s); it may or may not be kept, sending it again may"
            + " write it twice",
        topicPartition,
        baseOffset,
        quorum.describe());
  }

  /**
   * Answers {@code REQUEST_TIMED_OUT} to every waiter whose deadline passed by {@code nowNanos}.
   */
  void expire(long nowNanos) {
    Iterator<Waiter> iterator = waiters.iterator();
    while (iterator.hasNext()) {
      Waiter waiter = iterator.next();
      if (waiter.deadlineNanos() - nowNanos <= 0) {
        iterator.remove();
        waiter
            .append()
            .replyTo()
            .tell(
                AppendReply.failed(
                    ApiError.of(
                        ErrorCode.REQUEST_TIMED_OUT,
                        "The batch was written to %s at offset %d but the in-sync replicas did"
                            + " not confirm it within %d ms; it may still become visible",
                        topicPartition,
                        waiter.baseOffset(),
                        waiter.append().timeoutMs())));
      }
    }
  }

  /** The earliest deadline of a waiter, {@link #NO_DEADLINE} if none has one. */
  long earliestDeadline() {
    long earliest = NO_DEADLINE;
    for (Waiter waiter : waiters) {
      if (waiter.deadlineNanos() != NO_DEADLINE
          && (earliest == NO_DEADLINE || waiter.deadlineNanos() - earliest < 0)) {
        earliest = waiter.deadlineNanos();
      }
    }
    return earliest;
  }

  /**
   * Answers every waiter {@code REQUEST_TIMED_OUT}: this broker stopped leading before the ISR
   * confirmed their batches, which a new leader may or may not have. Not {@code
   * NOT_LEADER_OR_FOLLOWER}, which the gateway retries at the new leader: the batch is written and
   * may well be committed there, so a resend would write it twice. The client decides.
   */
  void abandon(String reason) {
    for (Waiter waiter : waiters) {
      waiter
          .append()
          .replyTo()
          .tell(
              AppendReply.failed(
                  ApiError.of(
                      ErrorCode.REQUEST_TIMED_OUT,
                      "The batch was written to %s at offset %d but this broker stopped leading"
                          + " before the in-sync replicas confirmed it (%s); the new leader may"
                          + " have it, so sending it again may write it twice",
                      topicPartition,
                      waiter.baseOffset(),
                      reason)));
    }
    waiters.clear();
  }
}
