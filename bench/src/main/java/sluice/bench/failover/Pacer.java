package sluice.bench.failover;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed send rate: record {@code i} is due {@code i / ratePerSecond} seconds after the pacer's
 * start. A sender that fell behind (stalled) is not made to catch up in a burst beyond what is due.
 * Thread-safe (immutable).
 */
public final class Pacer {

  private final long startNanos;
  private final double nanosPerRecord;

  /** A pacer starting at {@code startNanos} ({@link System#nanoTime()}). */
  public Pacer(long startNanos, double ratePerSecond) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be > 0 records/s, got " + ratePerSecond);
    }
    this.startNanos = startNanos;
    this.nanosPerRecord = 1e9 / ratePerSecond;
  }

  /** When record {@code index} is due. */
  public long dueNanos(long index) {
    return startNanos + (long) (index * nanosPerRecord);
  }

  /** Parks the calling thread until record {@code index} is due. */
  public void awaitTurn(long index) {
    long due = dueNanos(index);
    for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
      LockSupport.parkNanos(due - now);
    }
  }
}
