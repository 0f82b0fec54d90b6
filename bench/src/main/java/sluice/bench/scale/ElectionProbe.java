package sluice.bench.scale;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import sluice.bench.failover.SluiceCluster;
import sluice.bench.http.PartitionMetadata;
import sluice.bench.http.RestProxyClient;

/**
 * Times one election on the 3-broker cluster: SIGKILLs a broker V that leads a partition P and is
 * not the controller's broker (so no controller fails over), then asks the controller's broker for
 * P's metadata every 100 ms, each ask on its own thread (an ask may wait up to 2 s for the dead
 * leader's offsets), and takes the send time of the first answer naming another leader. The
 * election time therefore includes failure detection and downing (about 4.5-5 s by the timeline in
 * the actors' {@code reference.conf}) and is at most 100 ms late. Then it polls the whole topic
 * until no partition is led by V or leaderless: the time all of V's partitions took, as late as one
 * such poll (seconds on a large topic). Not thread-safe.
 */
final class ElectionProbe {

  private static final Duration ASK_EVERY = Duration.ofMillis(100);
  private static final Duration LIMIT = Duration.ofSeconds(120);

  private final SluiceCluster cluster;
  private final String clusterId;
  private final String topic;

  ElectionProbe(SluiceCluster cluster, String clusterId, String topic) {
    this.cluster = cluster;
    this.clusterId = clusterId;
    this.topic = topic;
  }

  /** Kills the victim and fills in the row's election figures. */
  void measure(Map<Integer, PartitionMetadata> partitions, ScaleRow row, Deadline deadline)
      throws IOException {
    int controller = cluster.client(1).controllerId(clusterId);
    int partition = -1;
    for (Map.Entry<Integer, PartitionMetadata> p : partitions.entrySet()) {
      if (p.getValue().leaderId() > 0 && p.getValue().leaderId() != controller) {
        partition = p.getKey();
        break;
      }
    }
    if (partition < 0 || controller < 1) {
      throw new IOException(
          "no partition led outside the controller's broker " + controller + " to elect anew");
    }
    int victim = partitions.get(partition).leaderId();
    long led = partitions.values().stream().filter(p -> p.leaderId() == victim).count();
    RestProxyClient watcher = cluster.client(controller);
    System.out.printf(
        Locale.ROOT,
        "  election: kill -9 of broker %d (leads %s-%d and %,d partitions in all; controller on %d)%n",
        victim,
        topic,
        partition,
        led,
        controller);

    AtomicLong firstNewLeaderNanos = new AtomicLong(Long.MAX_VALUE);
    ExecutorService askers = Executors.newCachedThreadPool();
    long killNanos = System.nanoTime();
    cluster.kill9(victim);
    try {
      int p = partition;
      while (firstNewLeaderNanos.get() == Long.MAX_VALUE) {
        if (System.nanoTime() - killNanos > LIMIT.toNanos()) {
          throw new IOException("no new leader of " + topic + "-" + p + " within " + LIMIT);
        }
        deadline.check("the election", "no new leader of " + topic + "-" + p + " yet");
        long sent = System.nanoTime();
        askers.execute(
            () -> {
              try {
                int now = watcher.partition(clusterId, topic, p).leaderId();
                if (now > 0 && now != victim) {
                  firstNewLeaderNanos.accumulateAndGet(sent, Math::min);
                }
              } catch (IOException e) {
                // The next ask decides.
              }
            });
        TopicWatch.sleep(ASK_EVERY);
      }
    } finally {
      askers.shutdownNow();
      try {
        askers.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    row.electionSeconds = (firstNewLeaderNanos.get() - killNanos) / 1e9;
    System.out.printf(
        Locale.ROOT, "  new leader of %s-%d after %.2f s%n", topic, partition, row.electionSeconds);

    while (true) {
      long sent = System.nanoTime();
      try {
        long stale =
            watcher.partitions(clusterId, topic).values().stream()
                .filter(m -> m.leaderId() == victim || m.leaderId() < 1)
                .count();
        if (stale == 0) {
          row.allLedSeconds = (sent - killNanos) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "  all partitions led by live brokers after %.1f s%n",
              row.allLedSeconds);
          return;
        }
        deadline.check("re-leading every partition of the killed broker", stale + " not yet");
      } catch (IOException e) {
        deadline.check("re-leading every partition of the killed broker", e.getMessage());
      }
      if (System.nanoTime() - killNanos > LIMIT.toNanos()) {
        throw new IOException("partitions still led by the killed broker after " + LIMIT);
      }
      TopicWatch.sleep(Duration.ofMillis(200));
    }
  }
}
