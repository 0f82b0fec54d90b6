package sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

/**
 * How a fetch answer is cut to the request's limits: whole batches only, the first partition with
 * data always gets its first batch, later ones only what fits.
 */
class FetchAnswersTest {
  private static final byte[] A = KafkaCodecTest.batch(0L, "aaaaaaaaaa", "bbbbbbbbbb");
  private static final byte[] B = KafkaCodecTest.batch(2L, "cccccccccc");
  private static final byte[] C = KafkaCodecTest.batch(3L, "dddddddddd", "eeeeeeeeee");
  private static final byte[] ABC = concat(A, B, C);

  @Test
  void wholeBatchesWithinTheLimitAreKept() {
    assertThat(baseOffsets(FetchAnswers.wholeBatches(ABC, A.length + B.length, false)))
        .containsExactly(0L, 2L);
    assertThat(FetchAnswers.wholeBatches(ABC, ABC.length, false)).isSameAs(ABC);
  }

  @Test
  void aFirstBatchOverTheLimitIsKeptOnlyWhenOneIsOwed() {
    assertThat(baseOffsets(FetchAnswers.wholeBatches(ABC, 10, true))).containsExactly(0L);
    assertThat(FetchAnswers.wholeBatches(ABC, 10, false)).isEmpty();
  }

  @Test
  void aTruncatedLastBatchIsDropped() {
    byte[] torn = java.util.Arrays.copyOf(ABC, ABC.length - 3);

    assertThat(baseOffsets(FetchAnswers.wholeBatches(torn, Integer.MAX_VALUE, true)))
        .containsExactly(0L, 2L);
  }

  @Test
  void theRequestBudgetIsSharedInOrderAndOnlyTheFirstPartitionWithDataGetsAnOversizedBatch() {
    FetchAnswers.Budget budget = new FetchAnswers.Budget(A.length + 5);

    assertThat(budget.take(new byte[0], 1 << 20)).isEmpty();
    assertThat(baseOffsets(budget.take(ABC, 1 << 20))).containsExactly(0L);
    // Five bytes left: the next partition's batch does not fit and is not owed.
    assertThat(budget.take(B, 1 << 20)).isEmpty();
  }

  @Test
  void thePartitionLimitCutsEvenWhenTheRequestHasRoom() {
    FetchAnswers.Budget budget = new FetchAnswers.Budget(1 << 20);

    assertThat(baseOffsets(budget.take(ABC, 1))).containsExactly(0L);
    assertThat(baseOffsets(budget.take(ABC, A.length + B.length))).containsExactly(0L, 2L);
  }

  @Test
  void listOffsetsReadsTheRecordTimestampAndTheBatchEpoch() {
    MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(ABC));

    assertThat(ListOffsetsApi.find(records, 4L, true))
        .isEqualTo(new ListOffsetsApi.Found(4L, 1_700_000_000_001L, 6));
    assertThat(ListOffsetsApi.find(records, 2L, false))
        .isEqualTo(new ListOffsetsApi.Found(2L, -1L, 6));
    assertThat(ListOffsetsApi.find(records, 9L, true))
        .isEqualTo(new ListOffsetsApi.Found(9L, -1L, RecordBatch.NO_PARTITION_LEADER_EPOCH));
  }

  private static List<Long> baseOffsets(byte[] batches) {
    List<Long> offsets = new ArrayList<>();
    MemoryRecords.readableRecords(ByteBuffer.wrap(batches))
        .batches()
        .forEach(b -> offsets.add(b.baseOffset()));
    return offsets;
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer all =
        ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] part : parts) {
      all.put(part);
    }
    return all.array();
  }
}
