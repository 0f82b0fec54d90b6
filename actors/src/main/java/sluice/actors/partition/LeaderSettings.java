package sluice.actors.partition;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The partition leader's settings, from {@code sluice.broker-id} and {@code sluice.partition.*}.
 *
 * @param brokerId this broker's id, compared with the leader in the topic metadata
 * @param snapshotEvery batches between snapshots of the leader state
 * @param metadataReadTimeout how long a majority read of the topic metadata may take at start
 */
record LeaderSettings(int brokerId, int snapshotEvery, Duration metadataReadTimeout) {

  LeaderSettings {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException(
          "sluice.partition.snapshot-every must be at least 1, not " + snapshotEvery);
    }
    if (metadataReadTimeout.isNegative() || metadataReadTimeout.isZero()) {
      throw new IllegalArgumentException(
          "sluice.partition.metadata-read-timeout must be positive, not " + metadataReadTimeout);
    }
  }

  static LeaderSettings from(Config config) {
    return new LeaderSettings(
        config.getInt("sluice.broker-id"),
        config.getInt("sluice.partition.snapshot-every"),
        config.getDuration("sluice.partition.metadata-read-timeout"));
  }
}
