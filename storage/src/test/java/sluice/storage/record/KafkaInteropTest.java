package sluice.storage.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Byte compatibility with Apache Kafka's own record classes (kafka-clients), both ways, for every
 * codec: batches built by Kafka's {@code MemoryRecords.builder} decode here, and batches built here
 * validate and decode in Kafka.
 */
class KafkaInteropTest {
  private static final long PRODUCER_ID = 4_242;
  private static final short PRODUCER_EPOCH = 3;
  private static final int BASE_SEQUENCE = 17;
  private static final int LEADER_EPOCH = 9;

  private static List<Record> sampleRecords(long baseOffset) {
    Random random = new Random(7);
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      byte[] key = i % 5 == 0 ? null : ("key-" + i).getBytes(UTF_8);
      byte[] value = i % 7 == 0 ? null : new byte[random.nextInt(200)];
      if (value != null && i % 2 == 0) {
        random.nextBytes(value);
      }
      List<Header> headers =
          switch (i % 3) {
            case 0 -> List.of();
            case 1 -> List.of(new Header("trace", ("t" + i).getBytes(UTF_8)));
            default -> List.of(new Header("ünï", null), new Header("", new byte[] {1, 2}));
          };
      records.add(
          new Record(
              baseOffset + i, 1_700_000_000_000L + random.nextInt(10_000), key, value, headers));
    }
    return records;
  }

  private static org.apache.kafka.common.record.CompressionType kafkaType(CompressionType type) {
    return org.apache.kafka.common.record.CompressionType.forId(type.id());
  }

  private static ByteBuffer kafkaBatch(
      CompressionType type, List<Record> records, long baseOffset) {
    MemoryRecordsBuilder builder =
        MemoryRecords.builder(
            ByteBuffer.allocate(1 << 20),
            org.apache.kafka.common.record.RecordBatch.CURRENT_MAGIC_VALUE,
            Compression.of(kafkaType(type)).build(),
            org.apache.kafka.common.record.TimestampType.CREATE_TIME,
            baseOffset,
            org.apache.kafka.common.record.RecordBatch.NO_TIMESTAMP,
            PRODUCER_ID,
            PRODUCER_EPOCH,
            BASE_SEQUENCE,
            false,
            LEADER_EPOCH);
    for (Record r : records) {
      org.apache.kafka.common.header.Header[] headers =
          r.headers().stream()
              .map(h -> new RecordHeader(h.key(), h.value()))
              .toArray(org.apache.kafka.common.header.Header[]::new);
      builder.append(r.timestamp(), r.key(), r.value(), headers);
    }
    return builder.build().buffer();
  }

  private static ByteBuffer ourBatch(CompressionType type, List<Record> records, long baseOffset) {
    RecordBatchBuilder builder =
        new RecordBatchBuilder(type, baseOffset)
            .producer(PRODUCER_ID, PRODUCER_EPOCH, BASE_SEQUENCE)
            .partitionLeaderEpoch(LEADER_EPOCH);
    for (Record r : records) {
      builder.append(r.timestamp(), r.key(), r.value(), r.headers());
    }
    return builder.build();
  }

  private static MutableRecordBatch onlyKafkaBatch(ByteBuffer bytes) {
    List<MutableRecordBatch> batches = new ArrayList<>();
    MemoryRecords.readableRecords(bytes.duplicate()).batches().forEach(batches::add);
    assertThat(batches).hasSize(1);
    return batches.get(0);
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static List<Record> decodedByKafka(MutableRecordBatch batch) {
    List<Record> records = new ArrayList<>();
    for (org.apache.kafka.common.record.Record r : batch) {
      r.ensureValid();
      List<Header> headers =
          Arrays.stream(r.headers()).map(h -> new Header(h.key(), h.value())).toList();
      records.add(
          new Record(r.offset(), r.timestamp(), bytesOf(r.key()), bytesOf(r.value()), headers));
    }
    return records;
  }

  private static void assertSameHeader(RecordBatch ours, MutableRecordBatch kafka) {
    assertThat(ours.baseOffset()).isEqualTo(kafka.baseOffset());
    assertThat(ours.lastOffset()).isEqualTo(kafka.lastOffset());
    assertThat(ours.sizeInBytes()).isEqualTo(kafka.sizeInBytes());
    assertThat(ours.partitionLeaderEpoch()).isEqualTo(kafka.partitionLeaderEpoch());
    assertThat(ours.magic()).isEqualTo(kafka.magic());
    assertThat(ours.checksum()).isEqualTo(kafka.checksum());
    assertThat(ours.compressionType().id()).isEqualTo(kafka.compressionType().id);
    assertThat(ours.timestampType().name()).isEqualTo(kafka.timestampType().name());
    assertThat(ours.isTransactional()).isEqualTo(kafka.isTransactional());
    assertThat(ours.isControl()).isEqualTo(kafka.isControlBatch());
    assertThat(ours.maxTimestamp()).isEqualTo(kafka.maxTimestamp());
    assertThat(ours.producerId()).isEqualTo(kafka.producerId());
    assertThat(ours.producerEpoch()).isEqualTo(kafka.producerEpoch());
    assertThat(ours.baseSequence()).isEqualTo(kafka.baseSequence());
    assertThat(ours.recordCount()).isEqualTo(kafka.countOrNull());
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void batchesBuiltByKafkaValidateAndDecodeHere(CompressionType type) {
    List<Record> records = sampleRecords(1_000);
    ByteBuffer bytes = kafkaBatch(type, records, 1_000);

    RecordBatch ours = RecordBatch.wrap(bytes);
    ours.ensureValid();
    assertSameHeader(ours, onlyKafkaBatch(bytes));
    assertThat(ours.compressionType()).isEqualTo(type);
    assertThat(ours.records()).usingRecursiveFieldByFieldElementComparator().isEqualTo(records);
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void batchesBuiltHereValidateAndDecodeInKafka(CompressionType type) {
    List<Record> records = sampleRecords(2_000);
    ByteBuffer bytes = ourBatch(type, records, 2_000);

    MutableRecordBatch kafka = onlyKafkaBatch(bytes);
    kafka.ensureValid();
    assertSameHeader(RecordBatch.wrap(bytes), kafka);
    assertThat(decodedByKafka(kafka))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(records);
  }

  /**
   * The codecs whose streams we write as Kafka's producer does, so a whole batch matches byte for
   * byte (LZ4: lz4-java's frame stream with 64 KiB independent blocks is Kafka's own frame layout).
   * Zstd is left out: Kafka's zstd stream (zstd-jni's no-finalizer stream behind a 16 KiB buffer)
   * frames differently from ours, though each decodes the other's (the tests above).
   */
  @ParameterizedTest
  @EnumSource(
      value = CompressionType.class,
      names = {"NONE", "GZIP", "SNAPPY", "LZ4"})
  void batchesAreByteForByteIdenticalToKafkas(CompressionType type) {
    List<Record> records = sampleRecords(0);
    assertThat(ourBatch(type, records, 0)).isEqualTo(kafkaBatch(type, records, 0));
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void offsetEpochAndLogAppendTimeMutationsMatchKafkasByteForByte(CompressionType type) {
    List<Record> records = sampleRecords(0);
    ByteBuffer oursBytes = ourBatch(type, records, 0);
    ByteBuffer kafkaBytes = ByteBuffer.allocate(oursBytes.remaining()).put(oursBytes.duplicate());
    kafkaBytes.flip();

    RecordBatch ours = RecordBatch.wrap(oursBytes);
    ours.setBaseOffset(5_000);
    ours.setPartitionLeaderEpoch(77);
    ours.setLogAppendTime(1_800_000_000_000L);
    MutableRecordBatch kafka = onlyKafkaBatch(kafkaBytes);
    kafka.setLastOffset(5_000 + records.size() - 1);
    kafka.setPartitionLeaderEpoch(77);
    kafka.setMaxTimestamp(
        org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, 1_800_000_000_000L);

    assertThat(oursBytes).isEqualTo(kafkaBytes);
    kafka.ensureValid();
    assertThat(decodedByKafka(kafka))
        .extracting(Record::timestamp)
        .containsOnly(1_800_000_000_000L);
    assertThat(ours.records()).extracting(Record::timestamp).containsOnly(1_800_000_000_000L);
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void aBatchStampedWithAProducerIsValidAndReadsAsKafkasIdempotentBatch(CompressionType type) {
    RecordBatch ours = RecordBatch.wrap(ourBatch(type, sampleRecords(0), 0));

    ours.setProducer(4_000L, (short) 3, 120);

    assertThat(ours.isValid()).isTrue();
    MutableRecordBatch kafka = onlyKafkaBatch(ours.buffer().duplicate());
    kafka.ensureValid();
    assertThat(kafka.producerId()).isEqualTo(4_000L);
    assertThat(kafka.producerEpoch()).isEqualTo((short) 3);
    assertThat(kafka.baseSequence()).isEqualTo(120);
    assertThat(kafka.lastSequence()).isEqualTo(120 + sampleRecords(0).size() - 1);
  }

  @Test
  void kafkasTransactionMarkersDecodeAsControlBatches() {
    ByteBuffer bytes =
        MemoryRecords.withEndTransactionMarker(
                30L,
                1_234L,
                LEADER_EPOCH,
                PRODUCER_ID,
                PRODUCER_EPOCH,
                new EndTransactionMarker(ControlRecordType.COMMIT, 5))
            .buffer();
    RecordBatch batch = RecordBatch.wrap(bytes);
    batch.ensureValid();
    assertThat(batch.isControl()).isTrue();
    assertThat(batch.isTransactional()).isTrue();
    assertThat(batch.records())
        .singleElement()
        .satisfies(r -> assertThat(r.offset()).isEqualTo(30L));
    assertThat(bytes.remaining()).isGreaterThan(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
  }

  @Test
  void concatenatedKafkaBatchesIterateHere() {
    List<Record> first = sampleRecords(0).subList(0, 10);
    List<Record> second = sampleRecords(10).subList(0, 20);
    ByteBuffer a = kafkaBatch(CompressionType.LZ4, first, 0);
    ByteBuffer b = kafkaBatch(CompressionType.ZSTD, second, 10);
    ByteBuffer all = ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
    List<Long> offsets = new ArrayList<>();
    for (RecordBatch batch : Batches.iterate(all)) {
      batch.ensureValid();
      batch.records().forEach(r -> offsets.add(r.offset()));
    }
    assertThat(offsets).hasSize(30).startsWith(0L).endsWith(29L).isSorted();
  }
}
