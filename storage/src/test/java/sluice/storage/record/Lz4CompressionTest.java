package sluice.storage.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;

/** The LZ4 frame streams of {@link Compression}: what they write and what they refuse to read. */
class Lz4CompressionTest {
  private static byte[] content(int size) {
    byte[] bytes = new byte[size];
    Random random = new Random(size);
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i % 3 == 0 ? random.nextInt() : i / 100);
    }
    return bytes;
  }

  private static byte[] compress(byte[] content) {
    return Compression.compress(CompressionType.LZ4, content, 0, content.length);
  }

  private static byte[] decompress(byte[] frame) {
    ByteBuffer out = Compression.decompress(CompressionType.LZ4, ByteBuffer.wrap(frame));
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }

  private static byte[] otherEncoderFrame(byte[] content, BLOCKSIZE blockSize, Bits... bits)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LZ4FrameOutputStream frame =
        new LZ4FrameOutputStream(
            out,
            blockSize,
            Arrays.asList(bits).contains(Bits.CONTENT_SIZE) ? content.length : -1,
            LZ4Factory.fastestInstance().highCompressor(),
            XXHashFactory.fastestInstance().hash32(),
            bits)) {
      frame.write(content);
    }
    return out.toByteArray();
  }

  @Test
  void framesRoundTripAcrossBlockBoundariesAndIncompressibleBlocks() {
    for (int size : new int[] {0, 1, 65_535, 65_536, 65_537, 300_000}) {
      byte[] content = content(size);
      assertThat(decompress(compress(content))).as("size %d", size).isEqualTo(content);
    }
    byte[] random = new byte[100_000];
    new Random(3).nextBytes(random);
    assertThat(decompress(compress(random))).isEqualTo(random);
  }

  @Test
  void framesCarryKafkasHeaderAndAnIncompressibleBlockIsStored() {
    byte[] random = new byte[70_000];
    new Random(5).nextBytes(random);
    ByteBuffer frame = ByteBuffer.wrap(compress(random)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(frame.getInt(0)).isEqualTo(0x184D2204);
    assertThat(frame.get(4)).as("FLG: version 1, independent blocks").isEqualTo((byte) 0x60);
    assertThat(frame.get(5)).as("BD: 64 KiB blocks").isEqualTo((byte) 0x40);
    assertThat(frame.getInt(7)).as("first block stored").isEqualTo(65_536 | 0x80000000);
    int second = 7 + 4 + 65_536;
    assertThat(frame.getInt(second)).isEqualTo((70_000 - 65_536) | 0x80000000);
    int endMark = second + 4 + 70_000 - 65_536;
    assertThat(frame.getInt(endMark)).isZero();
    assertThat(frame.capacity()).isEqualTo(endMark + 4);
  }

  @Test
  void framesFromAnotherEncoderWithChecksumsContentSizeAndLargeBlocksDecode() throws IOException {
    byte[] content = content(2_500_000);
    byte[][] frames = {
      otherEncoderFrame(content, BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE),
      otherEncoderFrame(
          content, BLOCKSIZE.SIZE_256KB, Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM),
      otherEncoderFrame(
          content, BLOCKSIZE.SIZE_1MB, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM),
      otherEncoderFrame(
          content,
          BLOCKSIZE.SIZE_4MB,
          Bits.BLOCK_INDEPENDENCE,
          Bits.CONTENT_SIZE,
          Bits.CONTENT_CHECKSUM,
          Bits.BLOCK_CHECKSUM),
    };
    for (byte[] frame : frames) {
      assertThat(decompress(frame)).isEqualTo(content);
    }
  }

  @Test
  void aWrongContentOrBlockChecksumIsReported() throws IOException {
    byte[] frame =
        otherEncoderFrame(
            content(1_000), BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM);
    frame[frame.length - 1] ^= 1;
    assertThatThrownBy(() -> decompress(frame))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("LZ4")
        .hasMessageContaining("Content checksum mismatch");
    byte[] blocks =
        otherEncoderFrame(
            content(1_000), BLOCKSIZE.SIZE_64KB, Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM);
    blocks[blocks.length - 5] ^= 1;
    assertThatThrownBy(() -> decompress(blocks))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("Block checksum mismatch");
  }

  @Test
  void aWrongHeaderChecksumOrMagicIsReported() {
    byte[] frame = compress(new byte[10]);
    frame[6] ^= 1;
    assertThatThrownBy(() -> decompress(frame))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("Stream frame descriptor corrupted");
    frame[6] ^= 1;
    frame[0] = 0;
    assertThatThrownBy(() -> decompress(frame))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("Stream unsupported");
  }

  @Test
  void dependentBlocksAReservedBitOrATooSmallBlockSizeAreRefused() {
    for (int[] flgBd : new int[][] {{0x40, 0x40}, {0x61, 0x40}, {0x60, 0x30}, {0x60, 0xC0}}) {
      byte[] frame = compress(new byte[10]);
      frame[4] = (byte) flgBd[0];
      frame[5] = (byte) flgBd[1];
      frame[6] = (byte) ((XXHashFactory.safeInstance().hash32().hash(frame, 4, 2, 0) >> 8) & 0xFF);
      assertThatThrownBy(() -> decompress(frame))
          .as("FLG 0x%02x BD 0x%02x", flgBd[0], flgBd[1])
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining("Invalid or unsupported frame descriptor");
    }
  }

  @Test
  void aBlockSizeBeyondTheFramesMaximumIsReportedWithoutAllocatingIt() {
    byte[] frame = compress(content(1_000));
    ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(7, 0x7FFF_FFFF);
    assertThatThrownBy(() -> decompress(frame))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("exceeded max: 65536");
  }

  @Test
  void aTruncatedFrameOrBytesAfterItAreReported() {
    byte[] frame = compress(content(5_000));
    byte[] cut = Arrays.copyOf(frame, frame.length - 6);
    assertThatThrownBy(() -> decompress(cut))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("Stream ended prematurely");
    byte[] trailing = Arrays.copyOf(frame, frame.length + 8);
    assertThatThrownBy(() -> decompress(trailing))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("Stream unsupported");
  }
}
