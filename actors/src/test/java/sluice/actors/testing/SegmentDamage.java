package sluice.actors.testing;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import sluice.storage.record.Batches;
import sluice.storage.record.RecordBatch;

/** Damage done to a segment file on disk, as a bad sector would, for corruption tests. */
public final class SegmentDamage {
  private SegmentDamage() {}

  /**
   * Flips the last byte of the batch at {@code baseOffset} in {@code segment}, under a running
   * leader (which reads the file, not a cache); returns the CRCs the batch now shows ("stored
   * CRC32C 0x..., computed 0x..."), as errors must name them.
   */
  public static String flipTheLastByteOfTheBatchAt(Path segment, long baseOffset) throws Exception {
    byte[] bytes = Files.readAllBytes(segment);
    int position = 0;
    for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(bytes))) {
      if (batch.baseOffset() == baseOffset) {
        int last = position + batch.sizeInBytes() - 1;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
          channel.write(ByteBuffer.wrap(new byte[] {(byte) (bytes[last] ^ 0x40)}), last);
        }
        bytes[last] ^= 0x40;
        RecordBatch flipped =
            RecordBatch.wrap(ByteBuffer.wrap(bytes, position, batch.sizeInBytes()));
        return String.format(
            "stored CRC32C 0x%08x, computed 0x%08x", flipped.checksum(), flipped.computeChecksum());
      }
      position += batch.sizeInBytes();
    }
    throw new AssertionError("no batch at offset " + baseOffset + " in " + segment);
  }
}
