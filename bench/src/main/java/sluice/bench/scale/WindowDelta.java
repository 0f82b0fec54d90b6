package sluice.bench.scale;

import java.time.Duration;

/**
 * What a counter grew by because of what happened in a measurement window: its growth in the window
 * minus what it grows by at rest over as long, taken from a baseline window measured just before
 * with nothing happening (heartbeats, gossip of unchanged state, log lines). The result may be
 * negative when the event costs less than the baseline's own noise. Stateless; thread-safe.
 */
public final class WindowDelta {

  private WindowDelta() {}

  /**
   * {@code windowGrowth} over {@code window}, less {@code baselineGrowth} scaled from {@code
   * baseline} to the window's length.
   */
  public static long net(
      long windowGrowth, Duration window, long baselineGrowth, Duration baseline) {
    if (baseline.isZero() || baseline.isNegative()) {
      throw new IllegalArgumentException("the baseline window must be positive, got " + baseline);
    }
    double atRest = (double) baselineGrowth * window.toNanos() / baseline.toNanos();
    return Math.round(windowGrowth - atRest);
  }
}
