package sluice.actors.replica;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The follower side's settings, from {@code sluice.broker-id}, {@code
 * sluice.partition.snapshot-every} and {@code sluice.replication.*} (see {@code reference.conf}).
 *
 * @param brokerId this broker's id: a follower runs for each partition that lists it as a replica
 *     but names another broker as leader
 * @param fetchMaxBytes most bytes one replica fetch asks for (at least one batch is sent anyway)
 * @param fetchMaxWait how long the leader may park a replica fetch that finds nothing new
 * @param fetchBackoff the first pause before a failed fetch is sent again; it doubles per failure
 * @param fetchMaxBackoff the longest such pause; also the pause before a follower that stopped on
 *     its own (a failed write or recovery) is started again
 * @param fetchAskMargin how much longer than {@code fetchMaxWait} a follower waits for the answer
 *     once its leader has answered it
 * @param firstFetchAskMargin the same, until its leader has answered it once: a fetch sent into a
 *     dead broker's shard region before the shard moved is lost, not answered
 * @param leaseTimeout how long a starting partition leader waits for its log's write lease
 * @param snapshotEvery batches between snapshots of a follower's state, as for the leader
 * @param producerIdExpiration how long a follower remembers an idempotent producer that wrote
 *     nothing, as the leader ({@code sluice.partition.producer-id-expiration})
 */
public record ReplicationSettings(
    int brokerId,
    int fetchMaxBytes,
    Duration fetchMaxWait,
    Duration fetchBackoff,
    Duration fetchMaxBackoff,
    Duration fetchAskMargin,
    Duration firstFetchAskMargin,
    Duration leaseTimeout,
    int snapshotEvery,
    Duration producerIdExpiration) {

  public ReplicationSettings {
    if (fetchMaxBytes < 1) {
      throw new IllegalArgumentException(
          "sluice.replication.fetch-max-bytes must be at least 1, not " + fetchMaxBytes);
    }
    requirePositive("fetch-max-wait", fetchMaxWait);
    requirePositive("fetch-backoff", fetchBackoff);
    requirePositive("fetch-max-backoff", fetchMaxBackoff);
    requirePositive("fetch-ask-margin", fetchAskMargin);
    requirePositive("first-fetch-ask-margin", firstFetchAskMargin);
    requirePositive("lease-timeout", leaseTimeout);
    if (fetchMaxBackoff.compareTo(fetchBackoff) < 0) {
      throw new IllegalArgumentException(
          "sluice.replication.fetch-max-backoff ("
              + fetchMaxBackoff
              + ") must not be below fetch-backoff ("
              + fetchBackoff
              + ")");
    }
    if (producerIdExpiration.isNegative() || producerIdExpiration.isZero()) {
      throw new IllegalArgumentException(
          "sluice.partition.producer-id-expiration must be positive, not " + producerIdExpiration);
    }
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException(
          "sluice.partition.snapshot-every must be at least 1, not " + snapshotEvery);
    }
  }

  private static void requirePositive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "sluice.replication." + key + " must be positive, not " + value);
    }
  }

  public static ReplicationSettings from(Config config) {
    Config replication = config.getConfig("sluice.replication");
    long maxBytes = replication.getBytes("fetch-max-bytes");
    if (maxBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "sluice.replication.fetch-max-bytes must be below 2 GiB, not " + maxBytes);
    }
    return new ReplicationSettings(
        config.getInt("sluice.broker-id"),
        (int) maxBytes,
        replication.getDuration("fetch-max-wait"),
        replication.getDuration("fetch-backoff"),
        replication.getDuration("fetch-max-backoff"),
        replication.getDuration("fetch-ask-margin"),
        replication.getDuration("first-fetch-ask-margin"),
        replication.getDuration("lease-timeout"),
        config.getInt("sluice.partition.snapshot-every"),
        config.getDuration("sluice.partition.producer-id-expiration"));
  }
}
