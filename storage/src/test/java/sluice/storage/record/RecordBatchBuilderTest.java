package sluice.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBatchBuilderTest {
  @Test
  void explicitOffsetsLeaveGapsAndLastOffsetExtendsTheRange() {
    RecordBatch batch =
        RecordBatch.wrap(
            new RecordBatchBuilder(CompressionType.NONE, 10)
                .appendWithOffset(12, 5, new byte[] {1}, null, List.of())
                .appendWithOffset(15, 6, new byte[] {2}, null, List.of())
                .lastOffset(19)
                .build());
    batch.ensureValid();
    assertThat(batch.records()).extracting(Record::offset).containsExactly(12L, 15L);
    assertThat(batch.lastOffset()).isEqualTo(19);
    assertThat(batch.recordCount()).isEqualTo(2);
  }

  @Test
  void anEmptyBatchNeedsAnExplicitLastOffsetAndKeepsTheBaseTimestampGiven() {
    assertThatThrownBy(() -> new RecordBatchBuilder(CompressionType.NONE, 0).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without records");
    RecordBatch empty =
        RecordBatch.wrap(
            new RecordBatchBuilder(CompressionType.GZIP, 20, 777).lastOffset(24).build());
    empty.ensureValid();
    assertThat(empty.records()).isEmpty();
    assertThat(empty.baseOffset()).isEqualTo(20);
    assertThat(empty.lastOffset()).isEqualTo(24);
    assertThat(empty.baseTimestamp()).isEqualTo(777);
    assertThat(empty.maxTimestamp()).isEqualTo(-1);
  }

  @Test
  void aFixedBaseTimestampStoresNegativeDeltas() {
    RecordBatch batch =
        RecordBatch.wrap(
            new RecordBatchBuilder(CompressionType.NONE, 0, 5_000)
                .append(4_000, null, null, List.of())
                .append(6_000, null, null, List.of())
                .build());
    assertThat(batch.baseTimestamp()).isEqualTo(5_000);
    assertThat(batch.records()).extracting(Record::timestamp).containsExactly(4_000L, 6_000L);
  }

  @Test
  void theSizeWithARecordIsTheSizeOfTheBatchOnceItIsAppended() {
    // Varied deltas (negative, one byte, several bytes), nulls, headers and a first record whose
    // timestamp becomes the base.
    long[] timestamps = {1_000, 1_000, 999, 1_000_000, 5};
    byte[][] values = {null, new byte[0], new byte[200], new byte[70_000], {1}};
    List<Header> headers = List.of(new Header("trace-é", new byte[3]), new Header("n", null));
    RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE, 7);
    for (int i = 0; i < timestamps.length; i++) {
      byte[] key = i % 2 == 0 ? null : new byte[i * 100];
      List<Header> recordHeaders = i % 2 == 0 ? List.of() : headers;
      long predicted = builder.uncompressedSizeWith(timestamps[i], key, values[i], recordHeaders);
      builder.append(timestamps[i], key, values[i], recordHeaders);
      assertThat(predicted).as("record %d", i).isEqualTo(builder.uncompressedSizeInBytes());
    }
    assertThat(builder.build().remaining()).isEqualTo(builder.uncompressedSizeInBytes());
  }

  @Test
  void offsetsMustIncreaseWithinTheBatchRange() {
    RecordBatchBuilder builder =
        new RecordBatchBuilder(CompressionType.NONE, 10)
            .appendWithOffset(11, 0, null, null, List.of());
    assertThatThrownBy(() -> builder.appendWithOffset(11, 0, null, null, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Offset 11 must be above the last appended offset 11");
    assertThatThrownBy(() -> builder.appendWithOffset(9, 0, null, null, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Offset 9");
    assertThatThrownBy(() -> builder.lastOffset(10L + Integer.MAX_VALUE + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the batch's range");
    assertThatThrownBy(() -> new RecordBatchBuilder(CompressionType.NONE, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void negativeTimestampsOtherThanMinusOneAreRejected() {
    assertThatThrownBy(
            () -> new RecordBatchBuilder(CompressionType.NONE, 0).append(-2, null, null, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid timestamp -2");
  }

  @Test
  void aBuilderIsSingleUse() {
    RecordBatchBuilder builder =
        new RecordBatchBuilder(CompressionType.NONE, 0).append(1, null, null, List.of());
    builder.build();
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.append(1, null, null, List.of()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void recordsLargerThanTheInitialBufferGrowIt() {
    byte[] big = new byte[100_000];
    big[99_999] = 7;
    RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE, 0);
    for (int i = 0; i < 5; i++) {
      builder.append(i, null, big, List.of());
    }
    assertThat(builder.uncompressedSizeInBytes()).isGreaterThan(500_000);
    ByteBuffer built = builder.build();
    assertThat(built.position()).isZero();
    assertThat(built.remaining()).isEqualTo(builder.uncompressedSizeInBytes());
    RecordBatch batch = RecordBatch.wrap(built);
    batch.ensureValid();
    assertThat(batch.records()).allSatisfy(r -> assertThat(r.value()).isEqualTo(big));
  }
}
