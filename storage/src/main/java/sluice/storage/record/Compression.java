package sluice.storage.record;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG;
import org.xerial.snappy.SnappyOutputStream;

/**
 * Compresses and decompresses the records section of a batch as one stream, in the stream formats
 * Kafka's producers write: gzip (RFC 1952), snappy in xerial's framing ({@link SnappyFraming} reads
 * it), the LZ4 frame format, and zstd frames. Whole sections are held in memory; batches are
 * bounded by {@code max.message.bytes}. Stateless and safe from any thread.
 *
 * <p>LZ4 is lz4-java's frame stream, set up as Kafka's producer writes it: 64 KiB independent
 * blocks, no block or content checksum, no content size (FLG 0x60, BD 0x40), each block compressed
 * with the fast compressor or stored when that does not shrink it. So our LZ4 batches are byte for
 * byte Kafka's (KafkaInteropTest). Reading accepts any frame without a dictionary id and with
 * independent blocks, checks every checksum present, and never allocates more than two blocks of
 * the frame's maximum block size (4 MiB at most), whatever the input claims.
 */
final class Compression {
  /** Kafka's default zstd level ({@code compression.zstd.level}). */
  static final int ZSTD_LEVEL = 3;

  private Compression() {}

  static byte[] compress(CompressionType type, byte[] data, int offset, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 2));
    try (OutputStream stream = wrapForOutput(type, out)) {
      stream.write(data, offset, length);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot " + type + "-compress " + length + " bytes", e);
    }
    return out.toByteArray();
  }

  /**
   * @throws CorruptRecordException if the bytes are not a valid stream of the codec
   */
  static ByteBuffer decompress(CompressionType type, ByteBuffer compressed) {
    byte[] bytes = new byte[compressed.remaining()];
    compressed.duplicate().get(bytes);
    try {
      if (type == CompressionType.SNAPPY) {
        return ByteBuffer.wrap(SnappyFraming.decompress(bytes));
      }
      try (InputStream in = wrapForInput(type, new ByteArrayInputStream(bytes))) {
        return ByteBuffer.wrap(in.readAllBytes());
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof CorruptRecordException corrupt) {
        throw corrupt;
      }
      throw new CorruptRecordException(
          "cannot decompress " + bytes.length + " bytes of " + type + " records: " + e, e);
    }
  }

  private static OutputStream wrapForOutput(CompressionType type, OutputStream out)
      throws IOException {
    return switch (type) {
      case GZIP -> new GZIPOutputStream(out, 8 * 1024);
      case SNAPPY -> new SnappyOutputStream(out);
      case LZ4 -> new LZ4FrameOutputStream(out, BLOCKSIZE.SIZE_64KB, FLG.Bits.BLOCK_INDEPENDENCE);
      case ZSTD -> new ZstdOutputStream(out, ZSTD_LEVEL);
      case NONE -> throw new IllegalArgumentException("No output stream for " + type);
    };
  }

  private static InputStream wrapForInput(CompressionType type, InputStream in) throws IOException {
    return switch (type) {
      case GZIP -> new GZIPInputStream(in, 8 * 1024);
      case LZ4 -> new LZ4FrameInputStream(in);
      case ZSTD -> new ZstdInputStream(in);
      case NONE, SNAPPY -> throw new IllegalArgumentException("No input stream for " + type);
    };
  }
}
