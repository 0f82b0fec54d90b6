package sluice.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleReportTest {

  @Test
  void aRowShowsItsFiguresTheLargestBrokerAndPerChangeCosts() {
    ScaleRow row = new ScaleRow("3 brokers, RF=3", 10_000);
    row.createSeconds = 12.34;
    row.resources.put(1, new ScaleRow.Resources(300_000_000, 2_000, 4.0));
    row.resources.put(2, new ScaleRow.Resources(438_000_000, 2_091, 9.04));
    row.isrCost = new ScaleRow.IsrCost(2, 200_000, 3_000, -1_000);
    row.note("STOPPED: the election did not finish");

    String table = ScaleReport.format(List.of(row));

    assertThat(table).contains("10,000").contains("12.3").contains("438").contains("2,091");
    assertThat(table).contains("9.0").contains("100,000").contains("1,500").contains("-500");
    assertThat(table)
        .contains("3 brokers, RF=3, 10,000 partitions: STOPPED: the election did not finish");
  }

  @Test
  void figuresNotMeasuredAreDashesAndCostsWithoutChangesAreNone() {
    ScaleRow row = new ScaleRow("1 broker, RF=1", 2_000);
    row.isrCost = new ScaleRow.IsrCost(0, 5, 5, 5);

    String line = ScaleReport.format(List.of(row)).split("\n")[1];

    assertThat(line.replaceAll("[^-]", "")).hasSizeGreaterThanOrEqualTo(10);
    assertThat(row.isrCost.storedPerChange()).isNull();
  }

  @Test
  void sizesAreAListOfPositiveCountsOrNone() {
    assertThat(ScaleBench.sizes("100,1_000, 10000", "--sizes")).containsExactly(100, 1000, 10000);
    assertThat(ScaleBench.sizes("none", "--rf1-sizes")).isEmpty();
    assertThatThrownBy(() -> ScaleBench.sizes("100,0", "--sizes")).hasMessageContaining("'0'");
  }
}
