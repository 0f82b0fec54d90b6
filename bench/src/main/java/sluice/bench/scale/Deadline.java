package sluice.bench.scale;

import java.io.IOException;
import java.time.Duration;

/**
 * The time one partition count may take, from its cluster's start to its last figure; the bench
 * stops that size cleanly when a step would pass it. Immutable; thread-safe.
 */
public final class Deadline {

  /** A step did not finish before the deadline; the message says which and how far it got. */
  public static final class Exceeded extends IOException {
    Exceeded(String message) {
      super(message);
    }
  }

  private final Duration budget;
  private final long endNanos;

  private Deadline(Duration budget, long endNanos) {
    this.budget = budget;
    this.endNanos = endNanos;
  }

  /** A deadline {@code budget} from now. */
  public static Deadline in(Duration budget) {
    return new Deadline(budget, System.nanoTime() + budget.toNanos());
  }

  public boolean passed() {
    return System.nanoTime() > endNanos;
  }

  /** Throws {@link Exceeded} naming {@code step} and {@code progress} if the deadline passed. */
  public void check(String step, String progress) throws Exceeded {
    if (passed()) {
      throw new Exceeded(
          step
              + " did not finish within the deadline of "
              + budget.toSeconds()
              + " s ("
              + progress
              + ")");
    }
  }

  /** Time left, at least zero. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }
}
