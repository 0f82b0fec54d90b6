package sluice.bench.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sluice.bench.Args;
import sluice.bench.report.MachineLoad;

/**
 * The Apache Kafka anchor for produce throughput: starts a one-node Kafka 4.1 KRaft {@link
 * KafkaCluster} of one node in a child JVM, runs Kafka's own {@code ProducerPerformance} with
 * {@code acks=1} and {@code acks=all} (one single-partition topic each), prints records/s, MB/s and
 * latency percentiles, and stops the broker.
 *
 * <p>Usage: {@code kafka-producer-perf [--records N] [--record-size BYTES] [--broker-heap 1g]}.
 */
public final class KafkaProducerAnchor {

  /** Acks levels measured, in order. */
  public static final List<String> ACKS = List.of("1", "all");

  private KafkaProducerAnchor() {}

  public static void main(String[] argv) throws IOException {
    Args args = Args.parse(argv, List.of("records", "record-size", "broker-heap"));
    long records = args.longValue("records", 2_000_000L);
    int recordSize = args.intValue("record-size", 100);
    String heap = args.string("broker-heap", "1g");
    String loadBefore = MachineLoad.describe();
    Map<String, ProducerPerfResult> results = measure(records, recordSize, heap, ACKS);
    System.out.println();
    System.out.print(table(results));
    System.out.println("at start: " + loadBefore);
    System.out.println("at end:   " + MachineLoad.describe());
  }

  /**
   * Starts a broker, runs {@code ProducerPerformance} once per acks level ({@code 0}, {@code 1} or
   * {@code all}) and returns the results by acks level.
   */
  public static Map<String, ProducerPerfResult> measure(
      long records, int recordSize, String heap, List<String> acksLevels) throws IOException {
    Map<String, ProducerPerfResult> results = new LinkedHashMap<>();
    System.out.println("Starting a one-node Apache Kafka 4.1 KRaft broker (child JVM) ...");
    try (KafkaCluster broker = KafkaCluster.start(1, heap, Duration.ofMinutes(2))) {
      System.out.println("Kafka broker ready at " + broker.bootstrapServers());
      for (String acks : acksLevels) {
        String topic = "perf-acks-" + acks;
        broker.createTopic(topic, 1, 1, Map.of());
        ProducerPerformanceRun run =
            new ProducerPerformanceRun(broker.bootstrapServers(), topic, records, recordSize, acks);
        results.put(acks, run.run(Duration.ofMinutes(10)));
      }
    }
    return results;
  }

  /** The results as a small table, one line per acks level. */
  public static String table(Map<String, ProducerPerfResult> results) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-40s %12s %9s %8s %8s%n",
            "Kafka 4.1 ProducerPerformance",
            "records/s",
            "MB/s",
            "p50 ms",
            "p99 ms"));
    results.forEach(
        (acks, r) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    "%-40s %,12.0f %9.2f %8d %8d%n",
                    "acks=" + acks + " (" + r.records() + " records)",
                    r.recordsPerSecond(),
                    r.megabytesPerSecond(),
                    r.p50Ms(),
                    r.p99Ms())));
    return out.toString();
  }
}
