package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ApiError;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordHeader;
import sluice.storage.record.RecordBatch;

class ProducePlanTest {
  /** Kafka's default max.message.bytes. */
  private static final int MAX = 1_048_588;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ProduceRecord at(int partition, String value, Long timestamp) {
    return new ProduceRecord(partition, null, utf8(value), List.of(), timestamp);
  }

  @Test
  void recordsGroupIntoOneBatchPerPartitionInRequestOrder() {
    var choice = new Partitioner(new Random(1)).startRequest("t", 3);
    var records =
        List.of(at(2, "a", 5L), at(0, "b", 6L), at(2, "c", null), at(0, "d", 7L), at(2, "e", 8L));
    ProducePlan plan = ProducePlan.plan("t", choice, records, 1000L, MAX);

    assertThat(plan.rejected()).isEmpty();
    assertThat(plan.batches())
        .extracting(ProducePlan.PartitionBatch::partition)
        .containsExactly(2, 0);
    var first = plan.batches().get(0);
    assertThat(first.indexes()).containsExactly(0, 2, 4);
    assertThat(first.timestamps()).containsExactly(5L, 1000L, 8L);
    RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(first.batch()));
    batch.ensureValid();
    assertThat(batch.baseOffset()).isZero();
    assertThat(batch.recordCount()).isEqualTo(3);
  }

  @Test
  void recordsForMissingPartitionsOrWithNegativeTimestampsAreRejectedAlone() {
    var choice = new Partitioner(new Random(1)).startRequest("t", 2);
    var records =
        List.of(at(0, "ok", null), at(5, "bad", null), at(-1, "bad", null), at(1, "x", -7L));
    ProducePlan plan = ProducePlan.plan("t", choice, records, 1L, MAX);

    assertThat(plan.batches()).hasSize(1);
    assertThat(plan.rejected().get(1).code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(plan.rejected().get(1).message()).contains("Partition 5", "'t'", "0 to 1");
    assertThat(plan.rejected().get(2).message()).contains("Partition -1");
    assertThat(plan.rejected().get(3).code()).isEqualTo(ErrorCode.INVALID_TIMESTAMP);
    assertThat(plan.rejected().get(3).message()).contains("-7");
    var results = plan.newResults(4);
    assertThat(results[0]).isNull();
    assertThat(results[1].error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(results[1].offset()).isEqualTo(-1L);
  }

  private static ProduceRecord sized(int partition, int valueBytes) {
    return new ProduceRecord(partition, null, new byte[valueBytes], List.of(), 5L);
  }

  @Test
  void aPartitionsRecordsOverMaxMessageBytesSplitIntoConsecutiveBatchesThatEachFit() {
    var choice = new Partitioner(new Random(1)).startRequest("t", 2);
    List<ProduceRecord> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      records.add(sized(i % 4 == 3 ? 1 : 0, 300));
    }
    ProducePlan plan = ProducePlan.plan("t", choice, records, 0L, 2_000);

    assertThat(plan.rejected()).isEmpty();
    List<Integer> partition0 = new ArrayList<>();
    for (ProducePlan.PartitionBatch batch : plan.batches()) {
      assertThat(batch.batch().length).isLessThanOrEqualTo(2_000);
      RecordBatch decoded = RecordBatch.wrap(ByteBuffer.wrap(batch.batch()));
      decoded.ensureValid();
      assertThat(decoded.recordCount()).isEqualTo(batch.indexes().length);
      if (batch.partition() == 0) {
        Arrays.stream(batch.indexes()).forEach(partition0::add);
        // Full batches: the next record would not have fitted.
        assertThat(batch.batch().length).isGreaterThan(2_000 - 320);
      }
    }
    // Partition 0's 30 records in several batches, next to each other and in request order.
    assertThat(plan.batches())
        .extracting(ProducePlan.PartitionBatch::partition)
        .containsExactly(0, 0, 0, 0, 0, 1, 1);
    assertThat(partition0)
        .isEqualTo(IntStream.range(0, 40).filter(i -> i % 4 != 3).boxed().toList());
  }

  @Test
  void aRecordTooLargeForABatchOfItsOwnIsRefusedAloneNamingTheSizeThePartitionAndTheLimit() {
    var choice = new Partitioner(new Random(1)).startRequest("t", 1);
    ProducePlan plan =
        ProducePlan.plan(
            "t", choice, List.of(sized(0, 100), sized(0, 5_000), sized(0, 100)), 0L, 2_000);

    ApiError refused = plan.rejected().get(1);
    assertThat(plan.rejected()).containsOnlyKeys(1);
    assertThat(refused.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    // The leader's words: the batch's size, the partition, the limit.
    assertThat(refused.message())
        .isEqualTo("The batch of 5070 bytes for t-0 exceeds max.message.bytes=2000");
    assertThat(plan.batches()).hasSize(1);
    assertThat(plan.batches().get(0).indexes()).containsExactly(0, 2);
  }

  @Test
  void aPlannedBatchDecodesBackIntoTheSameRecordsOnceTheLeaderAssignsOffsets() {
    var choice = new Partitioner(new Random(1)).startRequest("t", 1);
    var header = new RecordHeader("h", utf8("v"));
    var nullHeader = new RecordHeader("n", null);
    var records =
        List.of(
            new ProduceRecord(null, utf8("k1"), utf8("v1"), List.of(header, nullHeader), 100L),
            new ProduceRecord(null, null, null, null, 101L),
            new ProduceRecord(null, utf8("k3"), utf8("v3"), null, 102L));
    ProducePlan plan = ProducePlan.plan("t", choice, records, 0L, MAX);
    byte[] bytes = plan.batches().get(0).batch();
    RecordBatch.wrap(ByteBuffer.wrap(bytes)).setBaseOffset(40);

    List<ConsumedRecord> all = BatchDecoder.decode("t", 0, bytes, 40);
    assertThat(all).extracting(ConsumedRecord::offset).containsExactly(40L, 41L, 42L);
    ConsumedRecord first = all.get(0);
    assertThat(first.topic()).isEqualTo("t");
    assertThat(first.timestamp()).isEqualTo(100L);
    assertThat(first.logAppendTime()).isFalse();
    assertThat(first.key()).isEqualTo(utf8("k1"));
    assertThat(first.value()).isEqualTo(utf8("v1"));
    assertThat(first.headers()).hasSize(2);
    assertThat(first.headers().get(0).value()).isEqualTo(utf8("v"));
    assertThat(first.headers().get(1).value()).isNull();
    assertThat(all.get(1).key()).isNull();
    assertThat(all.get(1).value()).isNull();

    assertThat(BatchDecoder.decode("t", 0, bytes, 42))
        .extracting(ConsumedRecord::offset)
        .containsExactly(42L);
    assertThat(BatchDecoder.decode("t", 0, bytes, 43)).isEmpty();
    assertThat(BatchDecoder.decode("t", 0, new byte[0], 0)).isEmpty();
  }

  @Test
  void logAppendTimeBatchesReportTheBrokersTime() {
    var choice = new Partitioner(new Random(1)).startRequest("t", 1);
    ProducePlan plan =
        ProducePlan.plan("t", choice, List.of(at(0, "a", 5L), at(0, "b", 6L)), 0L, MAX);
    byte[] bytes = plan.batches().get(0).batch();
    RecordBatch.wrap(ByteBuffer.wrap(bytes)).setLogAppendTime(777L);
    assertThat(BatchDecoder.decode("t", 0, bytes, 0))
        .allSatisfy(
            r -> {
              assertThat(r.logAppendTime()).isTrue();
              assertThat(r.timestamp()).isEqualTo(777L);
            });
  }
}
