package sluice.bench.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The scale bench's table: one line per layout and partition count, "-" where a figure was not
 * measured, the rows' notes under it. Per-broker resources show the largest of the brokers (every
 * broker of a layout is printed in full while the bench runs). Stateless; thread-safe.
 */
public final class ScaleReport {

  private record Column(String header, Function<ScaleRow, String> cell) {}

  private static final List<Column> COLUMNS =
      List.of(
          new Column("layout", ScaleRow::layout),
          new Column("partitions", r -> String.format(Locale.ROOT, "%,d", r.partitions())),
          new Column("create s", r -> fixed(r.createSeconds, 1)),
          new Column("touch p50/p99 ms", r -> pair(r.touchP50Millis, r.touchP99Millis)),
          new Column("RSS MB", r -> maxResource(r, x -> x.rssBytes() / 1e6, 0)),
          new Column("open fds", r -> maxResource(r, x -> (double) x.openFds(), 0)),
          new Column(
              "idle CPU %", r -> maxResource(r, ScaleRow.Resources::idleCpuPercentOfCore, 1)),
          new Column("topic map B", r -> count(r.topicListBytes)),
          new Column("partition reg B", r -> count(r.partitionRegisterBytes)),
          new Column("ISR changes", r -> r.isrCost == null ? "-" : "" + r.isrCost.changes()),
          new Column(
              "stored B/change", r -> r.isrCost == null ? "-" : count(r.isrCost.storedPerChange())),
          new Column(
              "Artery B/change pair",
              r -> r.isrCost == null ? "-" : count(r.isrCost.pairPerChange())),
          new Column("all", r -> r.isrCost == null ? "-" : count(r.isrCost.allPerChange())),
          new Column("election s", r -> fixed(r.electionSeconds, 2)),
          new Column("all re-led s", r -> fixed(r.allLedSeconds, 1)),
          new Column("stop s", r -> fixed(r.stopSeconds, 1)));

  private ScaleReport() {}

  /** The table, then each row's notes prefixed by its layout and size. */
  public static String format(List<ScaleRow> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(COLUMNS.stream().map(Column::header).toArray(String[]::new));
    for (ScaleRow row : rows) {
      cells.add(COLUMNS.stream().map(c -> c.cell().apply(row)).toArray(String[]::new));
    }
    int[] widths = new int[COLUMNS.size()];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        String pad = " ".repeat(widths[i] - line[i].length());
        out.append(i < 2 ? line[i] + pad : pad + line[i]);
        out.append(i == line.length - 1 ? "\n" : "  ");
      }
    }
    for (ScaleRow row : rows) {
      for (String note : row.notes()) {
        out.append(
            String.format(
                Locale.ROOT, "%s, %,d partitions: %s%n", row.layout(), row.partitions(), note));
      }
    }
    return out.toString();
  }

  private static String fixed(Double value, int decimals) {
    return value == null ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  private static String count(Long value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%,d", value);
  }

  private static String pair(Double a, Double b) {
    return a == null ? "-" : fixed(a, 1) + " / " + fixed(b, 1);
  }

  private static String maxResource(
      ScaleRow row, Function<ScaleRow.Resources, Double> figure, int decimals) {
    return row.resources.isEmpty()
        ? "-"
        : fixed(row.resources.values().stream().map(figure).max(Double::compare).get(), decimals);
  }
}
