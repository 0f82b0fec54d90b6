package sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatioTableTest {

  @Test
  void eachComparisonPrintsItsRatioTargetAndVerdictInAlignedColumns() {
    String table =
        RatioTable.format(
            List.of(
                Comparison.withTarget(
                    "append", "Sluice", 900.0, "raw FileChannel", 1000.0, "MB/s", 0.8),
                Comparison.withTarget("read 1 MiB", "Sluice", 50.0, "Kafka", 100.0, "MB/s", 1.0),
                Comparison.informational("append", "Kafka", 700.0, "raw", 1000.0, "MB/s")));

    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("comparison").contains("ratio", "target", "verdict");
    assertThat(lines.get(1)).contains("0.90x", ">=0.80x", "MET");
    assertThat(lines.get(2)).contains("0.50x", ">=1.00x", "MISSED");
    assertThat(lines.get(3)).contains("0.70x").endsWith("-");
    int ratioColumn = lines.get(0).indexOf("ratio") + "ratio".length();
    for (String line : lines.subList(1, 4)) {
      assertThat(line.substring(ratioColumn - 1, ratioColumn)).isEqualTo("x");
    }
  }

  @Test
  void aZeroAnchorGivesNoRatioAndMissesItsTarget() {
    Comparison c = Comparison.withTarget("x", "a", 1.0, "b", 0.0, "ops/s", 1.0);

    assertThat(c.ratio()).isNaN();
    assertThat(c.verdict()).isEqualTo("MISSED");
    assertThat(RatioTable.format(List.of(c))).contains("n/a");
  }

  @Test
  void largeScoresDropTheirDecimalsAndSmallOnesKeepOne() {
    assertThat(RatioTable.score(1_234_567.89)).isEqualTo("1,234,568");
    assertThat(RatioTable.score(1234.56)).isEqualTo("1,234.6");
  }

  @Test
  void negativeOrNanScoresAreRejectedWithTheValues() {
    assertThatThrownBy(() -> Comparison.informational("cmp", "a", -1.0, "b", 2.0, "MB/s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1.0")
        .hasMessageContaining("cmp");
    assertThatThrownBy(() -> Comparison.informational("cmp", "a", 1.0, "b", Double.NaN, "MB/s"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
