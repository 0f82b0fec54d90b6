package sluice.actors.gateway;

import java.time.Duration;

/**
 * The one rule by which a reader of cached topic metadata decides that its copy cannot answer a
 * request and must read the topic again, shared by the gateway (reading its broker's {@code
 * MetadataView}: again locally, then from a majority) and the HTTP API's {@code GatewayClient} (its
 * own copies of topic descriptions: read again from the gateway's view).
 *
 * <p>A copy is stale when the topic is not in it, when it has aged past the reader's maximum age,
 * or when the request names a partition beyond its partition count (partitions may have been added
 * through another broker since). After one refresh, what is still missing is refused: an absent
 * topic as unknown, a partition beyond the fresh count by the reader's own partition check. A stale
 * copy can otherwise only let a request through to the leader, which answers for itself. Pure.
 */
public final class MetadataRefresh {
  private MetadataRefresh() {}

  /** The highest partition of a request that names none. */
  public static final int NO_PARTITION = -1;

  /** The partition count of a topic the reader does not hold (or holds too old a copy of). */
  public static final int NOT_HELD = -1;

  /** What the reader does with the request. */
  public enum Step {
    /** Serve it from the copy (refusing partitions beyond its count itself). */
    USE,
    /** Read the topic again, then decide again with {@code refreshed}. */
    REFRESH,
    /** Refuse it: the topic does not exist. */
    UNKNOWN_TOPIC
  }

  /**
   * @param heldPartitions the partition count of the reader's copy of the topic, {@link #NOT_HELD}
   *     if it has none
   * @param highestPartition the highest partition the request names, {@link #NO_PARTITION} if none
   * @param refreshed whether the reader already read the topic again for this request
   */
  public static Step decide(int heldPartitions, int highestPartition, boolean refreshed) {
    if (heldPartitions != NOT_HELD && highestPartition < heldPartitions) {
      return Step.USE;
    }
    if (!refreshed) {
      return Step.REFRESH;
    }
    return heldPartitions == NOT_HELD ? Step.UNKNOWN_TOPIC : Step.USE;
  }

  /** Whether a copy taken at {@code takenAtMillis} may still be used at {@code nowMillis}. */
  public static boolean fresh(long takenAtMillis, long nowMillis, Duration maxAge) {
    return nowMillis - takenAtMillis < maxAge.toMillis();
  }
}
