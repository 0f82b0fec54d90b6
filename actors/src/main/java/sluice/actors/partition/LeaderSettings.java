package sluice.actors.partition;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The partition leader's settings, from {@code sluice.broker-id}, {@code sluice.partition.*} and
 * {@code sluice.replication.*}.
 *
 * @param brokerId this broker's id, compared with the leader in the topic metadata
 * @param snapshotEvery batches between snapshots of the leader state
 * @param metadataReadTimeout how long a majority read of the topic metadata may take at start
 * @param replicaLagTimeMax how long an in-sync follower may stay behind before the leader proposes
 *     it out of the ISR (Kafka's {@code replica.lag.time.max.ms}); the ISR is checked every half of
 *     it
 * @param alterPartitionTimeout how long the leader waits for the controller's answer to an ISR
 *     change before it proposes again
 * @param highWatermarkCheckpointInterval how often the leader writes its high watermark to disk
 * @param fetchMaxBytes most bytes one fetch answers (consumer or follower), beyond a first batch
 *     that is larger: an answer must fit in one Artery frame to reach another broker
 * @param producerIdExpiration Kafka's {@code producer.id.expiration.ms}: how long the partition
 *     remembers an idempotent producer that wrote nothing
 */
record LeaderSettings(
    int brokerId,
    int snapshotEvery,
    Duration metadataReadTimeout,
    Duration replicaLagTimeMax,
    Duration alterPartitionTimeout,
    Duration highWatermarkCheckpointInterval,
    int fetchMaxBytes,
    Duration producerIdExpiration) {

  LeaderSettings {
    requirePositive("sluice.partition.producer-id-expiration", producerIdExpiration);
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException(
          "sluice.partition.snapshot-every must be at least 1, not " + snapshotEvery);
    }
    requirePositive("sluice.partition.metadata-read-timeout", metadataReadTimeout);
    requirePositive("sluice.replication.replica-lag-time-max", replicaLagTimeMax);
    requirePositive("sluice.replication.alter-partition-timeout", alterPartitionTimeout);
    requirePositive(
        "sluice.replication.high-watermark-checkpoint-interval", highWatermarkCheckpointInterval);
    if (fetchMaxBytes < 1) {
      throw new IllegalArgumentException(
          "sluice.partition.fetch-max-bytes must be at least 1, not " + fetchMaxBytes);
    }
  }

  private static void requirePositive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, not " + value);
    }
  }

  static LeaderSettings from(Config config) {
    return new LeaderSettings(
        config.getInt("sluice.broker-id"),
        config.getInt("sluice.partition.snapshot-every"),
        config.getDuration("sluice.partition.metadata-read-timeout"),
        config.getDuration("sluice.replication.replica-lag-time-max"),
        config.getDuration("sluice.replication.alter-partition-timeout"),
        config.getDuration("sluice.replication.high-watermark-checkpoint-interval"),
        (int) Math.min(Integer.MAX_VALUE, config.getBytes("sluice.partition.fetch-max-bytes")),
        config.getDuration("sluice.partition.producer-id-expiration"));
  }
}
