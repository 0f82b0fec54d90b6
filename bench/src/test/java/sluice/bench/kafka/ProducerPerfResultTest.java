package sluice.bench.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProducerPerfResultTest {

  @Test
  void theSummaryLineIsParsedAndWindowLinesAreIgnored() {
    List<String> output =
        List.of(
            "1238110 records sent, 247622.0 records/sec (23.62 MB/sec), 100.2 ms avg latency,"
                + " 330.0 ms max latency.",
            "2000000 records sent, 251762.3 records/sec (24.01 MB/sec), 95.10 ms avg latency,"
                + " 321.00 ms max latency, 89 ms 50th, 210 ms 95th, 280 ms 99th, 310 ms 99.9th.");

    ProducerPerfResult r = ProducerPerfResult.parse(output).orElseThrow();

    assertThat(r.records()).isEqualTo(2_000_000L);
    assertThat(r.recordsPerSecond()).isEqualTo(251762.3);
    assertThat(r.mebibytesPerSecond()).isEqualTo(24.01);
    assertThat(r.megabytesPerSecond()).isCloseTo(25.176, within(0.001));
    assertThat(r.avgLatencyMs()).isEqualTo(95.10);
    assertThat(r.maxLatencyMs()).isEqualTo(321.0);
    assertThat(List.of(r.p50Ms(), r.p95Ms(), r.p99Ms(), r.p999Ms()))
        .containsExactly(89L, 210L, 280L, 310L);
  }

  @Test
  void outputWithoutASummaryParsesToNothing() {
    assertThat(ProducerPerfResult.parse(List.of("Exception in thread main", ""))).isEmpty();
  }
}
