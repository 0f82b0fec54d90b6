package sluice.actors.partition;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LeaderClock} that tests move by hand: wall-clock milliseconds and monotonic nanoseconds
 * advance together, and only when told. Safe from any thread (the leader reads it on its own).
 */
final class ManualClock implements LeaderClock {
  private final AtomicLong nanos = new AtomicLong();
  private final long startMillis;

  ManualClock(long startMillis) {
    this.startMillis = startMillis;
  }

  /** Starts at the real time, so that the logs' own retention clocks agree with the batches. */
  ManualClock() {
    this(System.currentTimeMillis());
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  @Override
  public long millis() {
    return startMillis + Duration.ofNanos(nanos.get()).toMillis();
  }

  @Override
  public long nanos() {
    return nanos.get();
  }
}
