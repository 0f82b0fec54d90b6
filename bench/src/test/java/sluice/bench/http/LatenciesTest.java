package sluice.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void percentilesAreNearestRankOverAllMergedSamples() {
    Latencies a = new Latencies();
    Latencies b = new Latencies();
    for (int ms = 1; ms <= 50; ms++) {
      a.record(ms * 1_000_000L);
    }
    for (int ms = 51; ms <= 2000; ms++) {
      b.record(ms * 1_000_000L);
    }
    a.merge(b);

    assertThat(a.count()).isEqualTo(2000);
    assertThat(a.percentileMillis(50)).isEqualTo(1000.0);
    assertThat(a.percentileMillis(99)).isEqualTo(1980.0);
    assertThat(a.percentileMillis(100)).isEqualTo(2000.0);
  }

  @Test
  void noSamplesGiveNanAndBadInputIsRejected() {
    Latencies empty = new Latencies();

    assertThat(empty.percentileMillis(50)).isNaN();
    assertThatThrownBy(() -> empty.percentileMillis(0)).hasMessageContaining("got 0.0");
    assertThatThrownBy(() -> empty.record(-5)).hasMessageContaining("-5");
  }
}
