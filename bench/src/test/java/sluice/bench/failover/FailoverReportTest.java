package sluice.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class FailoverReportTest {

  private static StallScenario.Result stall(double seconds, int lost) {
    long gap = (long) (seconds * 1e9);
    BitSet acked = new BitSet();
    acked.set(0, 10);
    long[] read = new long[10 - lost];
    for (int i = 0; i < read.length; i++) {
      read[i] = i;
    }
    return new StallScenario.Result(
        "node 1",
        2,
        gap / 2,
        StallAnalysis.of(new long[] {0, gap}, 1),
        DeliveryCheck.of(acked, read),
        10,
        0,
        null);
  }

  @Test
  void throughputIsOursOverKafkasAndAShorterStallWithoutLossMeetsTheTarget() {
    SystemFigures sluice = new SystemFigures("Sluice");
    SystemFigures kafka = new SystemFigures("Kafka");
    sluice.throughput("1", 50_000);
    kafka.throughput("1", 200_000);
    sluice.throughput("all", 30_000);
    kafka.throughput("all", 120_000);
    sluice.stall(stall(4.0, 0));
    kafka.stall(stall(8.0, 0));

    String table = FailoverReport.format(sluice, kafka);

    assertThat(table).containsPattern("acks=1, records/s\\s+50,000\\s+200,000\\s+0.25x");
    assertThat(table).containsPattern("acks=all, records/s\\s+30,000\\s+120,000\\s+0.25x");
    assertThat(table).containsPattern("leader, s\\s+4.00\\s+8.00\\s+0.50x\\s+<=1.00x\\s+MET");
    assertThat(table).containsPattern("records lost\\s+0\\s+0");
  }

  @Test
  void aLossOrALongerStallMissesTheTarget() {
    SystemFigures sluice = new SystemFigures("Sluice");
    SystemFigures kafka = new SystemFigures("Kafka");
    kafka.stall(stall(8.0, 0));

    sluice.stall(stall(2.0, 1));
    assertThat(FailoverReport.format(sluice, kafka)).contains("MISSED").contains("records lost  ");

    sluice.stall(stall(9.0, 0));
    assertThat(FailoverReport.format(sluice, kafka)).containsPattern("1.13x\\s+<=1.00x\\s+MISSED");
  }

  @Test
  void aMissingFigureIsNotApplicableAndTheFailureIsPrinted() {
    SystemFigures sluice = new SystemFigures("Sluice");
    SystemFigures kafka = new SystemFigures("Kafka");
    kafka.throughput("1", 100_000);
    sluice.error("stall", new IOException("no acknowledgement within PT2M of the kill"));

    String table = FailoverReport.format(sluice, kafka);

    assertThat(table).containsPattern("acks=1, records/s\\s+n/a\\s+100,000\\s+n/a");
    assertThat(table).contains("Sluice failed at stall: no acknowledgement within PT2M");
  }
}
