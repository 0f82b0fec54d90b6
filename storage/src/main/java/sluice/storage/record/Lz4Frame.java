package sluice.storage.record;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 frame format (lz4 spec v1.6), as Kafka writes it for batches with magic 1 and 2. All
 * integers little-endian:
 *
 * <pre>
 * 4 bytes  magic 0x184D2204
 * 1 byte   FLG: bits 7-6 version (01), bit 5 block independence, bit 4 block checksum,
 *          bit 3 content size, bit 2 content checksum, bit 1 reserved, bit 0 dictionary id
 * 1 byte   BD: bits 6-4 maximum block size (4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB)
 * 8 bytes  content size, only if its FLG bit is set
 * 1 byte   HC: second byte of xxHash32 (seed 0) over FLG up to here
 * blocks:  4-byte size (high bit set: stored uncompressed), data, 4-byte xxHash32 of the
 *          data if block checksums are on; a size of 0 ends the frame
 * 4 bytes  xxHash32 of the whole content, only if content checksums are on
 * </pre>
 *
 * Writing matches Kafka's producer: 64 KiB independent blocks, no checksums, no content size (FLG
 * 0x60, BD 0x40). Reading accepts any valid frame without a dictionary id and checks every checksum
 * present. Safe from any thread.
 */
final class Lz4Frame {
  static final int MAGIC = 0x184D2204;
  static final int FLG_VERSION = 0x40;
  static final int FLG_VERSION_MASK = 0xC0;
  static final int FLG_BLOCK_INDEPENDENCE = 0x20;
  static final int FLG_BLOCK_CHECKSUM = 0x10;
  static final int FLG_CONTENT_SIZE = 0x08;
  static final int FLG_CONTENT_CHECKSUM = 0x04;
  static final int FLG_RESERVED = 0x02;
  static final int FLG_DICTIONARY_ID = 0x01;
  static final int BD_BLOCK_SIZE_SHIFT = 4;
  static final int BD_BLOCK_SIZE_64KB = 4;
  static final int BD_RESERVED_MASK = 0x8F;
  static final int INCOMPRESSIBLE_MASK = 0x80000000;
  static final int WRITE_BLOCK_SIZE = 64 * 1024;

  private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
  private static final LZ4SafeDecompressor DECOMPRESSOR =
      LZ4Factory.fastestInstance().safeDecompressor();
  private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

  private Lz4Frame() {}

  static byte[] compress(byte[] data, int offset, int length) {
    int blocks = Math.max(1, (length + WRITE_BLOCK_SIZE - 1) / WRITE_BLOCK_SIZE);
    int bound =
        7 + blocks * (4 + COMPRESSOR.maxCompressedLength(Math.min(length, WRITE_BLOCK_SIZE))) + 4;
    ByteBuffer out = ByteBuffer.allocate(bound).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(MAGIC);
    out.put((byte) (FLG_VERSION | FLG_BLOCK_INDEPENDENCE));
    out.put((byte) (BD_BLOCK_SIZE_64KB << BD_BLOCK_SIZE_SHIFT));
    out.put(headerChecksum(out.array(), 4, 2));
    byte[] scratch = new byte[COMPRESSOR.maxCompressedLength(WRITE_BLOCK_SIZE)];
    for (int done = 0; done < length; done += WRITE_BLOCK_SIZE) {
      int blockLength = Math.min(WRITE_BLOCK_SIZE, length - done);
      int compressed =
          COMPRESSOR.compress(data, offset + done, blockLength, scratch, 0, scratch.length);
      if (compressed < blockLength) {
        out.putInt(compressed);
        out.put(scratch, 0, compressed);
      } else {
        out.putInt(blockLength | INCOMPRESSIBLE_MASK);
        out.put(data, offset + done, blockLength);
      }
    }
    out.putInt(0);
    byte[] frame = new byte[out.position()];
    System.arraycopy(out.array(), 0, frame, 0, frame.length);
    return frame;
  }

  /**
   * @throws CorruptRecordException naming what is wrong with the frame
   */
  static byte[] decompress(byte[] frame) {
    ByteBuffer in = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
    need(in, 7, "frame header");
    int magic = in.getInt();
    if (magic != MAGIC) {
      throw corrupt(String.format("magic 0x%08x, expected 0x%08x", magic, MAGIC));
    }
    int flg = in.get() & 0xFF;
    int bd = in.get() & 0xFF;
    if ((flg & FLG_VERSION_MASK) != FLG_VERSION) {
      throw corrupt(
          "version " + (flg >>> 6) + " in FLG 0x" + Integer.toHexString(flg) + ", expected 1");
    }
    if ((flg & (FLG_RESERVED | FLG_DICTIONARY_ID)) != 0) {
      throw corrupt("FLG 0x" + Integer.toHexString(flg) + " sets a reserved or dictionary-id bit");
    }
    int blockSizeCode = (bd >>> BD_BLOCK_SIZE_SHIFT) & 0x07;
    if ((bd & BD_RESERVED_MASK) != 0 || blockSizeCode < BD_BLOCK_SIZE_64KB) {
      throw corrupt("BD 0x" + Integer.toHexString(bd) + " is not a valid block descriptor");
    }
    int maxBlockSize = 1 << (2 * blockSizeCode + 8);
    if ((flg & FLG_CONTENT_SIZE) != 0) {
      need(in, 9, "content size");
      in.getLong();
    }
    byte expectedHc = headerChecksum(frame, 4, in.position() - 4);
    byte hc = in.get();
    if (hc != expectedHc) {
      throw corrupt(String.format("header checksum 0x%02x, computed 0x%02x", hc, expectedHc));
    }
    boolean blockChecksum = (flg & FLG_BLOCK_CHECKSUM) != 0;
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, frame.length * 2));
    byte[] block = new byte[maxBlockSize];
    while (true) {
      need(in, 4, "block size");
      int word = in.getInt();
      if (word == 0) {
        break;
      }
      int size = word & ~INCOMPRESSIBLE_MASK;
      boolean stored = (word & INCOMPRESSIBLE_MASK) != 0;
      if (size > maxBlockSize) {
        throw corrupt("block of " + size + " bytes exceeds the maximum " + maxBlockSize);
      }
      need(in, size + (blockChecksum ? 4 : 0), "block");
      int start = in.position();
      in.position(start + size);
      if (blockChecksum) {
        int stated = in.getInt();
        int computed = XXHASH.hash(frame, start, size, 0);
        if (stated != computed) {
          throw corrupt(String.format("block checksum 0x%08x, computed 0x%08x", stated, computed));
        }
      }
      if (stored) {
        out.write(frame, start, size);
      } else {
        try {
          int n = DECOMPRESSOR.decompress(frame, start, size, block, 0, maxBlockSize);
          out.write(block, 0, n);
        } catch (LZ4Exception e) {
          throw new CorruptRecordException("invalid LZ4 block at frame position " + start, e);
        }
      }
    }
    byte[] content = out.toByteArray();
    if ((flg & FLG_CONTENT_CHECKSUM) != 0) {
      need(in, 4, "content checksum");
      int stated = in.getInt();
      int computed = XXHASH.hash(content, 0, content.length, 0);
      if (stated != computed) {
        throw corrupt(String.format("content checksum 0x%08x, computed 0x%08x", stated, computed));
      }
    }
    if (in.hasRemaining()) {
      throw corrupt(in.remaining() + " bytes follow the end of the frame");
    }
    return content;
  }

  private static byte headerChecksum(byte[] bytes, int offset, int length) {
    return (byte) ((XXHASH.hash(bytes, offset, length, 0) >> 8) & 0xFF);
  }

  private static void need(ByteBuffer in, int bytes, String what) {
    if (in.remaining() < bytes) {
      throw corrupt(
          "truncated at the " + what + ": " + bytes + " bytes needed, " + in.remaining() + " left");
    }
  }

  private static CorruptRecordException corrupt(String problem) {
    return new CorruptRecordException("invalid LZ4 frame: " + problem);
  }
}
