package sluice.bench.groups;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The groups bench's closing table: each Sluice figure beside Kafka's and the ratio Sluice / Kafka,
 * with the direction that is better for it (a ratio below 1.00x is better for Sluice on a "lower"
 * line, above 1.00x on a "higher" one). The two rebalance times after a change carry the issue's
 * target, Sluice at most Kafka's (&le; 1.00x). A figure one side lacks, or a ratio over a zero,
 * prints as {@code n/a}. Then each system's details: settings, preload, the rebalances' analyses,
 * refused commits, failures. Stateless; thread-safe.
 */
final class GroupsReport {

  /** The rebalance target: Sluice's time at most Kafka's. */
  static final double REBALANCE_TARGET = 1.0;

  private record Line(
      String name,
      Function<GroupsFigures, OptionalDouble> figure,
      int decimals,
      boolean lowerIsBetter,
      boolean targeted) {}

  private static final List<Line> LINES =
      List.of(
          new Line("rebalance: 3 members form the group, s", f -> rebalance(f, 0), 2, true, false),
          new Line(
              "rebalance: a 4th member joins (3 -> 4), s", f -> rebalance(f, 1), 2, true, true),
          new Line("rebalance: a member leaves (4 -> 3), s", f -> rebalance(f, 2), 2, true, true),
          new Line(
              "offset commit latency p50, ms",
              f -> f.commits == null ? none() : of(f.commits.latencies().percentileMillis(50)),
              2,
              true,
              false),
          new Line(
              "offset commit latency p99, ms",
              f -> f.commits == null ? none() : of(f.commits.latencies().percentileMillis(99)),
              2,
              true,
              false),
          new Line(
              "offset commits/s, 3 members, 1 in flight each",
              f -> f.commits == null ? none() : of(f.commits.commitsPerSecond()),
              0,
              false,
              false),
          new Line(
              "consume, 3 members, records/s",
              f -> f.consume == null ? none() : of(f.consume.recordsPerSecond()),
              0,
              false,
              false),
          new Line(
              "consume: duplicate deliveries",
              f -> f.consume == null ? none() : of(f.consume.duplicates()),
              0,
              true,
              false),
          new Line(
              "rebalances: duplicate deliveries",
              f -> f.rebalance == null ? none() : of(f.rebalance.duplicates()),
              0,
              true,
              false));

  private GroupsReport() {}

  /** The table, then the details of each system. */
  static String format(GroupsFigures sluice, GroupsFigures kafka) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "consumer groups", "Sluice", "Kafka 4.1", "Sluice/Kafka", "better", "target", ""
        });
    for (Line line : LINES) {
      rows.add(row(line, line.figure().apply(sluice), line.figure().apply(kafka)));
    }
    StringBuilder out = new StringBuilder(table(rows));
    out.append("ratio = Sluice / Kafka: below 1.00x is Sluice's advantage on a 'lower' line,")
        .append(" above 1.00x on a 'higher' one\n");
    for (GroupsFigures f : List.of(sluice, kafka)) {
      out.append('\n').append(f.system).append(": ").append(f.settings).append('\n');
      if (!f.preload.isEmpty()) {
        out.append("  preload: ").append(f.preload).append('\n');
      }
      if (f.rebalance != null) {
        out.append("  3 members form the group: ").append(f.rebalance.formed().describe());
        out.append("\n  a 4th member joins: ").append(f.rebalance.joined().describe());
        out.append("\n  member c1 leaves: ").append(f.rebalance.left().describe()).append('\n');
        out.append("  rebalances: commits refused ").append(f.rebalance.refusedCommits());
        out.append(f.rebalance.producerNote().isEmpty() ? "" : "; " + f.rebalance.producerNote());
        out.append('\n');
      }
      if (f.commits != null) {
        out.append(
            String.format(
                Locale.ROOT,
                "  commits: %,d measured in %.1f s, %,d refused%n",
                f.commits.latencies().count(),
                f.commits.elapsedNanos() / 1e9,
                f.commits.refused()));
      }
      if (f.consume != null) {
        out.append(
            String.format(
                Locale.ROOT,
                "  consume: %,d records in %.2f s, %,d deliveries, %,d duplicates, %,d commits"
                    + " refused%n",
                f.consume.records(),
                f.consume.elapsedNanos() / 1e9,
                f.consume.delivered(),
                f.consume.duplicates(),
                f.consume.refusedCommits()));
      }
      for (String error : f.errors) {
        out.append("  FAILED at ").append(error).append('\n');
      }
    }
    return out.toString();
  }

  private static String[] row(Line line, OptionalDouble ours, OptionalDouble theirs) {
    String ratio = "n/a";
    String verdict = "";
    if (ours.isPresent() && theirs.isPresent() && theirs.getAsDouble() > 0) {
      double r = ours.getAsDouble() / theirs.getAsDouble();
      ratio = String.format(Locale.ROOT, "%.2fx", r);
      if (line.targeted()) {
        verdict = r <= REBALANCE_TARGET ? "MET" : "MISSED";
      }
    }
    return new String[] {
      line.name(),
      number(ours, line.decimals()),
      number(theirs, line.decimals()),
      ratio,
      line.lowerIsBetter() ? "lower" : "higher",
      line.targeted() ? String.format(Locale.ROOT, "<=%.2fx", REBALANCE_TARGET) : "-",
      verdict
    };
  }

  private static String table(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line =
          new StringBuilder(row[0]).append(" ".repeat(widths[0] - row[0].length()));
      for (int i = 1; i < row.length; i++) {
        String pad = " ".repeat(widths[i] - row[i].length());
        line.append("  ").append(i <= 3 ? pad + row[i] : row[i] + pad);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static OptionalDouble rebalance(GroupsFigures f, int which) {
    if (f.rebalance == null) {
      return none();
    }
    RebalanceAnalysis a =
        switch (which) {
          case 0 -> f.rebalance.formed();
          case 1 -> f.rebalance.joined();
          default -> f.rebalance.left();
        };
    return a.complete() ? of(a.seconds()) : none();
  }

  private static String number(OptionalDouble value, int decimals) {
    return value.isPresent()
        ? String.format(Locale.ROOT, "%,." + decimals + "f", value.getAsDouble())
        : "n/a";
  }

  private static OptionalDouble of(double value) {
    return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  private static OptionalDouble none() {
    return OptionalDouble.empty();
  }
}
