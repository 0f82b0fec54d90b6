package sluice.bench.kafka;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The final summary line of Apache Kafka's {@code ProducerPerformance}, e.g.
 *
 * <pre>
 * 2000000 records sent, 251762.3 records/sec (24.01 MB/sec), 95.10 ms avg latency, 321.00 ms max
 * latency, 89 ms 50th, 210 ms 95th, 280 ms 99th, 310 ms 99.9th.
 * </pre>
 *
 * (one line in the tool's output). Kafka's MB is 2^20 bytes; {@link #megabytesPerSecond()} converts
 * to 10^6 bytes so every figure the bench prints uses one unit. Latencies are per record, from
 * {@code send()} to its acknowledgement (batching wait included).
 *
 * @param records records sent
 * @param recordsPerSecond throughput in records per second
 * @param mebibytesPerSecond throughput as Kafka prints it, MiB per second
 * @param avgLatencyMs mean per-record latency
 * @param maxLatencyMs max per-record latency
 * @param p50Ms median latency
 * @param p95Ms 95th percentile latency
 * @param p99Ms 99th percentile latency
 * @param p999Ms 99.9th percentile latency
 */
public record ProducerPerfResult(
    long records,
    double recordsPerSecond,
    double mebibytesPerSecond,
    double avgLatencyMs,
    double maxLatencyMs,
    long p50Ms,
    long p95Ms,
    long p99Ms,
    long p999Ms) {

  private static final Pattern SUMMARY =
      Pattern.compile(
          "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg"
              + " latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms"
              + " 99th, (\\d+) ms 99\\.9th\\.");

  /** Throughput in 10^6 bytes per second. */
  public double megabytesPerSecond() {
    return mebibytesPerSecond * 1024 * 1024 / 1_000_000.0;
  }

  /** Parses the summary out of the tool's output lines (the last matching line wins). */
  public static Optional<ProducerPerfResult> parse(List<String> outputLines) {
    ProducerPerfResult found = null;
    for (String line : outputLines) {
      Matcher m = SUMMARY.matcher(line.trim());
      if (m.matches()) {
        found =
            new ProducerPerfResult(
                Long.parseLong(m.group(1)),
                Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)),
                Double.parseDouble(m.group(4)),
                Double.parseDouble(m.group(5)),
                Long.parseLong(m.group(6)),
                Long.parseLong(m.group(7)),
                Long.parseLong(m.group(8)),
                Long.parseLong(m.group(9)));
      }
    }
    return Optional.ofNullable(found);
  }
}
