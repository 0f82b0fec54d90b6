package sluice.bench.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.bench.report.BenchmarkScore;
import sluice.bench.report.Comparison;
import sluice.bench.storage.KafkaBatch;
import sluice.storage.record.RecordBatch;

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
      PartitionLeaderBenchmark.Producer plain = new PartitionLeaderBenchmark.Producer();
      plain.setUp(state);
      state.idempotent = true;
      PartitionLeaderBenchmark.Producer idempotent = new PartitionLeaderBenchmark.Producer();
      idempotent.setUp(state);

      assertThat(PartitionLeaderBenchmark.append(state, plain)).isZero();
      assertThat(PartitionLeaderBenchmark.append(state, idempotent)).isEqualTo(records);
      assertThat(PartitionLeaderBenchmark.append(state, idempotent)).isEqualTo(2L * records);
      assertThat(PartitionLeaderBenchmark.append(state, plain)).isEqualTo(3L * records);
    }
  }

  @Test
  void anIdempotentProducersBatchesFollowOneAnother() {
    PartitionLeaderBenchmark.Broker state = new PartitionLeaderBenchmark.Broker();
    state.idempotent = true;
    PartitionLeaderBenchmark.Producer producer = new PartitionLeaderBenchmark.Producer();
    producer.setUp(state);
    byte[] template = KafkaBatch.build(1L, 0L).bytes();

    RecordBatch first = RecordBatch.wrap(ByteBuffer.wrap(producer.next(template)));
    RecordBatch second = RecordBatch.wrap(ByteBuffer.wrap(producer.next(template)));

    assertThat(first.producerId()).isEqualTo(second.producerId()).isPositive();
    assertThat(first.baseSequence()).isZero();
    assertThat(second.baseSequence()).isEqualTo(first.recordCount());
    assertThat(second.isValid()).isTrue();
  }

  @Test
  void theLeaderIsJudgedAgainstTheStorageOnlyAppendOfTheSameSegmentSize() {
    Map<String, String> params = Map.of("segmentBytes", "268435456", "idempotent", "false");
    Map<String, String> idempotent = Map.of("segmentBytes", "268435456", "idempotent", "true");
    List<BenchmarkScore> scores =
        List.of(
            new BenchmarkScore("PartitionLeaderBenchmark.appendAcks1", params, 6_000, 1),
            new BenchmarkScore("PartitionLeaderBenchmark.appendAcks1Pipelined", params, 9_000, 1),
            new BenchmarkScore("PartitionLeaderBenchmark.appendAcks1", idempotent, 5_820, 1),
            new BenchmarkScore(
                "SegmentAppendBenchmark.sluicePartitionLog",
                Map.of("segmentBytes", "268435456"),
                10_000,
                1),
            new BenchmarkScore(
                "SegmentAppendBenchmark.sluicePartitionLog",
                Map.of("segmentBytes", "1073741824"),
                50_000,
                1));

    List<Comparison> rows = LeaderBenchRunner.comparisons(scores, 148);

    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).name())
        .isEqualTo("append acks=1, 8 producers, 1 in flight each (segmentBytes=256 MiB)");
    assertThat(rows.get(0).subjectScore()).isEqualTo(888_000.0);
    assertThat(rows.get(0).ratio()).isCloseTo(0.6, within(1e-9));
    assertThat(rows.get(0).verdict()).isEqualTo("MET");
    assertThat(rows.get(1).name())
        .isEqualTo("append acks=1, 8 producers, 5 in flight each (segmentBytes=256 MiB)");
    assertThat(rows.get(1).ratio()).isCloseTo(0.9, within(1e-9));
    assertThat(rows.get(2).name())
        .isEqualTo(
            "append acks=1, 8 producers, 1 in flight each (segmentBytes=256 MiB), idempotent"
                + " producers");
    assertThat(rows.get(2).ratio()).isCloseTo(0.97, within(1e-9));
    assertThat(rows.get(2).verdict()).isEqualTo("MET");
  }
}
