package sluice.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSegmentLogTest {

  private static final int MIB = 1024 * 1024;

  @TempDir Path dir;

  @Test
  void appendedBatchesGetConsecutiveOffsetsAndReadBackFromTheBatchHoldingTheOffset()
      throws IOException {
    KafkaBatch batch = KafkaBatch.build(3L, 0L);
    int n = batch.recordCount();
    try (KafkaSegmentLog log = new KafkaSegmentLog(dir.toFile(), MIB, 2)) {
      MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(batch.bytes()));
      assertThat(log.append(records)).isZero();
      assertThat(log.append(records)).isEqualTo(n);
      assertThat(log.append(records)).isEqualTo(2L * n);

      ByteBuffer into = ByteBuffer.allocate(4 * KafkaBatch.BATCH_BYTES);
      int read = log.read(n + 5, batch.sizeInBytes(), into);

      assertThat(read).isEqualTo(batch.sizeInBytes());
      MutableRecordBatch fetched = MemoryRecords.readableRecords(into).batches().iterator().next();
      fetched.ensureValid();
      assertThat(fetched.baseOffset()).isEqualTo(n);
      assertThat(fetched.lastOffset()).isEqualTo(2L * n - 1);
    }
  }

  @Test
  void segmentsRollAtSegmentBytesAndOnlyTheRetainedOnesStayOnDisk() throws IOException {
    KafkaBatch batch = KafkaBatch.build(3L, 0L);
    int batchesPerSegment = MIB / batch.sizeInBytes();
    try (KafkaSegmentLog log = new KafkaSegmentLog(dir.toFile(), MIB, 2)) {
      MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(batch.bytes()));
      for (int i = 0; i < 3 * batchesPerSegment + 1; i++) {
        log.append(records);
      }

      assertThat(logFiles()).isEqualTo(2);
      long firstRetained = 2L * batchesPerSegment * batch.recordCount();
      assertThat(log.logStartOffset()).isEqualTo(firstRetained);
      assertThatThrownBy(() -> log.read(0, MIB, ByteBuffer.allocate(2 * MIB)))
          .hasMessageContaining("offset 0 was deleted")
          .hasMessageContaining(Long.toString(firstRetained));
    }
  }

  private long logFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".log")).count();
    }
  }
}
