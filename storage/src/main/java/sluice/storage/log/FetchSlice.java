package sluice.storage.log;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A region of a segment file holding whole batches, as returned by {@link PartitionLog#read}.
 * Nothing is copied until the caller asks: {@link #readFully()} copies into a heap buffer, {@link
 * #transferTo} sends the bytes with {@link FileChannel#transferTo} (zero-copy where the OS supports
 * it). The channel stays open at least {@code file.delete.delay.ms} after the segment is deleted,
 * so a slice may be read after retention removed its segment.
 *
 * @param channel the segment file
 * @param position where the first batch starts
 * @param sizeInBytes bytes of whole batches from there; 0 when nothing is readable
 */
public record FetchSlice(FileChannel channel, long position, int sizeInBytes) {
  public boolean isEmpty() {
    return sizeInBytes == 0;
  }

  /** The slice's bytes in a new heap buffer (position 0, limit {@code sizeInBytes}). */
  public ByteBuffer readFully() {
    ByteBuffer buffer = ByteBuffer.allocate(sizeInBytes);
    try {
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, position + buffer.position());
        if (read < 0) {
          throw new EOFException(
              "Segment file ended at "
                  + (position + buffer.position())
                  + " before the slice end "
                  + (position + sizeInBytes)
                  + " (truncated meanwhile)");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read fetch slice " + this, e);
    }
    return buffer.flip();
  }

  /** Sends all the slice's bytes to {@code target}. */
  public void transferTo(WritableByteChannel target) {
    long done = 0;
    try {
      while (done < sizeInBytes) {
        long sent = channel.transferTo(position + done, sizeInBytes - done, target);
        if (sent <= 0) {
          throw new EOFException("Segment file ended before the slice end");
        }
        done += sent;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot transfer fetch slice " + this, e);
    }
  }
}
