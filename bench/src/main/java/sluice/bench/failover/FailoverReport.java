package sluice.bench.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The failover bench's closing table: each Sluice figure beside Kafka's and their ratio.
 * Throughputs (records/s, higher is better) are ratios ours / Kafka's, informational. The stall
 * (seconds, lower is better) is ours / Kafka's with the target ratio &le; 1.0, met only if no
 * acknowledged record was lost either. A figure one side lacks prints as {@code n/a}. Stateless;
 * thread-safe.
 */
public final class FailoverReport {

  /** The stall target: ours at most Kafka's. */
  public static final double STALL_TARGET = 1.0;

  private FailoverReport() {}

  /** The table, a header line and one line per figure, then each system's errors. */
  public static String format(SystemFigures sluice, SystemFigures kafka) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {"RF=3, min.insync.replicas=2", "Sluice", "Kafka 4.1", "ratio", "target", ""});
    rows.add(
        throughputRow(
            "produce acks=1, records/s",
            sluice.acks1RecordsPerSecond(),
            kafka.acks1RecordsPerSecond()));
    rows.add(
        throughputRow(
            "produce acks=all, records/s",
            sluice.acksAllRecordsPerSecond(),
            kafka.acksAllRecordsPerSecond()));
    rows.add(stallRow(sluice.stall(), kafka.stall()));
    rows.add(
        new String[] {
          "acknowledged records lost", lost(sluice.stall()), lost(kafka.stall()), "", "0", ""
        });
    StringBuilder out = new StringBuilder();
    int[] widths = {1, 1, 1, 1, 1, 1};
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(String.format("%-" + widths[0] + "s", row[0]));
      for (int i = 1; i < row.length; i++) {
        line.append("  ").append(String.format("%" + widths[i] + "s", row[i]));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    for (SystemFigures s : List.of(sluice, kafka)) {
      for (String error : s.errors()) {
        out.append(s.system()).append(" failed at ").append(error).append('\n');
      }
    }
    return out.toString();
  }

  private static String[] throughputRow(String name, OptionalDouble ours, OptionalDouble theirs) {
    return new String[] {
      name,
      ours.isPresent() ? String.format(Locale.ROOT, "%,.0f", ours.getAsDouble()) : "n/a",
      theirs.isPresent() ? String.format(Locale.ROOT, "%,.0f", theirs.getAsDouble()) : "n/a",
      ours.isPresent() && theirs.isPresent() && theirs.getAsDouble() > 0
          ? String.format(Locale.ROOT, "%.2fx", ours.getAsDouble() / theirs.getAsDouble())
          : "n/a",
      "-",
      ""
    };
  }

  private static String[] stallRow(StallScenario.Result ours, StallScenario.Result theirs) {
    String verdict = "";
    String ratio = "n/a";
    if (ours != null && theirs != null && theirs.analysis().stallNanos() > 0) {
      double r = (double) ours.analysis().stallNanos() / theirs.analysis().stallNanos();
      ratio = String.format(Locale.ROOT, "%.2fx", r);
      verdict = r <= STALL_TARGET && ours.delivery().noLoss() ? "MET" : "MISSED";
    }
    return new String[] {
      "longest produce stall after kill -9 of the leader, s",
      seconds(ours),
      seconds(theirs),
      ratio,
      String.format(Locale.ROOT, "<=%.2fx", STALL_TARGET),
      verdict
    };
  }

  private static String seconds(StallScenario.Result r) {
    return r == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.analysis().stallSeconds());
  }

  private static String lost(StallScenario.Result r) {
    return r == null ? "n/a" : Long.toString(r.delivery().lost());
  }
}
