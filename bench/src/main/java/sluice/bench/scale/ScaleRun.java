package sluice.bench.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import sluice.actors.metadata.MetadataLayout;
import sluice.bench.failover.SluiceCluster;
import sluice.bench.http.DeliveryReports;
import sluice.bench.http.Latencies;
import sluice.bench.http.PartitionMetadata;
import sluice.bench.http.RecordBodies;
import sluice.bench.http.RestProxyClient;

/**
 * One row of the scale bench: a fresh cluster of {@code brokers} brokers, one topic of {@code
 * partitions} partitions at replication factor {@code brokers}, then in order: creation until every
 * partition is led with a full ISR; one 100-byte record to every partition (the first-touch
 * latency); a settle pause and an idle window (RSS, open fds, CPU per broker); on 3 brokers the ISR
 * change ({@link IsrChangeProbe}) and an election ({@link ElectionProbe}); SIGTERM of every broker
 * still running (time to stop); and the size of the {@code sluice-topic-list} value and of the
 * largest partition register in the stopped brokers' durable stores ({@link DurableStoreSizes}). A
 * step that fails or passes the deadline ends the row there, noted; the cluster is always stopped.
 * Not thread-safe.
 */
final class ScaleRun {

  static final String TOPIC = "scale";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final ScaleOptions options;
  private final int brokers;
  private final int partitions;

  ScaleRun(ScaleOptions options, int brokers, int partitions) {
    this.options = options;
    this.brokers = brokers;
    this.partitions = partitions;
  }

  ScaleRow run() {
    ScaleRow row =
        new ScaleRow(
            brokers == 1 ? "1 broker, RF=1" : brokers + " brokers, RF=" + brokers, partitions);
    System.out.printf(Locale.ROOT, "%n== %s, %,d partitions ==%n", row.layout(), partitions);
    Deadline deadline = Deadline.in(options.deadline());
    List<String> overrides = new ArrayList<>(options.overrides());
    overrides.add("-Dsluice.controller.max-partitions-per-topic=" + Math.max(10_000, partitions));
    if (brokers > 1) {
      overrides.add("-Dsluice.replication.replica-lag-time-max=" + options.replicaLag());
    }
    SluiceCluster cluster;
    try {
      cluster =
          SluiceCluster.start(
              brokers,
              options.home(),
              options.heap(),
              overrides,
              START_TIMEOUT,
              options.keepData());
    } catch (IOException | RuntimeException e) {
      row.note("the cluster did not start: " + firstLine(e));
      return row;
    }
    try {
      measure(cluster, row, deadline);
    } catch (Deadline.Exceeded e) {
      row.note("STOPPED: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      row.note("failed: " + firstLine(e));
    }
    stop(cluster, row);
    return row;
  }

  private void measure(SluiceCluster cluster, ScaleRow row, Deadline deadline) throws IOException {
    RestProxyClient any = cluster.client(1);
    String clusterId = any.clusterId();
    TopicWatch watch = new TopicWatch(any, clusterId, TOPIC, partitions);
    long createStart = System.nanoTime();
    try {
      any.createTopic(clusterId, TOPIC, partitions, brokers, Map.of());
    } catch (IOException e) {
      System.out.println("  creating the topic answered: " + firstLine(e) + "; waiting for it");
    }
    watch.awaitFullIsr(brokers, "creating the topic", deadline);
    row.createSeconds = (System.nanoTime() - createStart) / 1e9;
    System.out.printf(
        Locale.ROOT, "  created, every partition led with a full ISR: %.1f s%n", row.createSeconds);

    touch(cluster, clusterId, row, deadline);
    Map<Integer, PartitionMetadata> led =
        watch.awaitFullIsr(brokers, "catching up after the touch", deadline);

    TopicWatch.sleep(options.settle());
    deadline.check("settling", "before the idle window");
    idle(cluster, row);

    if (brokers == 3) {
      IsrChangeProbe probe = new IsrChangeProbe(cluster, clusterId, TOPIC, options);
      for (int round = 0; round < options.isrRounds(); round++) {
        ScaleRow.IsrCost cost = probe.measure(led, deadline);
        row.isrCost = row.isrCost == null ? cost : row.isrCost.plus(cost);
      }
      led = watch.awaitFullIsr(brokers, "the ISR after the ISR change", deadline);
      new ElectionProbe(cluster, clusterId, TOPIC).measure(led, row, deadline);
    }
  }

  /** One 100-byte record to every partition, acks=1, through the brokers in turn. */
  private void touch(SluiceCluster cluster, String clusterId, ScaleRow row, Deadline deadline)
      throws IOException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    ExecutorService workers = Executors.newFixedThreadPool(options.touchConnections());
    List<Future<Latencies>> results = new ArrayList<>();
    long start = System.nanoTime();
    for (int w = 0; w < options.touchConnections(); w++) {
      results.add(
          workers.submit(
              () -> {
                Latencies latencies = new Latencies();
                int p;
                while ((p = next.getAndIncrement()) < partitions && !deadline.passed()) {
                  RestProxyClient client = cluster.client(p % brokers + 1);
                  byte[] body =
                      RecordBodies.record(p, new byte[100]).getBytes(StandardCharsets.UTF_8);
                  long sent = System.nanoTime();
                  try {
                    client.produce(
                        client.producePath(clusterId, TOPIC, "1"),
                        body,
                        failures(failed, firstError));
                  } catch (IOException e) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e.getMessage());
                  }
                  latencies.record(System.nanoTime() - sent);
                }
                return latencies;
              }));
    }
    Latencies all = new Latencies();
    try {
      for (Future<Latencies> r : results) {
        all.merge(r.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted touching the partitions", e);
    } catch (ExecutionException e) {
      throw new IOException("touching the partitions failed", e.getCause());
    } finally {
      workers.shutdownNow();
    }
    deadline.check(
        "giving every partition its first record",
        String.format(Locale.ROOT, "%,d of %,d partitions touched", all.count(), partitions));
    row.touchP50Millis = all.percentileMillis(50);
    row.touchP99Millis = all.percentileMillis(99);
    System.out.printf(
        Locale.ROOT,
        "  one record to each partition in %.1f s: p50 %.1f ms, p99 %.1f ms, %d failed%s%n",
        (System.nanoTime() - start) / 1e9,
        row.touchP50Millis,
        row.touchP99Millis,
        failed.get(),
        firstError.get() == null ? "" : " (first: " + firstError.get() + ")");
    if (failed.get() > 0) {
      row.note(failed.get() + " first records failed, first: " + firstError.get());
    }
  }

  private static DeliveryReports.Listener failures(
      AtomicInteger failed, AtomicReference<String> firstError) {
    return (ok, partition, offset, message) -> {
      if (!ok) {
        failed.incrementAndGet();
        firstError.compareAndSet(null, message);
      }
    };
  }

  /** RSS and open fds at the end of the idle window, CPU over it, per broker. */
  private void idle(SluiceCluster cluster, ScaleRow row) throws IOException {
    long ticksPerSecond = CpuClock.ticksPerSecond();
    ProcessSample[] before = new ProcessSample[brokers];
    for (int k = 1; k <= brokers; k++) {
      before[k - 1] = ProcessSample.read(cluster.pid(k));
    }
    long start = System.nanoTime();
    TopicWatch.sleep(options.idle());
    double seconds = (System.nanoTime() - start) / 1e9;
    for (int k = 1; k <= brokers; k++) {
      ProcessSample after = ProcessSample.read(cluster.pid(k));
      ScaleRow.Resources r =
          new ScaleRow.Resources(
              after.rssBytes(),
              after.openFds(),
              CpuClock.percentOfCore(
                  after.cpuTicks() - before[k - 1].cpuTicks(), ticksPerSecond, seconds));
      row.resources.put(k, r);
      System.out.printf(
          Locale.ROOT,
          "  broker %d at rest: RSS %,.0f MB, %,d open fds, %.1f%% of a core over %.0f s%n",
          k,
          r.rssBytes() / 1e6,
          r.openFds(),
          r.idleCpuPercentOfCore(),
          seconds);
    }
  }

  /** Every key's size, but the partition registers as one count, range and total. */
  static String summary(Map<String, Long> sizes) {
    var others = new TreeMap<String, Long>();
    var registers = new LongSummaryStatistics();
    sizes.forEach(
        (key, bytes) -> {
          if (key.startsWith(MetadataLayout.PARTITION_PREFIX)) {
            registers.accept(bytes);
          } else {
            others.put(key, bytes);
          }
        });
    if (registers.getCount() == 0) {
      return others.toString();
    }
    return String.format(
        Locale.ROOT,
        "%s, %,d partition registers of %d-%d B (%,d B in all)",
        others,
        registers.getCount(),
        registers.getMin(),
        registers.getMax(),
        registers.getSum());
  }

  private void stop(SluiceCluster cluster, ScaleRow row) {
    Map<Integer, Duration> took = cluster.stopAll();
    took.values().stream()
        .mapToDouble(d -> d.toMillis() / 1e3)
        .max()
        .ifPresent(s -> row.stopSeconds = s);
    System.out.println("  stopped on SIGTERM, seconds per broker: " + took);
    for (int k = 1; k <= brokers; k++) {
      try {
        Map<String, Long> sizes = DurableStoreSizes.read(cluster.dataDir(k));
        System.out.println("  broker " + k + " durable store, bytes per key: " + summary(sizes));
        Long list = sizes.get(MetadataLayout.TOPIC_LIST.id());
        if (list != null && (row.topicListBytes == null || list > row.topicListBytes)) {
          row.topicListBytes = list;
        }
        sizes.entrySet().stream()
            .filter(e -> e.getKey().startsWith(MetadataLayout.PARTITION_PREFIX))
            .mapToLong(Map.Entry::getValue)
            .max()
            .ifPresent(
                register -> {
                  if (row.partitionRegisterBytes == null || register > row.partitionRegisterBytes) {
                    row.partitionRegisterBytes = register;
                  }
                });
      } catch (RuntimeException e) {
        row.note("cannot read broker " + k + "'s durable store: " + firstLine(e));
      }
    }
    try {
      cluster.close();
    } catch (IOException e) {
      row.note("cleaning up: " + firstLine(e));
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
