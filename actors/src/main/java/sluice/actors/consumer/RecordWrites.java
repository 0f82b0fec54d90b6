package sluice.actors.consumer;

import akka.actor.typed.ActorRef;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import sluice.actors.consumer.InstanceCalls.PutDone;
import sluice.actors.consumer.InstanceCommand.Done;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.group.state.StoredInstance;

/**
 * The writes of a live instance's durable record, one at a time in request order. A write carries
 * what to apply once it is committed; {@link #desired} is the record all queued writes lead to, so
 * a request is checked against what will be, not what is. If a write fails, the writes queued after
 * it are refused too (they build on it). Not thread-safe: the entity's own.
 */
final class RecordWrites {

  /** A queued write: the record it writes, what then to apply, who waits (null: no one). */
  record PendingPut(StoredInstance target, Supplier<Outcome> apply, ActorRef<Done> replyTo) {}

  /** A write answered: done if {@code failure} is null. */
  record Finished(PendingPut put, Failure failure) {}

  private final InstanceCalls calls;
  private final long touchEveryMs;
  private final Deque<PendingPut> queue = new ArrayDeque<>();
  private StoredInstance desired;
  private long nextId;

  RecordWrites(InstanceCalls calls, StoredInstance stored, Duration idleTimeout) {
    this.calls = calls;
    this.desired = stored;
    this.touchEveryMs = idleTimeout.toMillis() / 2;
  }

  StoredInstance desired() {
    return desired;
  }

  /** Queues a write of {@code target}; once committed, {@code apply} runs and the caller hears. */
  void write(StoredInstance target, Supplier<Outcome> apply, ActorRef<Done> replyTo) {
    desired = target;
    queue.add(new PendingPut(target, apply, replyTo));
    if (queue.size() == 1) {
      calls.put(nextId, target);
    }
  }

  /** Rewrites {@code touchedAt} when half the idle timeout has passed since it was written. */
  void touch(long now) {
    if (now - desired.touchedAt() >= touchEveryMs) {
      write(desired.touchedAt(now), () -> Outcome.accepted(List.of()), null);
    }
  }

  /**
   * The write {@code done} answers, or null if it answers none (a late answer). After a failure,
   * the record is taken to be as the coordinator answered, else {@code applied} (what the instance
   * reads now).
   */
  Finished finished(PutDone done, UnaryOperator<StoredInstance> applied) {
    if (done.id() != nextId || queue.isEmpty()) {
      return null;
    }
    PendingPut put = queue.poll();
    nextId++;
    Failure failure = InstanceEntity.failureOf(done.reply(), done.failure());
    if (failure != null) {
      queue.stream()
          .filter(p -> p.replyTo() != null)
          .forEach(p -> p.replyTo().tell(new Done(failure)));
      queue.clear();
      desired =
          done.reply() != null && done.reply().instance() != null
              ? done.reply().instance()
              : applied.apply(desired);
    }
    if (!queue.isEmpty()) {
      calls.put(nextId, queue.peek().target());
    }
    return new Finished(put, failure);
  }
}
