package sluice.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.Test;

class KafkaBatchTest {

  @Test
  void theBatchIsAValidKafkaV2BatchOfHundredByteValuesFillingSixteenKibibytes() {
    KafkaBatch batch = KafkaBatch.build(1L, 1_700_000_000_000L);

    MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(batch.bytes()));
    MutableRecordBatch only = records.batches().iterator().next();
    only.ensureValid();
    assertThat(only.magic()).isEqualTo((byte) 2);
    assertThat(only.baseOffset()).isZero();
    assertThat(only.countOrNull()).isEqualTo(batch.recordCount());
    assertThat(batch.sizeInBytes()).isLessThanOrEqualTo(KafkaBatch.BATCH_BYTES);
    int roomForOneMore = 100 + 10;
    assertThat(batch.sizeInBytes()).isGreaterThan(KafkaBatch.BATCH_BYTES - roomForOneMore);
    for (Record r : only) {
      assertThat(r.valueSize()).isEqualTo(KafkaBatch.VALUE_BYTES);
      assertThat(r.hasKey()).isFalse();
    }
  }

  @Test
  void bytesReturnsAFreshCopyEachTime() {
    KafkaBatch batch = KafkaBatch.build(1L, 0L);
    byte[] first = batch.bytes();
    first[0] = 99;

    assertThat(batch.bytes()[0]).isNotEqualTo((byte) 99);
  }
}
