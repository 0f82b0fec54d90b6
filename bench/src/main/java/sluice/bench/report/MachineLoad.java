package sluice.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The machine's load when a benchmark starts and ends, printed beside the figures: on a machine
 * whose run queue is longer than its cores, the contenders of one run did not get the same CPU and
 * their ratios are indicative only. Reads {@code /proc/loadavg} (Linux); elsewhere the load is
 * unknown. Stateless; thread-safe.
 */
public final class MachineLoad {

  private static final Path LOADAVG = Path.of("/proc/loadavg");

  private MachineLoad() {}

  /** One line describing cores and the 1-minute load average, with a warning when loaded. */
  public static String describe() {
    return describe(Runtime.getRuntime().availableProcessors(), oneMinuteLoad());
  }

  static String describe(int cores, OptionalDouble load) {
    if (load.isEmpty()) {
      return String.format(Locale.ROOT, "machine: %d cores, load average unknown", cores);
    }
    double l = load.getAsDouble();
    return String.format(
        Locale.ROOT,
        "machine: %d cores, 1-minute load average %.2f%s",
        cores,
        l,
        l > cores
            ? " - LOADED: other processes competed for the CPU, ratios are indicative only"
            : "");
  }

  /** The first field of {@code /proc/loadavg}, if readable. */
  static OptionalDouble oneMinuteLoad() {
    try {
      String[] fields = Files.readString(LOADAVG).trim().split("\\s+");
      return OptionalDouble.of(Double.parseDouble(fields[0]));
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }
}
