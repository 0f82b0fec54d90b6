package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.IdempotentProduce;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.storage.record.RecordBatch;

/**
 * The gateway producing an idempotent client's request: batches carry the producer id, epoch and
 * sequences the request gives, a partition's batches go in sequence order, every error a resend may
 * cure is retried with the same batch, and a request that could not keep its sequences is refused
 * whole.
 */
class IdempotentGatewayTest {
  private static final long PRODUCER = 77;

  @TempDir Path dataDir;
  private GatewayHarness harness;

  @BeforeEach
  void start() {
    harness = new GatewayHarness(dataDir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static ProduceRecord record(Integer partition, String value) {
    return new ProduceRecord(partition, null, value.getBytes(StandardCharsets.UTF_8), null, null);
  }

  private static List<ProduceRecord> records(int partition, int count, int size) {
    List<ProduceRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(record(partition, "v" + i + "-" + "x".repeat(size)));
    }
    return records;
  }

  private static IdempotentProduce sequences(Map<Integer, Integer> firstSequences) {
    return new IdempotentProduce(PRODUCER, (short) 3, firstSequences);
  }

  @Test
  void everyBatchCarriesTheProducerAndConsecutiveSequencesFromThePartitionsFirst() {
    harness.createTopic("idem", 2, Map.of("max.message.bytes", "2000"));
    List<ProduceRecord> records = new ArrayList<>(records(0, 12, 300));
    records.add(record(1, "one"));
    records.add(record(1, "two"));

    List<RecordResult> results =
        harness.produce("idem", records, Acks.ALL, sequences(Map.of(0, 40, 1, 0)));

    assertThat(results).allSatisfy(r -> assertThat(r.error()).isNull());
    List<RecordBatch> split = harness.leaders.batches("idem", 0);
    assertThat(split).hasSizeGreaterThan(1);
    int expected = 40;
    for (RecordBatch batch : split) {
      assertThat(batch.producerId()).isEqualTo(PRODUCER);
      assertThat(batch.producerEpoch()).isEqualTo((short) 3);
      assertThat(batch.baseSequence()).isEqualTo(expected);
      expected += batch.recordCount();
    }
    assertThat(expected).isEqualTo(52);
    assertThat(harness.leaders.batches("idem", 1))
        .singleElement()
        .satisfies(batch -> assertThat(batch.baseSequence()).isZero());
  }

  @Test
  void aLostAnswerIsResentWithTheSameBatchAndTheSplitBatchesStayInSequenceOrder() {
    harness.createTopic("resend", 1, Map.of("max.message.bytes", "2000"));
    harness.leaders.loseAnswersOfNext("resend-0", 1);

    List<RecordResult> results =
        harness.produce("resend", records(0, 12, 300), Acks.ALL, sequences(Map.of(0, 0)));

    assertThat(results).allSatisfy(r -> assertThat(r.error()).isNull());
    List<RecordBatch> log = harness.leaders.batches("resend", 0);
    // The first batch twice (a real leader would store it once), then the rest in order.
    assertThat(log.get(0).baseSequence()).isZero();
    assertThat(log.get(1).baseSequence()).isZero();
    assertThat(log.get(1).recordCount()).isEqualTo(log.get(0).recordCount());
    for (int i = 2; i < log.size(); i++) {
      assertThat(log.get(i).baseSequence())
          .isEqualTo(log.get(i - 1).baseSequence() + log.get(i - 1).recordCount());
    }
  }

  @Test
  void aPlainRequestsLostAnswerIsResentAsTheGatewaysOwnIdempotentBatch() {
    harness.createTopic("plain", 1);
    harness.leaders.loseAnswersOfNext("plain-0", 1);

    List<RecordResult> results = harness.produce("plain", records(0, 1, 1), Acks.ALL, null);

    assertThat(results.get(0).error()).isNull();
    List<RecordBatch> log = harness.leaders.batches("plain", 0);
    assertThat(log).hasSize(2); // the in-memory leaders store what a real leader would dedup
    assertThat(log.get(0).producerId()).isEqualTo(log.get(1).producerId()).isNotNegative();
    assertThat(log.get(0).baseSequence()).isEqualTo(log.get(1).baseSequence()).isZero();
  }

  @Test
  void aRecordWithoutAPartitionOrWithoutASequenceForItsPartitionRefusesTheWholeRequest() {
    harness.createTopic("named", 2);
    List<ProduceRecord> unnamed = List.of(record(0, "a"), record(null, "b"));
    List<ProduceRecord> unnumbered = List.of(record(0, "a"), record(1, "b"));

    List<RecordResult> first = harness.produce("named", unnamed, Acks.ALL, sequences(Map.of(0, 0)));
    List<RecordResult> second =
        harness.produce("named", unnumbered, Acks.ALL, sequences(Map.of(0, 0)));

    assertThat(first)
        .allSatisfy(r -> assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    assertThat(first.get(0).error().message()).contains("Record 1").contains("names no partition");
    assertThat(second.get(0).error().message()).contains("partition 1").contains("[0]");
    assertThat(harness.leaders.appends).hasValue(0);
  }

  @Test
  void aRecordRefusedInPlanningRefusesTheWholeIdempotentRequest() {
    harness.createTopic("tight", 1, Map.of("max.message.bytes", "500"));
    List<ProduceRecord> records = List.of(record(0, "fits"), record(0, "x".repeat(900)));

    List<RecordResult> results =
        harness.produce("tight", records, Acks.ALL, sequences(Map.of(0, 0)));

    assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    assertThat(results.get(0).error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(results.get(0).error().message()).contains("record 1").contains("whole");
    assertThat(harness.leaders.appends).hasValue(0);
  }
}
