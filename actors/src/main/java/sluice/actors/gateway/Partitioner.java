package sluice.actors.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import sluice.actors.api.ProduceRecord;

/**
 * Chooses a record's partition as Kafka's default producer does: the record's explicit partition if
 * set, else the murmur2 hash of its key ({@link Murmur2#partitionForKey}), else the topic's sticky
 * partition. A request's keyless records all go to one sticky partition, so they form one batch;
 * each new request moves the topic's sticky partition to another one, so keyless load spreads over
 * all partitions across requests.
 *
 * <p>Not thread-safe: one per gateway actor. The randomness is injected so tests are repeatable.
 */
public final class Partitioner {
  private final RandomGenerator random;
  private final Map<String, Integer> sticky = new HashMap<>();

  public Partitioner(RandomGenerator random) {
    this.random = random;
  }

  /**
   * Starts a produce request to {@code topic}: picks the sticky partition its keyless records use,
   * different from the previous request's when the topic has more than one partition.
   */
  public Request startRequest(String topic, int numPartitions) {
    if (numPartitions <= 0) {
      throw new IllegalArgumentException("numPartitions must be positive, not " + numPartitions);
    }
    Integer previous = sticky.get(topic);
    int next;
    if (numPartitions == 1) {
      next = 0;
    } else if (previous == null || previous >= numPartitions) {
      next = random.nextInt(numPartitions);
    } else {
      next = (previous + 1 + random.nextInt(numPartitions - 1)) % numPartitions;
    }
    sticky.put(topic, next);
    return new Request(numPartitions, next);
  }

  /** The partition choice for the records of one produce request. */
  public record Request(int numPartitions, int stickyPartition) {
    /**
     * The record's partition, which may be out of range if the record names one explicitly; the
     * caller checks it against {@link #numPartitions()}.
     */
    public int partitionFor(ProduceRecord record) {
      if (record.partition() != null) {
        return record.partition();
      }
      if (record.key() != null) {
        return Murmur2.partitionForKey(record.key(), numPartitions);
      }
      return stickyPartition;
    }
  }
}
