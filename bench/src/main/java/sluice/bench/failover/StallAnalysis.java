package sluice.bench.failover;

import java.util.Arrays;

/**
 * The produce stall around a kill, computed from the times at which records were acknowledged
 * ({@link System#nanoTime()} values, in any order) and the time of the kill.
 *
 * <p>The stall is the longest gap between two consecutive acknowledgements that ends after the
 * kill. It usually starts a few milliseconds after the kill, not before: acknowledgements the
 * leader sent just before it died still arrive. The baseline is the longest gap that ended before
 * the kill: the producer sends continuously, so it is the normal jitter (round trips, GC pauses) to
 * read the stall against. {@link #killToFirstAckNanos()} is the time from the kill to the first
 * acknowledgement after it (often one already in flight).
 *
 * @param acks acknowledgements counted
 * @param stallNanos the longest gap between consecutive acknowledgements ending after the kill, 0
 *     if none
 * @param stallStartNanos the acknowledgement that opens it
 * @param stallEndNanos the acknowledgement that closes it
 * @param baselineNanos the longest gap ending at or before the kill, 0 if none
 * @param killNanos when the leader was killed
 * @param killToFirstAckNanos from the kill to the first acknowledgement at or after it, -1 if none
 */
public record StallAnalysis(
    int acks,
    long stallNanos,
    long stallStartNanos,
    long stallEndNanos,
    long baselineNanos,
    long killNanos,
    long killToFirstAckNanos) {

  /** Analyses {@code ackNanos} (not modified) around a kill at {@code killNanos}. */
  public static StallAnalysis of(long[] ackNanos, long killNanos) {
    long[] sorted = ackNanos.clone();
    Arrays.sort(sorted);
    long stall = 0;
    long start = 0;
    long end = 0;
    long baseline = 0;
    for (int i = 1; i < sorted.length; i++) {
      long gap = sorted[i] - sorted[i - 1];
      if (sorted[i] <= killNanos) {
        baseline = Math.max(baseline, gap);
      } else if (gap > stall) {
        stall = gap;
        start = sorted[i - 1];
        end = sorted[i];
      }
    }
    int firstAfter = firstAtOrAfter(sorted, killNanos);
    long killToFirst = firstAfter < sorted.length ? sorted[firstAfter] - killNanos : -1;
    return new StallAnalysis(sorted.length, stall, start, end, baseline, killNanos, killToFirst);
  }

  private static int firstAtOrAfter(long[] sorted, long nanos) {
    int i = Arrays.binarySearch(sorted, nanos);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && sorted[i - 1] == nanos) {
      i--;
    }
    return i;
  }

  /** The stall in seconds. */
  public double stallSeconds() {
    return stallNanos / 1e9;
  }

  /** The baseline in seconds. */
  public double baselineSeconds() {
    return baselineNanos / 1e9;
  }

  /** From the kill to the start of the stall, in seconds. */
  public double stallStartAfterKillSeconds() {
    return (stallStartNanos - killNanos) / 1e9;
  }

  /** From the kill to the first acknowledgement after it, in seconds; NaN if none came. */
  public double killToFirstAckSeconds() {
    return killToFirstAckNanos < 0 ? Double.NaN : killToFirstAckNanos / 1e9;
  }
}
