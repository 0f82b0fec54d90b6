package sluice.bench.groups;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The light producer that keeps records flowing while a group rebalances: each round sends one
 * record to every partition, its value the 8 bytes (big-endian) of {@link System#nanoTime} at the
 * send, so a consumer in this JVM can tell whether a record was produced after a given instant. Not
 * thread-safe: one pacing thread sends.
 */
public interface StampProducer extends AutoCloseable {

  /** One record to each partition, stamped now. */
  void sendRound() throws IOException;

  /** Records refused or lost so far. */
  long failed();

  @Override
  void close() throws IOException;

  /** The value of a record sent at {@code nanos}. */
  static byte[] stamp(long nanos) {
    return ByteBuffer.allocate(Long.BYTES).putLong(nanos).array();
  }

  /** The stamp of a value, or -1 when it is not one. */
  static long stampOf(byte[] value) {
    return value == null || value.length != Long.BYTES ? -1 : ByteBuffer.wrap(value).getLong();
  }
}
