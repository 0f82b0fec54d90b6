package sluice.actors.consumer;

import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.ErrorCode;
import sluice.actors.consumer.InstanceCalls.Fetched;
import sluice.actors.consumer.InstanceCommand.Poll;
import sluice.actors.consumer.InstanceCommand.RecordsAnswer;

/**
 * The {@code GET records} of a live instance, served one at a time in arrival order: each is a
 * {@link PollRun} of fetch rounds planned by the instance ({@link ConsumerInstance#poll}), ended by
 * enough records or its deadline. The timeout is the request's, capped by the instance's {@code
 * consumer.request.timeout.ms}, as in the REST Proxy. Not thread-safe: the entity's own.
 */
final class InstancePolls {
  /** The REST Proxy's {@code consumer.request.max.bytes} default, for a poll that names none. */
  private static final int DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

  record PollDeadline(PollRun run) implements InstanceCommand.Internal {}

  private final ConsumerInstance instance;
  private final InstanceCalls calls;
  private final TimerScheduler<InstanceCommand> timers;
  private final Clock clock;
  private final Consumer<List<Effect>> run;
  private final Deque<Poll> waiting = new ArrayDeque<>();
  private PollRun current;
  private long nextRound;

  /**
   * @param run carries out the effects a poll plan asks for first (lookups, auto-commit, rejoin)
   */
  InstancePolls(
      ConsumerInstance instance,
      InstanceCalls calls,
      TimerScheduler<InstanceCommand> timers,
      Clock clock,
      Consumer<List<Effect>> run) {
    this.instance = instance;
    this.calls = calls;
    this.timers = timers;
    this.clock = clock;
    this.run = run;
  }

  boolean busy() {
    return current != null;
  }

  void add(Poll poll) {
    waiting.add(poll);
    if (current == null) {
      startNext();
    }
  }

  private void startNext() {
    Poll next = waiting.poll();
    if (next == null) {
      return;
    }
    long timeout = instance.config().requestTimeoutMs();
    if (next.timeoutMs() >= 0) {
      timeout = Math.min(timeout, next.timeoutMs());
    }
    int maxBytes = next.maxBytes() > 0 ? next.maxBytes() : DEFAULT_MAX_BYTES;
    current =
        new PollRun(next, clock.millis() + timeout, instance.config().fetchMinBytes(), maxBytes);
    timers.startSingleTimer(new Object(), new PollDeadline(current), Duration.ofMillis(timeout));
    plan();
  }

  /** Plans a round of the poll in progress: effects first, then the fetches. */
  private void plan() {
    long now = clock.millis();
    PollPlan plan = instance.poll(now, current.maxBytes());
    run.accept(plan.effects());
    if (plan.error() != null) {
      current.poll().replyTo().tell(new RecordsAnswer(List.of(), Answers.rejected(plan.error())));
      current = null;
      startNext();
      return;
    }
    if (plan.fetches().isEmpty()) {
      if (now >= current.deadline()) {
        finish();
      }
      return; // waits for lookups or the deadline
    }
    long maxWait = current.nextRoundWaits() ? Math.max(0, current.deadline() - now) : 0;
    long round = nextRound++;
    current.fetching(round, plan.fetches().size(), maxWait > 0);
    plan.fetches().forEach(f -> calls.fetch(round, f, maxWait));
  }

  void onFetched(Fetched fetched) {
    if (current == null || !current.isRound(fetched.round())) {
      return;
    }
    Effect.Fetch fetch = fetched.fetch();
    List<ConsumedRecord> records = List.of();
    if (fetched.failure() == null && fetched.reply().error() == null) {
      records = fetched.reply().records();
      if (!records.isEmpty()) {
        instance.recordsFetched(
            fetch.partition(), fetch.offset(), records.get(records.size() - 1).offset() + 1);
      }
    } else if (fetched.reply() != null
        && fetched.reply().error().code() == ErrorCode.OFFSET_OUT_OF_RANGE) {
      instance.fetchOutOfRange(fetch.partition(), fetch.offset());
    }
    current.answered(records);
    if (current.done(clock.millis())) {
      finish();
    } else if (current.idle() && current.worthAnotherRound()) {
      plan();
    }
  }

  void onDeadline(PollDeadline deadline) {
    if (current == deadline.run() && (current.idle() || current.done(clock.millis()))) {
      finish();
    }
  }

  /** A lookup was answered or the assignment changed: a poll waiting for positions tries again. */
  void replanIdle() {
    if (current != null && current.idle()) {
      plan();
    }
  }

  private void finish() {
    current.poll().replyTo().tell(new RecordsAnswer(List.copyOf(current.records()), null));
    current = null;
    startNext();
  }

  /** Answers every poll with what it has: the instance is going away. */
  void finishAll() {
    if (current != null) {
      current.poll().replyTo().tell(new RecordsAnswer(List.copyOf(current.records()), null));
      current = null;
    }
    waiting.forEach(p -> p.replyTo().tell(new RecordsAnswer(List.of(), null)));
    waiting.clear();
  }
}
