package sluice.actors.partition;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One timer for the earliest of many deadlines (monotonic nanoseconds): it runs at most once at a
 * time, set for the earliest deadline asked for since it last fired. The owner handles the timer's
 * message by answering what is due, calling {@link #fired}, and asking again for the earliest
 * deadline left; a timer that fires with nothing due is harmless.
 *
 * <p>Not thread-safe: owned by one actor, which schedules the timer through {@link Timer}.
 */
final class DeadlineTimer {

  /** "No deadline". */
  static final long NONE = Long.MAX_VALUE;

  /** The actor's single timer behind this one (a {@code TimerScheduler} key and its message). */
  interface Timer {
    /** Starts the timer to fire once after {@code delay}, replacing a running one. */
    void start(Duration delay);

    void cancel();
  }

  private final LongSupplier nanos;
  private final Timer timer;

  /** When the running timer fires, {@link #NONE} if it is not running. */
  private long scheduled = NONE;

  DeadlineTimer(LongSupplier nanos, Timer timer) {
    this.nanos = nanos;
    this.timer = timer;
  }

  /** Makes sure the timer fires by {@code deadlineNanos}; {@link #NONE} asks nothing. */
  void fireBy(long deadlineNanos) {
    if (deadlineNanos == NONE || (scheduled != NONE && scheduled - deadlineNanos <= 0)) {
      return;
    }
    scheduled = deadlineNanos;
    timer.start(Duration.ofNanos(Math.max(0, deadlineNanos - nanos.getAsLong())));
  }

  /** The timer fired: it is no longer running. */
  void fired() {
    scheduled = NONE;
  }

  void cancel() {
    scheduled = NONE;
    timer.cancel();
  }

  /** The earlier of two deadlines, {@link #NONE} counting as later than any. */
  static long earlier(long a, long b) {
    if (a == NONE) {
      return b;
    }
    if (b == NONE) {
      return a;
    }
    return a - b <= 0 ? a : b;
  }
}
