package sluice.storage.record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Reads the xerial snappy-java stream framing that Kafka's producers write ({@code
 * SnappyOutputStream}); writing uses that class itself. Integers big-endian:
 *
 * <pre>
 * 8 bytes  magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 * 4 bytes  version (1)
 * 4 bytes  minimum compatible version (1)
 * chunks:  4-byte compressed length, then that many bytes of raw snappy
 *          (a further magic header may start a concatenated stream)
 * </pre>
 *
 * Input without the magic is one raw snappy block, as xerial's reader also accepts.
 *
 * <p>Why not xerial's own {@code SnappyInputStream}, now that its chunk-size CVEs are fixed: it
 * reads the same framing, but it still trusts the lengths it reads. A chunk length is only bounded
 * by a configurable maximum (512 MiB by default), and the uncompressed length in a chunk's snappy
 * preamble not at all: a 72-byte stream claiming 1.9 GB uncompressed makes it allocate 1.9 GB
 * before it looks at the chunk (checked against snappy-java 1.1.10.7; SnappyFramingTest keeps such
 * a stream). Here every chunk is bounds-checked against the input and validated ({@code
 * Snappy.isValidCompressedBuffer}) before anything is allocated for it, so a damaged batch costs at
 * most its own size. Safe from any thread.
 */
final class SnappyFraming {
  static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
  static final int HEADER_SIZE = MAGIC.length + 2 * Integer.BYTES;

  private SnappyFraming() {}

  /**
   * @throws CorruptRecordException naming what is wrong with the stream
   */
  static byte[] decompress(byte[] stream) {
    try {
      if (!startsWithMagic(stream, 0)) {
        return uncompressChunk(stream, 0, stream.length, new ByteArrayOutputStream()).toByteArray();
      }
      ByteBuffer in = ByteBuffer.wrap(stream);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, stream.length * 2));
      while (in.hasRemaining()) {
        if (startsWithMagic(stream, in.position())) {
          if (in.remaining() < HEADER_SIZE) {
            throw corrupt("truncated stream header at position " + in.position());
          }
          in.position(in.position() + HEADER_SIZE);
          continue;
        }
        if (in.remaining() < Integer.BYTES) {
          throw corrupt("truncated chunk length at position " + in.position());
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
          throw corrupt(
              "chunk length "
                  + length
                  + " at position "
                  + (in.position() - Integer.BYTES)
                  + " but "
                  + in.remaining()
                  + " bytes remain");
        }
        uncompressChunk(stream, in.position(), length, out);
        in.position(in.position() + length);
      }
      return out.toByteArray();
    } catch (IOException | SnappyError e) {
      throw new CorruptRecordException("invalid snappy stream: " + e.getMessage(), e);
    }
  }

  private static ByteArrayOutputStream uncompressChunk(
      byte[] stream, int offset, int length, ByteArrayOutputStream out) throws IOException {
    if (length == 0) {
      return out;
    }
    if (!Snappy.isValidCompressedBuffer(stream, offset, length)) {
      throw corrupt("chunk of " + length + " bytes at position " + offset + " is not valid snappy");
    }
    byte[] chunk = new byte[Snappy.uncompressedLength(stream, offset, length)];
    int n = Snappy.uncompress(stream, offset, length, chunk, 0);
    out.write(chunk, 0, n);
    return out;
  }

  private static boolean startsWithMagic(byte[] stream, int position) {
    return stream.length - position >= MAGIC.length
        && Arrays.equals(stream, position, position + MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  private static CorruptRecordException corrupt(String problem) {
    return new CorruptRecordException("invalid snappy stream: " + problem);
  }
}
