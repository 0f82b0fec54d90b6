package sluice.bench.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.bench.report.BenchmarkScore;
import sluice.bench.report.Comparison;
import sluice.bench.storage.KafkaBatch;

class LeaderBenchTest {

  @TempDir Path dir;

  @Test
  void theBenchmarksBrokerStartsALeaderThatAssignsConsecutiveOffsets() throws Exception {
    PartitionLeaderBenchmark.Broker state = new PartitionLeaderBenchmark.Broker();
    try (OneNodeBroker broker = OneNodeBroker.start(dir)) {
      broker.createTopic("t", 1, Map.of());
      state.leader = broker.leader("t", 0);
      state.batch = KafkaBatch.build(1L, 0L).bytes();
      int records = KafkaBatch.build(1L, 0L).recordCount();

      assertThat(PartitionLeaderBenchmark.append(state)).isZero();
      assertThat(PartitionLeaderBenchmark.append(state)).isEqualTo(records);
    }
  }

  @Test
  void theLeaderIsJudgedAgainstTheStorageOnlyAppendOfTheSameSegmentSize() {
    Map<String, String> params = Map.of("segmentBytes", "268435456");
    List<BenchmarkScore> scores =
        List.of(
            new BenchmarkScore("PartitionLeaderBenchmark.appendAcks1", params, 6_000, 1),
            new BenchmarkScore("PartitionLeaderBenchmark.appendAcks1Pipelined", params, 9_000, 1),
            new BenchmarkScore("SegmentAppendBenchmark.sluicePartitionLog", params, 10_000, 1),
            new BenchmarkScore(
                "SegmentAppendBenchmark.sluicePartitionLog",
                Map.of("segmentBytes", "1073741824"),
                50_000,
                1));

    List<Comparison> rows = LeaderBenchRunner.comparisons(scores, 148);

    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).name())
        .isEqualTo("append acks=1, 8 producers, 1 in flight each (segmentBytes=256 MiB)");
    assertThat(rows.get(0).subjectScore()).isEqualTo(888_000.0);
    assertThat(rows.get(0).ratio()).isCloseTo(0.6, within(1e-9));
    assertThat(rows.get(0).verdict()).isEqualTo("MET");
    assertThat(rows.get(1).name())
        .isEqualTo("append acks=1, 8 producers, 5 in flight each (segmentBytes=256 MiB)");
    assertThat(rows.get(1).ratio()).isCloseTo(0.9, within(1e-9));
  }
}
