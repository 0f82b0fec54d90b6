package sluice.bench.http;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, recorded by one thread at a time and summarised after the run
 * (nearest-rank percentiles over the sorted samples). Grows as needed; not thread-safe: give each
 * worker its own and {@link #merge} them afterwards.
 */
public final class Latencies {

  private long[] samples = new long[1024];
  private int size;

  /** Records one sample. */
  public void record(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("a latency cannot be negative, got " + nanos + " ns");
    }
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  /** Adds every sample of {@code other} to this. */
  public void merge(Latencies other) {
    for (int i = 0; i < other.size; i++) {
      record(other.samples[i]);
    }
  }

  /** Number of samples. */
  public int count() {
    return size;
  }

  /**
   * The nearest-rank {@code percentile} (0 &lt; p &lt;= 100) in milliseconds, or NaN without
   * samples.
   */
  public double percentileMillis(double percentile) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
    }
    if (size == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percentile / 100.0 * size);
    return sorted[Math.max(0, rank - 1)] / 1_000_000.0;
  }
}
