package sluice.bench.scale;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import sluice.bench.failover.SluiceCluster;
import sluice.bench.http.DeliveryReports;
import sluice.bench.http.PartitionMetadata;
import sluice.bench.http.RecordBodies;
import sluice.bench.http.RestProxyClient;

/**
 * Makes one partition's ISR change and measures what it cost the 3-broker cluster: first a quiet
 * baseline window, then a window in which a follower broker F (neither the partition's leader nor
 * the controller's broker) is paused with SIGSTOP, one record is produced to the partition, the
 * leader takes F out of the ISR after {@code replica-lag-time-max} (only this partition has a
 * record F lacks, so only its ISR changes), F is resumed with SIGCONT as soon as the shrink shows
 * in the metadata, catches up and is taken back in. The window ends {@code settle} after the ISR is
 * full again, so it holds two ISR changes (counted from the controller's "ISR of ... is now" log
 * lines) and the gossip that spreads them. Over both windows it reads every broker's {@code
 * write_bytes} ({@link ProcessSample}) and the Artery bytes ({@link ArteryTraffic}); the cost is
 * the window's growth net of the baseline's ({@link WindowDelta}). F is paused well within the
 * failure detector's margin (about 3 s to unreachable, 2 s more to down), so no member changes. Not
 * thread-safe.
 */
final class IsrChangeProbe {

  private static final Duration POLL = Duration.ofMillis(50);
  private static final String ISR_LINE = "ISR of ";

  private final SluiceCluster cluster;
  private final String clusterId;
  private final String topic;
  private final ScaleOptions options;

  IsrChangeProbe(SluiceCluster cluster, String clusterId, String topic, ScaleOptions options) {
    this.cluster = cluster;
    this.clusterId = clusterId;
    this.topic = topic;
    this.options = options;
  }

  ScaleRow.IsrCost measure(Map<Integer, PartitionMetadata> partitions, Deadline deadline)
      throws IOException {
    int controller = cluster.client(1).controllerId(clusterId);
    int partition = partitions.keySet().iterator().next();
    int leader = partitions.get(partition).leaderId();
    int candidate = 1;
    while (candidate == leader || candidate == controller) {
      candidate++;
    }
    int paused = candidate;
    RestProxyClient watcher = cluster.client(controller > 0 ? controller : leader);
    Set<Integer> ports = new HashSet<>();
    for (int k = 1; k <= cluster.size(); k++) {
      ports.add(cluster.clusterPort(k));
    }
    System.out.printf(
        Locale.ROOT,
        "  ISR change of %s-%d: leader %d, controller on %d, pausing follower broker %d%n",
        topic,
        partition,
        leader,
        controller,
        paused);

    long[] baseStart = writeBytes();
    Map<String, ArteryTraffic.Socket> baseTraffic = ArteryTraffic.sample(ports);
    long baseStartNanos = System.nanoTime();
    TopicWatch.sleep(options.baseline());
    long[] baseEnd = writeBytes();
    Map<String, ArteryTraffic.Socket> baseEndTraffic = ArteryTraffic.sample(ports);
    long baseGossip = ArteryTraffic.delta(baseTraffic, baseEndTraffic);
    Set<Long> pair = new HashSet<>();
    for (int k = 1; k <= cluster.size(); k++) {
      if (k != paused) {
        pair.add(cluster.pid(k));
      }
    }
    long basePair = ArteryTraffic.delta(baseTraffic, baseEndTraffic, pair);
    Duration baseline = Duration.ofNanos(System.nanoTime() - baseStartNanos);

    long[] logOffsets = logLengths();
    long[] start = writeBytes();
    Map<String, ArteryTraffic.Socket> startTraffic = ArteryTraffic.sample(ports);
    long startNanos = System.nanoTime();
    cluster.signal(paused, "STOP");
    boolean shrunk;
    try {
      byte[] body = RecordBodies.record(partition, new byte[100]).getBytes(StandardCharsets.UTF_8);
      cluster
          .client(leader)
          .produce(
              cluster.client(leader).producePath(clusterId, topic, "1"), body, failIfRefused());
      shrunk = awaitIsr(watcher, partition, isr -> !isr.contains(paused), startNanos);
    } finally {
      cluster.signal(paused, "CONT");
    }
    double pausedSeconds = (System.nanoTime() - startNanos) / 1e9;
    if (!shrunk) {
      throw new IOException(
          String.format(
              Locale.ROOT,
              "the ISR of %s-%d still held broker %d after pausing it for %.1f s (--pause-limit);"
                  + " the leader takes a follower out after --replica-lag %s",
              topic,
              partition,
              paused,
              pausedSeconds,
              options.replicaLag()));
    }
    Duration full = Duration.ofSeconds(60);
    if (!awaitIsr(watcher, partition, isr -> isr.size() == 3, System.nanoTime(), full)) {
      throw new IOException(
          "broker "
              + paused
              + " did not rejoin the ISR of "
              + topic
              + "-"
              + partition
              + " in 60 s");
    }
    deadline.check("the ISR change", "the ISR is full again");
    TopicWatch.sleep(options.settle());
    long[] end = writeBytes();
    Map<String, ArteryTraffic.Socket> endTraffic = ArteryTraffic.sample(ports);
    long gossip = ArteryTraffic.delta(startTraffic, endTraffic);
    long pairGossip = ArteryTraffic.delta(startTraffic, endTraffic, pair);
    Duration window = Duration.ofNanos(System.nanoTime() - startNanos);
    int changes = countIsrLines(logOffsets);

    long storedWindow = 0;
    long storedBaseline = 0;
    StringBuilder perBroker = new StringBuilder();
    for (int k = 0; k < start.length; k++) {
      storedWindow += end[k] - start[k];
      storedBaseline += baseEnd[k] - baseStart[k];
      perBroker.append(
          String.format(
              Locale.ROOT,
              " broker %d %,d B (baseline %,d B);",
              k + 1,
              end[k] - start[k],
              baseEnd[k] - baseStart[k]));
    }
    System.out.printf(
        Locale.ROOT,
        "  window %.1f s (broker %d paused %.1f s), baseline %.1f s: %d ISR changes;"
            + " write_bytes%s Artery, all brokers %,d B (baseline %,d B), between the two never"
            + " paused %,d B (baseline %,d B)%n",
        window.toMillis() / 1e3,
        paused,
        pausedSeconds,
        baseline.toMillis() / 1e3,
        changes,
        perBroker,
        gossip,
        baseGossip,
        pairGossip,
        basePair);
    return new ScaleRow.IsrCost(
        changes,
        WindowDelta.net(storedWindow, window, storedBaseline, baseline),
        WindowDelta.net(pairGossip, window, basePair, baseline),
        WindowDelta.net(gossip, window, baseGossip, baseline));
  }

  private boolean awaitIsr(
      RestProxyClient watcher, int partition, Predicate<List<Integer>> wanted, long sinceNanos)
      throws IOException {
    return awaitIsr(watcher, partition, wanted, sinceNanos, options.pauseLimit());
  }

  private boolean awaitIsr(
      RestProxyClient watcher,
      int partition,
      Predicate<List<Integer>> wanted,
      long sinceNanos,
      Duration limit)
      throws IOException {
    while (System.nanoTime() - sinceNanos < limit.toNanos()) {
      if (wanted.test(watcher.partition(clusterId, topic, partition).isr())) {
        return true;
      }
      TopicWatch.sleep(POLL);
    }
    return false;
  }

  private static DeliveryReports.Listener failIfRefused() {
    return (ok, partition, offset, message) -> {
      if (!ok) {
        throw new IllegalStateException(
            "the record that makes the ISR change was refused: " + message);
      }
    };
  }

  private long[] writeBytes() throws IOException {
    long[] bytes = new long[cluster.size()];
    for (int k = 1; k <= cluster.size(); k++) {
      bytes[k - 1] = ProcessSample.read(cluster.pid(k)).writeBytes();
    }
    return bytes;
  }

  private long[] logLengths() throws IOException {
    long[] lengths = new long[cluster.size()];
    for (int k = 1; k <= cluster.size(); k++) {
      lengths[k - 1] = Files.size(cluster.logFile(k));
    }
    return lengths;
  }

  /** The controller's "ISR of ... is now" lines written to any broker's log since {@code from}. */
  private int countIsrLines(long[] from) throws IOException {
    int count = 0;
    for (int k = 1; k <= cluster.size(); k++) {
      try (RandomAccessFile log = new RandomAccessFile(cluster.logFile(k).toFile(), "r")) {
        byte[] added = new byte[(int) Math.max(0, log.length() - from[k - 1])];
        log.seek(from[k - 1]);
        log.readFully(added);
        for (String line : new String(added, StandardCharsets.UTF_8).split("\n")) {
          if (line.contains(ISR_LINE + topic + "-") && line.contains(" is now ")) {
            count++;
          }
        }
      }
    }
    return count;
  }
}
