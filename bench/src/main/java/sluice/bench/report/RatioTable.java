package sluice.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats {@link Comparison}s as a fixed-width text table, one line per comparison:
 *
 * <pre>
 * comparison      subject         score  anchor          score  unit  ratio  target  verdict
 * append 16 KiB   Sluice append  1200.0  raw write      1400.0  MB/s  0.86x  &gt;=0.80x MET
 * </pre>
 *
 * Pure formatting, no I/O; thread-safe (stateless).
 */
public final class RatioTable {

  private static final String[] HEADERS = {
    "comparison", "subject", "score", "anchor", "score", "unit", "ratio", "target", "verdict"
  };

  /** Columns holding numbers are right-aligned. */
  private static final boolean[] RIGHT_ALIGNED = {
    false, false, true, false, true, false, true, true, false
  };

  private RatioTable() {}

  /** The table, ending with a newline; only the header line when there are no comparisons. */
  public static String format(List<Comparison> comparisons) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (Comparison c : comparisons) {
      rows.add(
          new String[] {
            c.name(),
            c.subject(),
            score(c.subjectScore()),
            c.anchor(),
            score(c.anchorScore()),
            c.unit(),
            Double.isNaN(c.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.2fx", c.ratio()),
            c.target().isPresent()
                ? String.format(Locale.ROOT, ">=%.2fx", c.target().getAsDouble())
                : "-",
            c.verdict()
          });
    }
    int[] widths = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          line.append("  ");
        }
        String pad = " ".repeat(widths[i] - row[i].length());
        line.append(RIGHT_ALIGNED[i] ? pad + row[i] : row[i] + pad);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** Scores keep one decimal below 100 000 and none above, so wide numbers stay readable. */
  static String score(double value) {
    return value >= 100_000
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%,.1f", value);
  }
}
