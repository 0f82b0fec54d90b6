package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ConsumedRecord;
import sluice.storage.record.CompressionType;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.RecordBatchBuilder;

/** Decoding fetched batches, with one of them corrupt as a byte flipped on disk leaves it. */
class BatchDecoderTest {

  /** Three batches of two records each, at offsets 10–11, 12–13 and 14–15. */
  private static byte[][] threeBatches() {
    byte[][] batches = new byte[3][];
    for (int b = 0; b < 3; b++) {
      long base = 10 + 2L * b;
      var builder = new RecordBatchBuilder(CompressionType.NONE, base, 1000L);
      builder.append(1000L, null, utf8("v" + base), List.of());
      builder.append(1001L, null, utf8("v" + (base + 1)), List.of());
      ByteBuffer built = builder.build();
      batches[b] = new byte[built.remaining()];
      built.get(batches[b]);
    }
    return batches;
  }

  /** Flips the last byte (inside the records, covered by the CRC), as a bad sector would. */
  private static void flipAByte(byte[] batch) {
    batch[batch.length - 1] ^= 0x40;
  }

  private static byte[] concat(byte[]... batches) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] batch : batches) {
      out.writeBytes(batch);
    }
    return out.toByteArray();
  }

  @Test
  void theRecordsOfTheValidBatchesBeforeACorruptOneAreServed() {
    byte[][] batches = threeBatches();
    flipAByte(batches[2]);

    BatchDecoder.Decoded decoded = BatchDecoder.decodePrefix("t", 0, concat(batches), 11);

    assertThat(decoded.records()).extracting(ConsumedRecord::offset).containsExactly(11L, 12L, 13L);
    assertThat(decoded.corruptOffset()).isEqualTo(14L);
    assertThat(decoded.corruption())
        .contains("base offset 14")
        .containsPattern("stored CRC32C 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}");
    assertThat(BatchDecoder.decode("t", 0, concat(batches), 11))
        .extracting(ConsumedRecord::offset)
        .containsExactly(11L, 12L, 13L);
  }

  @Test
  void nothingAfterACorruptBatchIsServedEvenIfValid() {
    byte[][] batches = threeBatches();
    flipAByte(batches[1]);

    BatchDecoder.Decoded decoded = BatchDecoder.decodePrefix("t", 0, concat(batches), 10);

    assertThat(decoded.records()).extracting(ConsumedRecord::offset).containsExactly(10L, 11L);
    assertThat(decoded.corruptOffset()).isEqualTo(12L);
  }

  @Test
  void aCorruptFirstBatchFailsTheDecodingNamingItsOffsetAndBothCrcs() {
    byte[][] batches = threeBatches();
    flipAByte(batches[0]);
    RecordBatch bad = RecordBatch.wrap(ByteBuffer.wrap(batches[0]));
    String crcs =
        String.format(
            "stored CRC32C 0x%08x, computed 0x%08x", bad.checksum(), bad.computeChecksum());

    BatchDecoder.Decoded decoded = BatchDecoder.decodePrefix("t", 0, concat(batches), 11);

    assertThat(decoded.records()).isEmpty();
    assertThat(decoded.corruptOffset()).isEqualTo(10L);
    assertThat(decoded.corruption()).contains("base offset 10").contains(crcs);
    assertThatThrownBy(() -> BatchDecoder.decode("t", 0, concat(batches), 11))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("base offset 10")
        .hasMessageContaining(crcs);
  }

  @Test
  void aMalformedLengthFieldAfterValidBatchesIsReportedAtTheOffsetAfterThem() {
    byte[][] batches = threeBatches();
    ByteBuffer.wrap(batches[1]).putInt(RecordBatch.LENGTH_OFFSET, 3);

    BatchDecoder.Decoded decoded = BatchDecoder.decodePrefix("t", 0, concat(batches), 10);

    assertThat(decoded.records()).extracting(ConsumedRecord::offset).containsExactly(10L, 11L);
    assertThat(decoded.corruptOffset()).isEqualTo(12L);
    assertThat(decoded.corruption()).contains("length field 3");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
