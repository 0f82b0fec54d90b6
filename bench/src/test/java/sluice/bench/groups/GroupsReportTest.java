package sluice.bench.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.bench.groups.RebalanceAnalysis.Delivered;
import sluice.bench.groups.RebalanceAnalysis.OwnershipEvent;
import sluice.bench.http.Latencies;

class GroupsReportTest {

  private static final long MS = 1_000_000L;

  /** A one-partition group whose change at 0 is over after {@code ms}. */
  private static RebalanceAnalysis over(long ms) {
    return RebalanceAnalysis.of(
        1,
        1,
        0,
        List.of(new OwnershipEvent(1, "a", Set.of(0))),
        List.of(new Delivered(ms * MS, "a", 0, 0, 1)));
  }

  private static GroupsFigures figures(
      String system, long joinMs, long leaveMs, long commitMs, double recordsPerSecond) {
    GroupsFigures f = new GroupsFigures(system);
    f.settings = system + " settings";
    f.rebalance = new RebalanceScenario.Result(over(500), over(joinMs), over(leaveMs), 3, 1, "");
    Latencies latencies = new Latencies();
    for (int i = 0; i < 100; i++) {
      latencies.record(commitMs * MS);
    }
    f.commits = new CommitScenario.Result(latencies, 1_000 * MS, 0);
    long records = 1_000_000;
    f.consume =
        new ConsumeScenario.Result(
            records, (long) (records / recordsPerSecond * 1e9), records + 12, 12, 0);
    return f;
  }

  private static String line(String table, String start) {
    return Arrays.stream(table.split("\n"))
        .filter(l -> l.startsWith(start))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + start + "' in\n" + table));
  }

  @Test
  void everyFigureStandsBesideKafkasWithTheRatioAndWhichDirectionIsBetter() {
    GroupsFigures sluice = figures("Sluice", 3_000, 6_000, 4, 50_000);
    GroupsFigures kafka = figures("Kafka 4.1", 4_000, 5_000, 2, 200_000);

    String report = GroupsReport.format(sluice, kafka);

    assertThat(line(report, "rebalance: a 4th member joins"))
        .contains("3.00")
        .contains("4.00")
        .contains("0.75x")
        .contains("lower")
        .contains("<=1.00x")
        .endsWith("MET");
    assertThat(line(report, "rebalance: a member leaves"))
        .contains("6.00")
        .contains("5.00")
        .contains("1.20x")
        .endsWith("MISSED");
    assertThat(line(report, "offset commit latency p99")).contains("2.00x").contains("lower");
    assertThat(line(report, "offset commits/s")).contains("100").contains("1.00x");
    assertThat(line(report, "consume, 3 members"))
        .contains("50,000")
        .contains("200,000")
        .contains("0.25x")
        .contains("higher");
    assertThat(line(report, "consume: duplicate")).contains("12").contains("1.00x");
    assertThat(line(report, "rebalance: 3 members form")).doesNotContain("MET");
  }

  @Test
  void aFailedPhaseIsNotApplicableAndItsErrorIsPrinted() {
    GroupsFigures sluice = figures("Sluice", 3_000, 6_000, 4, 50_000);
    GroupsFigures kafka = new GroupsFigures("Kafka 4.1");
    kafka.error("set-up", new IOException("the Kafka cluster did not become ready"));

    String report = GroupsReport.format(sluice, kafka);

    assertThat(line(report, "rebalance: a 4th member joins")).contains("n/a").doesNotContain("MET");
    assertThat(report).contains("FAILED at set-up: the Kafka cluster did not become ready");
  }

  @Test
  void aRebalanceThatDidNotFinishHasNoTime() {
    GroupsFigures sluice = figures("Sluice", 3_000, 6_000, 4, 50_000);
    RebalanceAnalysis unfinished =
        RebalanceAnalysis.of(2, 1, 0, List.of(new OwnershipEvent(1, "a", Set.of(0))), List.of());
    sluice.rebalance = new RebalanceScenario.Result(over(500), unfinished, over(1_000), 0, 0, "");
    GroupsFigures kafka = figures("Kafka 4.1", 4_000, 5_000, 2, 200_000);

    String joined = line(GroupsReport.format(sluice, kafka), "rebalance: a 4th member joins");

    assertThat(joined.split("\\s{2,}")[1]).isEqualTo("n/a");
  }
}
