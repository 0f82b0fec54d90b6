package sluice.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CompressionTest {
  private static List<Record> expected(int count, Random random) {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] value = new byte[random.nextInt(300)];
      if (i % 3 == 0) {
        random.nextBytes(value);
      }
      records.add(
          new Record(
              50 + i,
              1_000 + i,
              ("key-" + i).getBytes(),
              value,
              List.of(new Header("i", new byte[] {(byte) i}))));
    }
    return records;
  }

  private static ByteBuffer build(CompressionType type, List<Record> records) {
    RecordBatchBuilder builder = new RecordBatchBuilder(type, 50);
    for (Record r : records) {
      builder.append(r.timestamp(), r.key(), r.value(), r.headers());
    }
    return builder.build();
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void everyCodecRoundTripsRecordsAndStoresItsId(CompressionType type) {
    List<Record> records = expected(2_000, new Random(type.id()));
    RecordBatch batch = RecordBatch.wrap(build(type, records));
    batch.ensureValid();
    assertThat(batch.compressionType()).isEqualTo(type);
    assertThat(batch.records()).usingRecursiveFieldByFieldElementComparator().isEqualTo(records);
  }

  @ParameterizedTest
  @EnumSource(
      value = CompressionType.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = {"NONE"})
  void compressibleRecordsShrink(CompressionType type) {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      records.add(new Record(50 + i, 1, null, new byte[100], List.of()));
    }
    int plain = build(CompressionType.NONE, records).remaining();
    assertThat(build(type, records).remaining()).isLessThan(plain / 4);
  }

  @ParameterizedTest
  @EnumSource(
      value = CompressionType.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = {"NONE"})
  void aDamagedCompressedStreamIsCorruptAndNamesTheCodec(CompressionType type) {
    List<Record> records = expected(50, new Random(1));
    RecordBatch batch = RecordBatch.wrap(build(type, records));
    ByteBuffer bytes = batch.buffer();
    int payload = bytes.limit() - RecordBatch.RECORDS_OFFSET;
    // Cut the stream short by zeroing its second half.
    for (int i = RecordBatch.RECORDS_OFFSET + payload / 2; i < bytes.limit(); i++) {
      bytes.put(i, (byte) 0);
    }
    assertThatThrownBy(batch::records)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("base offset 50");
  }
}
