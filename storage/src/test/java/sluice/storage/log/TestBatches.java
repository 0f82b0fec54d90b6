package sluice.storage.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import sluice.storage.record.Batches;
import sluice.storage.record.CompressionType;
import sluice.storage.record.Header;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.RecordBatchBuilder;

/** Batches for log tests. */
final class TestBatches {
  private TestBatches() {}

  /** A batch as the log lists it ({@link PartitionLog#batchHeadersFrom}): sequence and header. */
  record Listed(long sequence, BatchHeader header) {
    long baseOffset() {
      return header.baseOffset();
    }

    long lastOffset() {
      return header.lastOffset();
    }

    int recordCount() {
      return header.recordCount();
    }
  }

  /** Every batch of {@code log} from sequence {@code fromSequence}, as its cursor walks them. */
  static List<Listed> listed(PartitionLog log, long fromSequence) {
    List<Listed> listed = new ArrayList<>();
    BatchCursor cursor = log.batchHeadersFrom(fromSequence);
    while (cursor.next()) {
      listed.add(new Listed(cursor.sequence(), cursor.header()));
    }
    return listed;
  }

  /** {@code count} records at {@code baseOffset}, timestamps {@code timestamp}, +1 each. */
  static RecordBatch batch(long baseOffset, long timestamp, int count) {
    return batch(CompressionType.NONE, baseOffset, timestamp, count, 10);
  }

  static RecordBatch batch(
      CompressionType compression, long baseOffset, long timestamp, int count, int valueSize) {
    var builder = new RecordBatchBuilder(compression, baseOffset);
    for (int i = 0; i < count; i++) {
      byte[] value = new byte[valueSize];
      for (int j = 0; j < valueSize; j++) {
        value[j] = (byte) (baseOffset + i + j);
      }
      builder.append(timestamp + i, key(String.format("k%08d", baseOffset + i)), value, List.of());
    }
    return RecordBatch.wrap(builder.build());
  }

  /** {@code count} records at {@code baseOffset} written in leader epoch {@code epoch}. */
  static RecordBatch inEpoch(int epoch, long baseOffset, int count) {
    RecordBatch batch = batch(baseOffset, 1_000 + baseOffset, count);
    batch.setPartitionLeaderEpoch(epoch);
    return batch;
  }

  /** One record per entry, keys and values as strings (null value: a tombstone). */
  static RecordBatch keyed(long baseOffset, long timestamp, String... keysAndValues) {
    var builder = new RecordBatchBuilder(CompressionType.NONE, baseOffset);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      String value = keysAndValues[i + 1];
      builder.append(
          timestamp,
          key(keysAndValues[i]),
          value == null ? null : value.getBytes(StandardCharsets.UTF_8),
          List.of(new Header("h", new byte[] {1})));
    }
    return RecordBatch.wrap(builder.build());
  }

  static byte[] key(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes of a batch, copied. */
  static byte[] bytes(RecordBatch batch) {
    ByteBuffer buffer = batch.buffer().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  static List<RecordBatch> batchesOf(ByteBuffer buffer) {
    List<RecordBatch> batches = new ArrayList<>();
    Batches.iterate(buffer).forEach(batches::add);
    return batches;
  }

  static List<Record> recordsOf(ByteBuffer buffer) {
    List<Record> records = new ArrayList<>();
    for (RecordBatch batch : Batches.iterate(buffer)) {
      records.addAll(batch.records());
    }
    return records;
  }

  /** All batches of the log from its start, read in one slice per call until the end. */
  static List<RecordBatch> readAll(PartitionLog log) {
    List<RecordBatch> all = new ArrayList<>();
    long offset = log.logStartOffset();
    while (offset < log.logEndOffset()) {
      FetchSlice slice = log.read(offset, Integer.MAX_VALUE, Long.MAX_VALUE);
      List<RecordBatch> batches = batchesOf(slice.readFully());
      if (batches.isEmpty()) {
        throw new AssertionError("Empty read at " + offset + " below " + log.logEndOffset());
      }
      all.addAll(batches);
      offset = batches.get(batches.size() - 1).nextOffset();
    }
    return all;
  }
}
