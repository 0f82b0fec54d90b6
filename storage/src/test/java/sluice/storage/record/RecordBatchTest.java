package sluice.storage.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RecordBatchTest {
  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static RecordBatch threeRecords() {
    return RecordBatch.wrap(
        new RecordBatchBuilder(CompressionType.NONE, 100)
            .append(1_000, bytes("k1"), bytes("v1"), List.of(new Header("h", bytes("x"))))
            .append(900, null, bytes("v2"), List.of())
            .append(1_200, bytes("k3"), null, List.of(new Header("n", null)))
            .build());
  }

  @Test
  void theHeaderAndARecordAreLaidOutByteByByteAsDocumented() {
    ByteBuffer built =
        new RecordBatchBuilder(CompressionType.NONE, 5)
            .producer(7, (short) 1, 3)
            .partitionLeaderEpoch(2)
            .append(1_000, bytes("k"), bytes("v"), List.of(new Header("h", bytes("x"))))
            .build();
    String hex = HexFormat.of().formatHex(built.array());
    String expectedPrefix = "0000000000000005" + "0000003e" + "00000002" + "02";
    String expectedAfterCrc =
        "0000" // attributes
            + "00000000" // last offset delta
            + "00000000000003e8" // base timestamp
            + "00000000000003e8" // max timestamp
            + "0000000000000007" // producer id
            + "0001" // producer epoch
            + "00000003" // base sequence
            + "00000001" // record count
            + "18" // record length 12
            + "00" // attributes
            + "00" // timestamp delta 0
            + "00" // offset delta 0
            + "026b" // key "k"
            + "0276" // value "v"
            + "02" // one header
            + "0268" // header key "h"
            + "0278"; // header value "x"
    assertThat(hex).startsWith(expectedPrefix).endsWith(expectedAfterCrc).hasSize(74 * 2);
    CRC32C crc = new CRC32C();
    crc.update(built.array(), 21, 74 - 21);
    assertThat(Integer.toUnsignedLong(built.getInt(17))).isEqualTo(crc.getValue());
  }

  @Test
  void accessorsReportTheHeaderFields() {
    RecordBatch batch =
        RecordBatch.wrap(
            new RecordBatchBuilder(CompressionType.NONE, 42)
                .producer(9, (short) 4, 17)
                .partitionLeaderEpoch(3)
                .transactional(true)
                .append(10, null, bytes("a"), List.of())
                .append(30, null, bytes("b"), List.of())
                .append(20, null, bytes("c"), List.of())
                .build());
    batch.ensureValid();
    assertThat(batch.magic()).isEqualTo((byte) 2);
    assertThat(batch.baseOffset()).isEqualTo(42);
    assertThat(batch.lastOffsetDelta()).isEqualTo(2);
    assertThat(batch.lastOffset()).isEqualTo(44);
    assertThat(batch.nextOffset()).isEqualTo(45);
    assertThat(batch.recordCount()).isEqualTo(3);
    assertThat(batch.baseTimestamp()).isEqualTo(10);
    assertThat(batch.maxTimestamp()).isEqualTo(30);
    assertThat(batch.producerId()).isEqualTo(9);
    assertThat(batch.producerEpoch()).isEqualTo((short) 4);
    assertThat(batch.baseSequence()).isEqualTo(17);
    assertThat(batch.partitionLeaderEpoch()).isEqualTo(3);
    assertThat(batch.isTransactional()).isTrue();
    assertThat(batch.isControl()).isFalse();
    assertThat(batch.compressionType()).isEqualTo(CompressionType.NONE);
    assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
    assertThat(batch.sizeInBytes()).isEqualTo(batch.buffer().remaining());
  }

  @Test
  void aBatchWithoutProducerHasMinusOneInTheProducerFields() {
    RecordBatch batch =
        RecordBatch.wrap(
            new RecordBatchBuilder(CompressionType.NONE, 0)
                .append(-1, null, null, List.of())
                .build());
    assertThat(batch.producerId()).isEqualTo(-1);
    assertThat(batch.producerEpoch()).isEqualTo((short) -1);
    assertThat(batch.baseSequence()).isEqualTo(-1);
    assertThat(batch.partitionLeaderEpoch()).isEqualTo(-1);
    assertThat(batch.maxTimestamp()).isEqualTo(-1);
    assertThat(batch.records())
        .singleElement()
        .satisfies(r -> assertThat(r.timestamp()).isEqualTo(-1));
  }

  @Test
  void recordsDecodeWithAbsoluteOffsetsTimestampsKeysValuesAndHeaders() {
    List<Record> records = threeRecords().records();
    assertThat(records)
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactly(
            new Record(100, 1_000, bytes("k1"), bytes("v1"), List.of(new Header("h", bytes("x")))),
            new Record(101, 900, null, bytes("v2"), List.of()),
            new Record(102, 1_200, bytes("k3"), null, List.of(new Header("n", null))));
  }

  @Test
  void settingBaseOffsetAndLeaderEpochMovesOffsetsAndKeepsTheCrcValid() {
    RecordBatch batch = threeRecords();
    long crc = batch.checksum();
    batch.setBaseOffset(7_000);
    batch.setPartitionLeaderEpoch(12);
    batch.ensureValid();
    assertThat(batch.checksum()).isEqualTo(crc);
    assertThat(batch.partitionLeaderEpoch()).isEqualTo(12);
    assertThat(batch.lastOffset()).isEqualTo(7_002);
    assertThat(batch.records()).extracting(Record::offset).containsExactly(7_000L, 7_001L, 7_002L);
  }

  @Test
  void mutatorsWriteThroughToTheWrappedBytes() {
    ByteBuffer bytes =
        new RecordBatchBuilder(CompressionType.NONE, 0).append(1, null, null, List.of()).build();
    RecordBatch.wrap(bytes).setBaseOffset(55);
    assertThat(bytes.getLong(0)).isEqualTo(55);
  }

  @Test
  void logAppendTimeBecomesEveryRecordsTimestampAndTheCrcIsRecomputed() {
    RecordBatch batch = threeRecords();
    long crc = batch.checksum();
    batch.setLogAppendTime(5_000);
    batch.ensureValid();
    assertThat(batch.checksum()).isNotEqualTo(crc);
    assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    assertThat(batch.maxTimestamp()).isEqualTo(5_000);
    assertThat(batch.baseTimestamp()).isEqualTo(1_000);
    assertThat(batch.records()).extracting(Record::timestamp).containsOnly(5_000L);
  }

  @Test
  void aFlippedByteInTheRecordsFailsValidationNamingTheCrcs() {
    RecordBatch batch = threeRecords();
    ByteBuffer bytes = batch.buffer();
    bytes.put(bytes.limit() - 3, (byte) (bytes.get(bytes.limit() - 3) ^ 0x01));
    assertThat(batch.isValid()).isFalse();
    assertThatThrownBy(batch::ensureValid)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("base offset 100")
        .hasMessageContaining("stored CRC32C")
        .hasMessageContaining("computed");
  }

  @Test
  void aWrongMagicFailsValidationNamingTheMagic() {
    RecordBatch batch = threeRecords();
    batch.buffer().put(RecordBatch.MAGIC_OFFSET, (byte) 1);
    assertThat(batch.isValid()).isFalse();
    assertThatThrownBy(batch::ensureValid)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("magic byte 1");
  }

  @Test
  void wrapRejectsATruncatedBatchAndTrailingBytes() {
    ByteBuffer bytes = threeRecords().buffer();
    assertThatThrownBy(() -> RecordBatch.wrap(bytes.slice(0, bytes.limit() - 1)))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> RecordBatch.wrap(bytes.slice(0, 30)))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("shorter than the 61-byte");
    ByteBuffer longer = ByteBuffer.allocate(bytes.limit() + 4).put(bytes.duplicate());
    longer.flip().limit(longer.capacity());
    assertThatThrownBy(() -> RecordBatch.wrap(longer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Batches.iterate");
  }

  @Test
  void wrapRejectsALengthFieldBelowTheHeaderSize() {
    ByteBuffer bytes = threeRecords().buffer();
    bytes.putInt(RecordBatch.LENGTH_OFFSET, 10);
    assertThatThrownBy(() -> RecordBatch.wrap(bytes))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("length field 10");
  }

  @Test
  void aRecordCountThatDisagreesWithTheRecordsIsCorrupt() {
    RecordBatch more = threeRecords();
    more.buffer().putInt(RecordBatch.RECORDS_COUNT_OFFSET, 4);
    assertThatThrownBy(more::records)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("record 3 of 4");
    RecordBatch fewer = threeRecords();
    fewer.buffer().putInt(RecordBatch.RECORDS_COUNT_OFFSET, 2);
    assertThatThrownBy(fewer::records)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("follow the last of 2 records");
  }

  @Test
  void anUnknownCompressionCodecIsCorrupt() {
    RecordBatch batch = threeRecords();
    batch.buffer().putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 6);
    assertThatThrownBy(batch::compressionType)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("Unknown compression type id 6");
  }

  @Test
  void aControlBatchReportsItsBit() {
    RecordBatch batch =
        RecordBatch.wrap(
            new RecordBatchBuilder(CompressionType.NONE, 0)
                .control(true)
                .transactional(true)
                .append(1, new byte[] {0, 0, 0, 1}, new byte[] {0, 0, 0, 0, 0, 0}, List.of())
                .build());
    assertThat(batch.isControl()).isTrue();
    assertThat(batch.isTransactional()).isTrue();
  }
}
