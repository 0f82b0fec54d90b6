package sluice.actors.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import sluice.actors.gateway.Pauses;

/**
 * A clock that moves only when told, with {@link Pauses} that move it by each pause and return at
 * once: retries, deadlines and ages run their whole course without waiting. Thread-safe.
 */
public final class ManualClock extends Clock {
  private final AtomicLong millis;

  public ManualClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  public void advance(Duration duration) {
    millis.addAndGet(duration.toMillis());
  }

  /** Pauses that advance this clock by their delay and complete at once. */
  public Pauses pauses() {
    return delay -> {
      advance(delay);
      return CompletableFuture.completedFuture(null);
    };
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a manual clock stays in UTC");
  }
}
