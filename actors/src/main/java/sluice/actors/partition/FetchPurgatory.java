package sluice.actors.partition;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import sluice.actors.api.ApiError;

/**
 * The parked fetches of one partition, consumers' and followers' alike (Kafka's {@code
 * DelayedOperationPurgatory}, here one per partition leader, so keyed by the entity's partition): a
 * fetch that found nothing to read waits here until the partition's offsets let it complete ({@link
 * #checkAndComplete}, after each write and each move of the high watermark) or its {@code maxWait}
 * passes ({@link #expire}, driven by one {@link DeadlineTimer}). Either way it is completed exactly
 * once, here, with the offsets of that moment; a leader that stops leading aborts them all.
 *
 * <p>Not thread-safe: owned by one partition leader. Not persisted: a leader that crashes answers
 * nothing and the fetchers time out.
 */
final class FetchPurgatory {

  /** A fetch that waits: when it can complete, and how it is answered. */
  interface DelayedFetch {
    /** Whether there is now something for it to read. */
    boolean canComplete(long highWatermark, long logEndOffset);

    /** Answers it with what there is now (possibly nothing: it expired). Called once. */
    void complete(long highWatermark, long logEndOffset);

    /** Answers it with {@code error}: the leader stops leading. Called once. */
    void abort(ApiError error);
  }

  private record Parked(DelayedFetch fetch, long deadlineNanos) {}

  private final LeaderClock clock;
  private final DeadlineTimer timer;
  private final List<Parked> parked = new ArrayList<>();

  FetchPurgatory(LeaderClock clock, DeadlineTimer.Timer timer) {
    this.clock = clock;
    this.timer = new DeadlineTimer(clock::nanos, timer);
  }

  /** Parks {@code fetch} for at most {@code maxWaitMs} (positive). */
  void park(DelayedFetch fetch, long maxWaitMs) {
    long deadline = clock.nanos() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
    parked.add(new Parked(fetch, deadline));
    timer.fireBy(deadline);
  }

  int size() {
    return parked.size();
  }

  /** Completes, in the order they were parked, the fetches that can complete at these offsets. */
  void checkAndComplete(long highWatermark, long logEndOffset) {
    for (DelayedFetch fetch :
        removeIf(parked -> parked.fetch().canComplete(highWatermark, logEndOffset))) {
      fetch.complete(highWatermark, logEndOffset);
    }
  }

  /** The timer fired: completes the fetches whose wait is over, and waits for the next deadline. */
  void expire(long highWatermark, long logEndOffset) {
    timer.fired();
    long now = clock.nanos();
    for (DelayedFetch fetch : removeIf(parked -> parked.deadlineNanos() - now <= 0)) {
      fetch.complete(highWatermark, logEndOffset);
    }
    long next = DeadlineTimer.NONE;
    for (Parked entry : parked) {
      next = DeadlineTimer.earlier(next, entry.deadlineNanos());
    }
    timer.fireBy(next);
  }

  /** Takes out the fetches {@code which} selects, for their owner to answer. */
  List<DelayedFetch> take(Predicate<DelayedFetch> which) {
    return removeIf(parked -> which.test(parked.fetch()));
  }

  /** Aborts every parked fetch with {@code error} and stops the timer. */
  void abortAll(ApiError error) {
    for (DelayedFetch fetch : removeIf(parked -> true)) {
      fetch.abort(error);
    }
    timer.cancel();
  }

  private List<DelayedFetch> removeIf(Predicate<Parked> which) {
    List<DelayedFetch> removed = new ArrayList<>();
    Iterator<Parked> iterator = parked.iterator();
    while (iterator.hasNext()) {
      Parked entry = iterator.next();
      if (which.test(entry)) {
        iterator.remove();
        removed.add(entry.fetch());
      }
    }
    return removed;
  }
}
