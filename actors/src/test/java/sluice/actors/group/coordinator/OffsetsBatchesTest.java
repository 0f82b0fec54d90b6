package sluice.actors.group.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;

class OffsetsBatchesTest {
  private static final GroupRecord COMMIT =
      new GroupRecord(
          new RecordKey.OffsetCommit("g", "orders", 3),
          new RecordValue.OffsetCommit(42, 1, "m", 7));
  private static final GroupRecord DELETED =
      GroupRecord.tombstone(new RecordKey.OffsetCommit("g", "orders", 4));

  @Test
  void aDecisionIsOneBatchStampedWithTheLeaderEpochAndDecodesBackFromAnyOffset() {
    byte[] bytes = OffsetsBatches.encode(List.of(COMMIT, DELETED), 5, 1_000);
    RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
    assertThat(batch.partitionLeaderEpoch()).isEqualTo(5);
    assertThat(batch.recordCount()).isEqualTo(2);
    assertThat(batch.records().get(1).value()).as("a tombstone has no value").isNull();

    batch.setBaseOffset(10);
    assertThat(OffsetsBatches.decode(bytes, 10))
        .isEqualTo(new OffsetsBatches.Read(List.of(COMMIT, DELETED), 12));
    assertThat(OffsetsBatches.decode(bytes, 11))
        .isEqualTo(new OffsetsBatches.Read(List.of(DELETED), 12));
    assertThat(OffsetsBatches.decode(new byte[0], 12))
        .isEqualTo(new OffsetsBatches.Read(List.of(), 12));
  }

  @Test
  void aDamagedBatchIsRefusedBeforeAnyRecordIsDecoded() {
    byte[] bytes = OffsetsBatches.encode(List.of(COMMIT), 0, 1_000);
    bytes[bytes.length - 1] ^= 1;
    assertThatThrownBy(() -> OffsetsBatches.decode(bytes, 0))
        .isInstanceOf(CorruptRecordException.class);
  }
}
