package sluice.actors.quorum;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;

/**
 * The brokers a cluster is configured with ({@code sluice.cluster.contact-points}), and the quorum
 * they make: a cluster forms, metadata changes and writes are acknowledged only while {@link
 * #quorum()} of them are together. The count is fixed by configuration, like KRaft's controller
 * voters, never taken from whoever happens to be reachable: an island of one would otherwise be a
 * majority of itself.
 *
 * @param contactPoints each broker's management endpoint, {@code host:port}; empty for a broker on
 *     its own
 */
public record ConfiguredBrokers(List<String> contactPoints) {

  public ConfiguredBrokers {
    contactPoints = List.copyOf(contactPoints);
    for (String point : contactPoints) {
      int colon = point.lastIndexOf(':');
      if (colon <= 0 || colon == point.length() - 1 || !isPort(point.substring(colon + 1))) {
        throw new IllegalArgumentException(
            "sluice.cluster.contact-points: '"
                + point
                + "' is not host:port (a broker's Akka Management endpoint)");
      }
    }
    if (contactPoints.stream().distinct().count() != contactPoints.size()) {
      throw new IllegalArgumentException(
          "sluice.cluster.contact-points lists a broker twice: " + contactPoints);
    }
  }

  /**
   * @throws IllegalArgumentException naming the key when it is missing or malformed
   */
  public static ConfiguredBrokers fromConfig(Config config) {
    try {
      return new ConfiguredBrokers(config.getStringList("sluice.cluster.contact-points"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Bad cluster configuration: " + e.getMessage(), e);
    }
  }

  /** N, the number of brokers the cluster is configured with: 1 when none are listed. */
  public int count() {
    return Math.max(1, contactPoints.size());
  }

  /** N/2 + 1 (rounded down): the fewest brokers that make a majority of the configured ones. */
  public int quorum() {
    return count() / 2 + 1;
  }

  /** Whether {@code brokers} brokers together (up, reachable from each other) are a quorum. */
  public boolean isQuorum(int brokers) {
    return brokers >= quorum();
  }

  private static boolean isPort(String text) {
    try {
      int port = Integer.parseInt(text);
      return port > 0 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
