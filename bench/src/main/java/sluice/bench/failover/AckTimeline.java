package sluice.bench.failover;

import java.util.Arrays;
import java.util.BitSet;

/**
 * What a producer had acknowledged and when: the sequence number and {@link System#nanoTime()} of
 * every acknowledgement, plus failures. Thread-safe (every method synchronizes): producer callbacks
 * and HTTP workers record into it while the scenario reads it.
 */
public final class AckTimeline {

  private final BitSet acknowledged = new BitSet();
  private long[] times = new long[1 << 16];
  private int count;
  private long failures;
  private String firstFailure;

  /** Record {@code seq} acknowledged at {@code nanos}. */
  public synchronized void acknowledged(long seq, long nanos) {
    if (seq < 0 || seq > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("sequence number out of range: " + seq);
    }
    acknowledged.set((int) seq);
    if (count == times.length) {
      times = Arrays.copyOf(times, count * 2);
    }
    times[count++] = nanos;
  }

  /** A send or request that failed (it is retried or given up by the producer). */
  public synchronized void failed(String message) {
    failures++;
    if (firstFailure == null) {
      firstFailure = message;
    }
  }

  /** Acknowledgements so far. */
  public synchronized int count() {
    return count;
  }

  /** Whether some record numbered {@code seq} or higher was acknowledged. */
  public synchronized boolean anyAckFrom(long seq) {
    return seq <= Integer.MAX_VALUE && acknowledged.nextSetBit((int) seq) >= 0;
  }

  /** The acknowledgement times, in recording order. */
  public synchronized long[] times() {
    return Arrays.copyOf(times, count);
  }

  /** The distinct sequence numbers acknowledged. */
  public synchronized BitSet acknowledged() {
    return (BitSet) acknowledged.clone();
  }

  public synchronized long failures() {
    return failures;
  }

  /** The first failure's message, or null. */
  public synchronized String firstFailure() {
    return firstFailure;
  }
}
