package sluice.actors.broker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A broker's identity and where it keeps its data, read from {@code sluice.*} (documented in the
 * actors module's reference.conf).
 *
 * @param dataDir {@code sluice.data-dir}, absolute
 * @param brokerId {@code sluice.broker-id}, 0 or more
 * @param httpHost {@code sluice.http.host}, what other brokers and clients are told
 * @param httpPort {@code sluice.http.port}
 * @param startTimeout {@code sluice.broker.start-timeout}
 */
public record BrokerSettings(
    Path dataDir, int brokerId, String httpHost, int httpPort, Duration startTimeout) {

  public BrokerSettings {
    dataDir = dataDir.toAbsolutePath().normalize();
    if (brokerId < 0) {
      throw new IllegalArgumentException("sluice.broker-id must be 0 or more, not " + brokerId);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("sluice.http.port must be 0 to 65535, not " + httpPort);
    }
  }

  /**
   * @throws IllegalArgumentException naming the key and the value when one is missing or wrong
   */
  public static BrokerSettings fromConfig(Config config) {
    try {
      return new BrokerSettings(
          Path.of(config.getString("sluice.data-dir")),
          config.getInt("sluice.broker-id"),
          config.getString("sluice.http.host"),
          config.getInt("sluice.http.port"),
          config.getDuration("sluice.broker.start-timeout"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Bad broker configuration: " + e.getMessage(), e);
    }
  }

  /** Where Distributed Data keeps its durable (LMDB) files: inside the data directory. */
  public Path metadataDir() {
    return dataDir.resolve("metadata");
  }
}
