package sluice.bench.scale;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import sluice.bench.http.PartitionMetadata;
import sluice.bench.http.RestProxyClient;

/**
 * Waits on the metadata of one topic as a broker's HTTP API shows it ({@code GET .../partitions},
 * which asks every leader for its offsets: at most one such call in flight, each started when the
 * previous answered). Stateless apart from its arguments; not thread-safe.
 */
public final class TopicWatch {

  private static final Duration POLL = Duration.ofMillis(500);

  private final RestProxyClient client;
  private final String clusterId;
  private final String topic;
  private final int partitions;

  public TopicWatch(RestProxyClient client, String clusterId, String topic, int partitions) {
    this.client = client;
    this.clusterId = clusterId;
    this.topic = topic;
    this.partitions = partitions;
  }

  /**
   * Waits until every partition has a leader and {@code replicationFactor} in-sync replicas;
   * returns the partitions as last seen.
   */
  public Map<Integer, PartitionMetadata> awaitFullIsr(
      int replicationFactor, String step, Deadline deadline) throws IOException {
    String progress = "no answer yet";
    while (true) {
      try {
        Map<Integer, PartitionMetadata> seen = client.partitions(clusterId, topic);
        long ready =
            seen.values().stream()
                .filter(p -> p.leaderId() > 0 && p.isr().size() == replicationFactor)
                .count();
        if (seen.size() == partitions && ready == partitions) {
          return seen;
        }
        progress =
            String.format(
                Locale.ROOT,
                "%,d of %,d partitions listed, %,d led with %d in-sync replicas",
                seen.size(),
                partitions,
                ready,
                replicationFactor);
      } catch (IOException e) {
        progress = "last answer: " + e.getMessage();
      }
      deadline.check(step, progress);
      sleep(POLL);
    }
  }

  static void sleep(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
