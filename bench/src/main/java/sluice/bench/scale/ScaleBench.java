package sluice.bench.scale;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import sluice.bench.Args;
import sluice.bench.report.MachineLoad;

/**
 * The scale bench: what one metadata change and a broker at rest cost as the partition count grows.
 * For each size in {@code --sizes} a fresh 3-broker cluster (RF=3), for each in {@code --rf1-sizes}
 * a fresh single broker (RF=1), each measured by {@link ScaleRun}; then the table ({@link
 * ScaleReport}) and the command that reproduces it. Usage: {@code scale [--sizes 100,1000,10000]
 * [--rf1-sizes 2000|none] [--deadline-minutes 15] [--settle-seconds 10] [--idle-seconds 30]
 * [--baseline-seconds 10] [--isr-rounds 3] [--pause-limit-ms 3500] [--replica-lag 1s]
 * [--touch-connections 4] [--broker-heap 1g] [--sluice-home .] [--sluice-overrides "-Dkey=value
 * ..."] [--keep-data no]}.
 */
public final class ScaleBench {

  private static final List<String> OPTIONS =
      List.of(
          "sizes",
          "rf1-sizes",
          "deadline-minutes",
          "settle-seconds",
          "idle-seconds",
          "baseline-seconds",
          "isr-rounds",
          "pause-limit-ms",
          "replica-lag",
          "touch-connections",
          "broker-heap",
          "sluice-home",
          "sluice-overrides",
          "keep-data");

  private ScaleBench() {}

  public static void main(String[] argv) {
    Args args = Args.parse(argv, OPTIONS);
    List<Integer> sizes = sizes(args.string("sizes", "100,1000,10000"), "--sizes");
    List<Integer> rf1Sizes = sizes(args.string("rf1-sizes", "2000"), "--rf1-sizes");
    String keep = args.string("keep-data", "no");
    if (!keep.equals("yes") && !keep.equals("no")) {
      throw new IllegalArgumentException("--keep-data must be yes or no, got '" + keep + "'");
    }
    String lag = args.string("replica-lag", "1s");
    if (!lag.matches("\\d+(ms|s)")) {
      throw new IllegalArgumentException("--replica-lag is a duration such as 1s or 800ms: " + lag);
    }
    ScaleOptions options =
        new ScaleOptions(
            Path.of(args.string("sluice-home", ".")),
            args.string("broker-heap", "1g"),
            List.of(args.string("sluice-overrides", "").split("\\s+")).stream()
                .filter(o -> !o.isEmpty())
                .toList(),
            Duration.ofMinutes(args.longValue("deadline-minutes", 15)),
            Duration.ofSeconds(args.longValue("settle-seconds", 10)),
            Duration.ofSeconds(args.longValue("idle-seconds", 30)),
            Duration.ofSeconds(args.longValue("baseline-seconds", 10)),
            args.intValue("isr-rounds", 3),
            Duration.ofMillis(args.longValue("pause-limit-ms", 3500)),
            lag,
            args.intValue("touch-connections", 4),
            keep.equals("yes"));
    String loadBefore = MachineLoad.describe();
    System.out.println(loadBefore);
    List<ScaleRow> rows = new ArrayList<>();
    for (int n : sizes) {
      rows.add(new ScaleRun(options, 3, n).run());
    }
    for (int n : rf1Sizes) {
      rows.add(new ScaleRun(options, 1, n).run());
    }
    System.out.println();
    System.out.print(ScaleReport.format(rows));
    System.out.println("at start: " + loadBefore);
    System.out.println("at end:   " + MachineLoad.describe());
    System.out.println(
        "reproduce: java -jar bench/target/sluice-benchmarks.jar scale " + String.join(" ", argv));
  }

  /** A comma-separated list of positive partition counts, or {@code none}. */
  static List<Integer> sizes(String text, String option) {
    if (text.equals("none")) {
      return List.of();
    }
    List<Integer> sizes = new ArrayList<>();
    for (String s : text.split(",")) {
      try {
        int n = Integer.parseInt(s.trim().replace("_", ""));
        if (n < 1) {
          throw new NumberFormatException();
        }
        sizes.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            option + " lists positive partition counts, comma-separated, or none; got '" + s + "'");
      }
    }
    return sizes;
  }
}
