package sluice.actors.gateway;

/**
 * Kafka's 32-bit murmur2 hash, bit for bit as {@code org.apache.kafka.common.utils.Utils.murmur2},
 * with the same seed, so a key lands on the same partition as with a Kafka client's default
 * partitioner: {@code toPositive(murmur2(key)) % numPartitions}. Stateless, safe from any thread.
 */
public final class Murmur2 {
  private static final int SEED = 0x9747b28c;
  private static final int M = 0x5bd1e995;
  private static final int R = 24;

  private Murmur2() {}

  /** The murmur2 hash of {@code data}, read as little-endian 4-byte words, as Kafka does. */
  public static int hash(byte[] data) {
    int length = data.length;
    int h = SEED ^ length;
    int length4 = length / 4;
    for (int i = 0; i < length4; i++) {
      int i4 = i * 4;
      int k =
          (data[i4] & 0xff)
              + ((data[i4 + 1] & 0xff) << 8)
              + ((data[i4 + 2] & 0xff) << 16)
              + ((data[i4 + 3] & 0xff) << 24);
      k *= M;
      k ^= k >>> R;
      k *= M;
      h *= M;
      h ^= k;
    }
    int tail = length4 * 4;
    int remaining = length % 4;
    if (remaining == 3) {
      h ^= (data[tail + 2] & 0xff) << 16;
    }
    if (remaining >= 2) {
      h ^= (data[tail + 1] & 0xff) << 8;
    }
    if (remaining >= 1) {
      h ^= data[tail] & 0xff;
      h *= M;
    }
    h ^= h >>> 13;
    h *= M;
    h ^= h >>> 15;
    return h;
  }

  /** Kafka's {@code Utils.toPositive}: clears the sign bit (not {@code Math.abs}). */
  public static int toPositive(int number) {
    return number & 0x7fffffff;
  }

  /** The partition Kafka's default partitioner picks for a non-null key. */
  public static int partitionForKey(byte[] key, int numPartitions) {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be positive, not " + numPartitions);
    }
    return toPositive(hash(key)) % numPartitions;
  }
}
