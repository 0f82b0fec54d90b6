package sluice.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyOutputStream;

class SnappyFramingTest {
  private static byte[] content(int size) {
    byte[] bytes = new byte[size];
    Random random = new Random(size);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i % 4 == 0 ? random.nextInt() : i / 50);
    }
    return bytes;
  }

  private static byte[] xerialStream(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SnappyOutputStream snappy = new SnappyOutputStream(out)) {
      snappy.write(content);
    }
    return out.toByteArray();
  }

  @Test
  void xerialStreamsOfManyChunksDecode() throws IOException {
    for (int size : new int[] {0, 1, 32 * 1024, 200_000}) {
      byte[] content = content(size);
      assertThat(SnappyFraming.decompress(xerialStream(content)))
          .as("size %d", size)
          .isEqualTo(content);
    }
  }

  @Test
  void concatenatedStreamsAndRawSnappyDecode() throws IOException {
    byte[] a = content(1_000);
    byte[] b = content(70_000);
    byte[] first = xerialStream(a);
    byte[] second = xerialStream(b);
    byte[] both = ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
    byte[] expected = ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    assertThat(SnappyFraming.decompress(both)).isEqualTo(expected);
    assertThat(SnappyFraming.decompress(Snappy.compress(b))).isEqualTo(b);
  }

  @Test
  void aChunkLengthBeyondTheStreamIsReportedWithoutAllocatingIt() throws IOException {
    byte[] stream = xerialStream(content(1_000));
    ByteBuffer.wrap(stream).putInt(SnappyFraming.HEADER_SIZE, Integer.MAX_VALUE);
    assertThatThrownBy(() -> SnappyFraming.decompress(stream))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("chunk length " + Integer.MAX_VALUE);
  }

  @Test
  void aChunkClaimingAHugeUncompressedLengthIsReportedWithoutAllocatingIt() throws IOException {
    byte[] stream = xerialStream(new byte[1_000]);
    // The chunk's varint preamble now claims 0x7FFFFFF0 bytes; xerial's SnappyInputStream
    // allocates that much before it looks at the chunk.
    byte[] claim = {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    System.arraycopy(claim, 0, stream, SnappyFraming.HEADER_SIZE + 4, claim.length);
    assertThatThrownBy(() -> SnappyFraming.decompress(stream))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("not valid snappy");
  }

  @Test
  void anInvalidChunkIsReported() throws IOException {
    byte[] stream = xerialStream(content(1_000));
    for (int i = SnappyFraming.HEADER_SIZE + 4; i < stream.length; i++) {
      stream[i] = (byte) 0xff;
    }
    assertThatThrownBy(() -> SnappyFraming.decompress(stream))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("not valid snappy");
  }
}
