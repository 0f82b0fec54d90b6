package sluice.bench.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Clock ticks per second of {@code /proc/<pid>/stat}'s CPU times ({@code getconf CLK_TCK}; 100 on
 * every common Linux when it cannot be asked). Stateless; thread-safe.
 */
public final class CpuClock {

  private static final long DEFAULT_TICKS = 100;

  private CpuClock() {}

  /** The ticks per second of this machine. */
  public static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 ? Long.parseLong(out) : DEFAULT_TICKS;
    } catch (IOException | NumberFormatException e) {
      return DEFAULT_TICKS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DEFAULT_TICKS;
    }
  }

  /** CPU used between two samples, as a percentage of one core over {@code seconds}. */
  public static double percentOfCore(long ticks, long ticksPerSecond, double seconds) {
    return 100.0 * ticks / ticksPerSecond / seconds;
  }
}
