package sluice.kafka;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * The Kafka listener's settings, read from {@code sluice.kafka} (documented in this module's
 * reference.conf).
 *
 * @param enabled whether the broker runs the listener
 * @param host the interface bound, and the host other brokers' Metadata answers name
 * @param port the port bound; 0 for a free one
 * @param socketRequestMaxBytes the largest request frame accepted (Kafka's {@code
 *     socket.request.max.bytes})
 * @param maxInFlight requests of one connection served at once
 * @param adminTimeout how long Metadata and InitProducerId wait for the gateway
 */
public record KafkaSettings(
    boolean enabled,
    String host,
    int port,
    int socketRequestMaxBytes,
    int maxInFlight,
    Duration adminTimeout) {

  public KafkaSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("sluice.kafka.host must name an interface, not blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("sluice.kafka.port must be 0 to 65535, not " + port);
    }
    if (socketRequestMaxBytes < 64) {
      throw new IllegalArgumentException(
          "sluice.kafka.socket-request-max-bytes must be at least 64 bytes, not "
              + socketRequestMaxBytes);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException(
          "sluice.kafka.max-in-flight-per-connection must be 1 or more, not " + maxInFlight);
    }
    if (adminTimeout.isNegative() || adminTimeout.isZero()) {
      throw new IllegalArgumentException(
          "sluice.kafka.admin-timeout must be positive, not " + adminTimeout);
    }
  }

  /**
   * @throws IllegalArgumentException naming the key and the value when one is missing or wrong
   */
  public static KafkaSettings fromConfig(Config config) {
    try {
      Config c = config.getConfig("sluice.kafka");
      long maxBytes = c.getBytes("socket-request-max-bytes");
      if (maxBytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "sluice.kafka.socket-request-max-bytes must be below 2 GiB, not " + maxBytes);
      }
      return new KafkaSettings(
          c.getBoolean("enabled"),
          c.getString("host"),
          c.getInt("port"),
          (int) maxBytes,
          c.getInt("max-in-flight-per-connection"),
          c.getDuration("admin-timeout"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Bad Kafka listener configuration: " + e.getMessage(), e);
    }
  }
}
