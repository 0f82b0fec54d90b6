package sluice.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the batch format over random records: build then decode is the identity for every
 * codec, and any byte flipped inside the CRC-covered region (or the magic byte) is caught by {@link
 * RecordBatch#ensureValid()}. jqwik prints the seed of a failing run.
 */
class RecordBatchPropertyTest {
  @Provide
  Arbitrary<List<Record>> records() {
    Arbitrary<byte[]> bytes =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300).injectNull(0.2);
    Arbitrary<Header> header =
        Combinators.combine(Arbitraries.strings().ofMaxLength(12), bytes).as(Header::new);
    Arbitrary<Long> timestamp =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 1L << 42), Arbitraries.just(RecordBatch.NO_TIMESTAMP));
    Arbitrary<Record> record =
        Combinators.combine(timestamp, bytes, bytes, header.list().ofMaxSize(4))
            .as((ts, key, value, headers) -> new Record(0, ts, key, value, headers));
    return record.list().ofMinSize(1).ofMaxSize(40);
  }

  private static ByteBuffer build(CompressionType type, long baseOffset, List<Record> records) {
    RecordBatchBuilder builder = new RecordBatchBuilder(type, baseOffset);
    records.forEach(r -> builder.append(r.timestamp(), r.key(), r.value(), r.headers()));
    return builder.build();
  }

  @Property(tries = 300)
  void buildThenDecodeReturnsTheSameRecordsForEveryCodec(
      @ForAll("records") List<Record> records,
      @ForAll CompressionType type,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int baseOffset) {
    RecordBatch batch = RecordBatch.wrap(build(type, baseOffset, records));

    batch.ensureValid();
    assertThat(batch.compressionType()).isEqualTo(type);
    assertThat(batch.recordCount()).isEqualTo(records.size());
    assertThat(batch.lastOffset()).isEqualTo((long) baseOffset + records.size() - 1);
    assertThat(batch.maxTimestamp())
        .isEqualTo(records.stream().mapToLong(Record::timestamp).max().orElseThrow());
    List<Record> decoded = batch.records();
    for (int i = 0; i < records.size(); i++) {
      Record expected = records.get(i);
      assertThat(decoded.get(i))
          .usingRecursiveComparison()
          .isEqualTo(
              new Record(
                  (long) baseOffset + i,
                  expected.timestamp(),
                  expected.key(),
                  expected.value(),
                  expected.headers()));
    }
  }

  @Property(tries = 300)
  void aByteFlippedAfterTheLeaderEpochFailsValidationNamingTheProblem(
      @ForAll("records") List<Record> records,
      @ForAll CompressionType type,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int positionSeed,
      @ForAll @IntRange(min = 1, max = 255) int mask) {
    ByteBuffer bytes = build(type, 0, records);
    int covered = bytes.limit() - RecordBatch.MAGIC_OFFSET;
    int position = RecordBatch.MAGIC_OFFSET + positionSeed % covered;
    bytes.put(position, (byte) (bytes.get(position) ^ mask));
    RecordBatch batch = RecordBatch.wrap(bytes);

    assertThat(batch.isValid()).isFalse();
    String expected = position == RecordBatch.MAGIC_OFFSET ? "magic byte" : "stored CRC32C";
    assertThatThrownBy(batch::ensureValid)
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining(expected)
        .hasMessageContaining("base offset 0");
  }

  @Property(tries = 300)
  void decodingADamagedBatchEitherSucceedsOrThrowsCorruptRecordException(
      @ForAll("records") List<Record> records,
      @ForAll CompressionType type,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int positionSeed,
      @ForAll @IntRange(min = 1, max = 255) int mask) {
    ByteBuffer bytes = build(type, 0, records);
    int payload = bytes.limit() - RecordBatch.RECORDS_OFFSET;
    int position = RecordBatch.RECORDS_OFFSET + positionSeed % payload;
    bytes.put(position, (byte) (bytes.get(position) ^ mask));
    RecordBatch batch = RecordBatch.wrap(bytes);

    try {
      assertThat(batch.records()).hasSize(records.size());
    } catch (CorruptRecordException expected) {
      assertThat(expected).hasMessageContaining("base offset 0");
    }
  }
}
