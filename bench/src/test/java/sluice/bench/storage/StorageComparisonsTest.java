package sluice.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.bench.report.BenchmarkScore;
import sluice.bench.report.Comparison;

class StorageComparisonsTest {

  private static BenchmarkScore score(String name, Map<String, String> params, double score) {
    return new BenchmarkScore(name, params, score, Double.NaN);
  }

  @Test
  void appendIsJudgedAgainstRawAndKafkaAndReadAgainstKafkaPerParameterSet() {
    Map<String, String> seg = Map.of("segmentBytes", "268435456");
    Map<String, String> small = Map.of("logBytes", "268435456", "maxBytes", "16384");
    Map<String, String> large = Map.of("logBytes", "268435456", "maxBytes", "1048576");
    List<BenchmarkScore> scores =
        List.of(
            score("SegmentAppendBenchmark.sluicePartitionLog", seg, 45_000),
            score("SegmentAppendBenchmark.rawFileChannel", seg, 50_000),
            score("SegmentAppendBenchmark.kafkaLogSegment", seg, 40_000),
            score("SegmentReadBenchmark.sluicePartitionLog", small, 30_000),
            score("SegmentReadBenchmark.kafkaLogSegment", small, 40_000),
            score("SegmentReadBenchmark.sluicePartitionLog", large, 1_100),
            score("SegmentReadBenchmark.kafkaLogSegment", large, 1_000));

    List<Comparison> rows = StorageComparisons.of(scores, 16_000);

    assertThat(rows).hasSize(5);
    Comparison vsRaw = rows.get(0);
    assertThat(vsRaw.name()).isEqualTo("append 16 KiB batches (segmentBytes=256 MiB)");
    assertThat(vsRaw.anchor()).contains("raw");
    assertThat(vsRaw.subjectScore()).isCloseTo(720.0, within(1e-9)); // 45,000 x 16,000 B
    assertThat(vsRaw.ratio()).isCloseTo(0.9, within(1e-9));
    assertThat(vsRaw.verdict()).isEqualTo("MET");
    assertThat(rows.get(1).anchor()).contains("Kafka");
    assertThat(rows.get(1).ratio()).isCloseTo(1.125, within(1e-9));
    assertThat(rows.get(2).verdict()).isEqualTo("-");
    assertThat(rows.get(3).name()).isEqualTo("read (logBytes=256 MiB, maxBytes=16 KiB)");
    assertThat(rows.get(3).verdict()).isEqualTo("MISSED");
    assertThat(rows.get(4).name()).endsWith("maxBytes=1 MiB)");
    assertThat(rows.get(4).ratio()).isCloseTo(1.1, within(1e-9));
  }

  @Test
  void aContenderThatDidNotRunLeavesItsComparisonsOut() {
    List<BenchmarkScore> scores =
        List.of(
            score("SegmentAppendBenchmark.rawFileChannel", Map.of(), 50_000),
            score("SegmentAppendBenchmark.kafkaLogSegment", Map.of(), 40_000));

    List<Comparison> rows = StorageComparisons.of(scores, 16_000);

    assertThat(rows).singleElement().satisfies(c -> assertThat(c.subject()).contains("Kafka"));
  }
}
