package sluice.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import org.junit.jupiter.api.Test;

class Lz4FrameTest {
  private static byte[] content(int size) {
    byte[] bytes = new byte[size];
    Random random = new Random(size);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i % 3 == 0 ? random.nextInt() : i / 100);
    }
    return bytes;
  }

  private static byte[] lz4JavaFrame(byte[] content, BLOCKSIZE blockSize, Bits... bits)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LZ4FrameOutputStream frame =
        content.length > 0 && contains(bits, Bits.CONTENT_SIZE)
            ? new LZ4FrameOutputStream(
                out,
                blockSize,
                content.length,
                net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor(),
                net.jpountz.xxhash.XXHashFactory.fastestInstance().hash32(),
                bits)
            : new LZ4FrameOutputStream(out, blockSize, bits)) {
      frame.write(content);
    }
    return out.toByteArray();
  }

  private static boolean contains(Bits[] bits, Bits bit) {
    for (Bits b : bits) {
      if (b == bit) {
        return true;
      }
    }
    return false;
  }

  @Test
  void ourFramesRoundTripAcrossBlockBoundariesAndIncompressibleBlocks() {
    for (int size : new int[] {0, 1, 65_535, 65_536, 65_537, 300_000}) {
      byte[] content = content(size);
      assertThat(Lz4Frame.decompress(Lz4Frame.compress(content, 0, size)))
          .as("size %d", size)
          .isEqualTo(content);
    }
    byte[] random = new byte[100_000];
    new Random(3).nextBytes(random);
    assertThat(Lz4Frame.decompress(Lz4Frame.compress(random, 0, random.length))).isEqualTo(random);
  }

  @Test
  void ourFramesStartWithKafkasHeaderBytes() {
    byte[] frame = Lz4Frame.compress(new byte[10], 0, 10);
    assertThat(frame[0]).isEqualTo((byte) 0x04);
    assertThat(frame[3]).isEqualTo((byte) 0x18);
    assertThat(frame[4]).isEqualTo((byte) 0x60);
    assertThat(frame[5]).isEqualTo((byte) 0x40);
  }

  @Test
  void framesFromAnotherEncoderWithChecksumsContentSizeAndLargeBlocksDecode() throws IOException {
    byte[] content = content(2_500_000);
    byte[][] frames = {
      lz4JavaFrame(content, BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE),
      lz4JavaFrame(content, BLOCKSIZE.SIZE_256KB, Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM),
      lz4JavaFrame(content, BLOCKSIZE.SIZE_1MB, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM),
      lz4JavaFrame(
          content,
          BLOCKSIZE.SIZE_4MB,
          Bits.BLOCK_INDEPENDENCE,
          Bits.CONTENT_SIZE,
          Bits.CONTENT_CHECKSUM,
          Bits.BLOCK_CHECKSUM),
    };
    for (byte[] frame : frames) {
      assertThat(Lz4Frame.decompress(frame)).isEqualTo(content);
    }
  }

  @Test
  void aWrongContentChecksumIsReported() throws IOException {
    byte[] frame =
        lz4JavaFrame(
            content(1_000), BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM);
    frame[frame.length - 1] ^= 1;
    assertThatThrownBy(() -> Lz4Frame.decompress(frame))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("content checksum");
  }

  @Test
  void aWrongHeaderChecksumOrMagicIsReported() {
    byte[] frame = Lz4Frame.compress(new byte[10], 0, 10);
    frame[6] ^= 1;
    assertThatThrownBy(() -> Lz4Frame.decompress(frame))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("header checksum");
    frame[6] ^= 1;
    frame[0] = 0;
    assertThatThrownBy(() -> Lz4Frame.decompress(frame))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("magic");
  }

  @Test
  void aTruncatedFrameIsReported() {
    byte[] frame = Lz4Frame.compress(content(5_000), 0, 5_000);
    byte[] cut = java.util.Arrays.copyOf(frame, frame.length - 6);
    assertThatThrownBy(() -> Lz4Frame.decompress(cut))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("truncated");
  }
}
