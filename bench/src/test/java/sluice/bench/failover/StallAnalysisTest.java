package sluice.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StallAnalysisTest {

  private static final long MS = 1_000_000L;

  @Test
  void theStallIsTheLongestGapEndingAfterTheKillWhateverTheRecordingOrder() {
    // Acks every 10 ms; kill at 45 ms; one in-flight ack lands at 50 ms; then nothing until
    // 8,050 ms, then every 10 ms again.
    long[] acks = {8_060 * MS, 10 * MS, 50 * MS, 20 * MS, 8_050 * MS, 30 * MS, 40 * MS, 8_070 * MS};

    StallAnalysis stall = StallAnalysis.of(acks, 45 * MS);

    assertThat(stall.acks()).isEqualTo(8);
    assertThat(stall.stallNanos()).isEqualTo(8_000 * MS);
    assertThat(stall.stallStartNanos()).isEqualTo(50 * MS);
    assertThat(stall.stallEndNanos()).isEqualTo(8_050 * MS);
    assertThat(stall.stallSeconds()).isEqualTo(8.0);
    assertThat(stall.stallStartAfterKillSeconds()).isEqualTo(0.005);
    assertThat(stall.baselineNanos()).isEqualTo(10 * MS);
    assertThat(stall.killToFirstAckNanos()).isEqualTo(5 * MS);
  }

  @Test
  void aLongerGapBeforeTheKillIsTheBaselineNotTheStall() {
    long[] acks = {0, 5_000 * MS, 5_010 * MS, 5_500 * MS, 5_510 * MS};

    StallAnalysis stall = StallAnalysis.of(acks, 5_100 * MS);

    assertThat(stall.stallNanos()).isEqualTo(490 * MS);
    assertThat(stall.baselineNanos()).isEqualTo(5_000 * MS);
    assertThat(stall.killToFirstAckNanos()).isEqualTo(400 * MS);
  }

  @Test
  void withNoAcknowledgementAfterTheKillThereIsNoStallFigure() {
    StallAnalysis stall = StallAnalysis.of(new long[] {10 * MS, 20 * MS}, 30 * MS);

    assertThat(stall.stallNanos()).isZero();
    assertThat(stall.killToFirstAckNanos()).isEqualTo(-1);
    assertThat(stall.killToFirstAckSeconds()).isNaN();
    assertThat(StallAnalysis.of(new long[0], 0).stallNanos()).isZero();
  }

  @Test
  void anAcknowledgementAtTheKillInstantCountsAsTheFirstAfterIt() {
    StallAnalysis stall =
        StallAnalysis.of(new long[] {10 * MS, 30 * MS, 30 * MS, 40 * MS}, 30 * MS);

    assertThat(stall.killToFirstAckNanos()).isZero();
    assertThat(stall.stallNanos()).isEqualTo(10 * MS);
  }
}
