package sluice.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.record.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.storage.log.FetchSlice;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

/** The storage benchmarks are only a comparison if every contender stores and serves the same. */
class SameBytesTest {

  @TempDir Path dir;

  @Test
  void sluiceAndKafkaStoreTheBenchmarkBatchesIdenticallyAndServeTheSameFetch() throws IOException {
    KafkaBatch batch = KafkaBatch.build(5L, 1_700_000_000_000L);
    try (PartitionLog sluice =
            PartitionLog.open(
                dir.resolve("sluice"),
                LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, Integer.toString(1 << 20))),
                Clock.systemUTC());
        KafkaSegmentLog kafka = new KafkaSegmentLog(dir.resolve("kafka").toFile(), 1 << 20, 2)) {
      RecordBatch sluiceBatch = RecordBatch.wrap(ByteBuffer.wrap(batch.bytes()));
      MemoryRecords kafkaBatch = MemoryRecords.readableRecords(ByteBuffer.wrap(batch.bytes()));
      for (int i = 0; i < 5; i++) {
        sluiceBatch.setBaseOffset(sluice.logEndOffset());
        sluiceBatch.ensureValid();
        sluice.append(sluiceBatch);
        kafka.append(kafkaBatch);
      }
      assertThat(sluice.logEndOffset()).isEqualTo(kafka.logEndOffset());

      long offset = 2L * batch.recordCount() + 7;
      FetchSlice slice = sluice.read(offset, 2 * batch.sizeInBytes(), sluice.logEndOffset());
      ByteBuffer fromKafka = ByteBuffer.allocate(4 * KafkaBatch.BATCH_BYTES);
      kafka.read(offset, 2 * batch.sizeInBytes(), fromKafka);

      assertThat(slice.sizeInBytes()).isEqualTo(2 * batch.sizeInBytes());
      assertThat(slice.readFully()).isEqualTo(fromKafka);
    }
  }
}
