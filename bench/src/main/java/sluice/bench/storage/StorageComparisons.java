package sluice.bench.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import sluice.bench.report.BenchmarkScore;
import sluice.bench.report.Comparison;

/**
 * Turns the storage benchmarks' scores into the ratios the issue sets targets for: per parameter
 * combination, append against raw {@code FileChannel} (&ge; 0.8) and against Kafka's {@code
 * LogSegment} (&ge; 1.0), Kafka's segment against raw (no target, for context), and read against
 * Kafka's (&ge; 1.0). A contender missing from the results (filtered out by the caller) leaves its
 * comparisons out. Stateless; thread-safe.
 */
public final class StorageComparisons {

  static final String APPEND = "SegmentAppendBenchmark";
  static final String READ = "SegmentReadBenchmark";
  static final String SLUICE = "sluicePartitionLog";
  static final String KAFKA = "kafkaLogSegment";
  static final String RAW = "rawFileChannel";

  private StorageComparisons() {}

  /**
   * The comparisons for {@code scores}; append scores (batches/s) are shown in MB/s of {@code
   * batchBytes}-byte batches, read scores as fetches/s.
   */
  public static List<Comparison> of(List<BenchmarkScore> scores, int batchBytes) {
    List<Comparison> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, Double>> group : groups(scores, APPEND).entrySet()) {
      Map<String, Double> byMethod = group.getValue();
      double toMb = batchBytes / 1e6;
      String name = "append 16 KiB batches" + group.getKey();
      pair(byMethod, SLUICE, RAW)
          .ifPresent(
              p ->
                  out.add(
                      Comparison.withTarget(
                          name,
                          "Sluice PartitionLog.append",
                          p[0] * toMb,
                          "raw FileChannel.write",
                          p[1] * toMb,
                          "MB/s",
                          0.8)));
      pair(byMethod, SLUICE, KAFKA)
          .ifPresent(
              p ->
                  out.add(
                      Comparison.withTarget(
                          name,
                          "Sluice PartitionLog.append",
                          p[0] * toMb,
                          "Kafka LogSegment.append",
                          p[1] * toMb,
                          "MB/s",
                          1.0)));
      pair(byMethod, KAFKA, RAW)
          .ifPresent(
              p ->
                  out.add(
                      Comparison.informational(
                          name,
                          "Kafka LogSegment.append",
                          p[0] * toMb,
                          "raw FileChannel.write",
                          p[1] * toMb,
                          "MB/s")));
    }
    for (Map.Entry<String, Map<String, Double>> group : groups(scores, READ).entrySet()) {
      pair(group.getValue(), SLUICE, KAFKA)
          .ifPresent(
              p ->
                  out.add(
                      Comparison.withTarget(
                          "read" + group.getKey(),
                          "Sluice PartitionLog.read",
                          p[0],
                          "Kafka LogSegment.read",
                          p[1],
                          "fetches/s",
                          1.0)));
    }
    return out;
  }

  /** Scores of one benchmark class grouped by a parameter label, then by method. */
  private static Map<String, Map<String, Double>> groups(
      List<BenchmarkScore> scores, String benchmarkClass) {
    Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
    for (BenchmarkScore s : scores) {
      if (s.benchmarkClass().equals(benchmarkClass)) {
        groups
            .computeIfAbsent(label(s.params()), k -> new LinkedHashMap<>())
            .put(s.method(), s.score());
      }
    }
    return groups;
  }

  /** e.g. {@code " (maxBytes=16 KiB, logBytes=256 MiB)"}, sizes made readable. */
  public static String label(Map<String, String> params) {
    if (params.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    params.forEach((k, v) -> parts.add(k + "=" + bytes(v)));
    return " (" + String.join(", ", parts) + ")";
  }

  private static String bytes(String value) {
    try {
      long v = Long.parseLong(value);
      if (v >= 1 << 20 && v % (1 << 20) == 0) {
        return String.format(Locale.ROOT, "%d MiB", v >> 20);
      }
      if (v >= 1 << 10 && v % (1 << 10) == 0) {
        return String.format(Locale.ROOT, "%d KiB", v >> 10);
      }
      return value;
    } catch (NumberFormatException e) {
      return value;
    }
  }

  private static Optional<double[]> pair(Map<String, Double> byMethod, String a, String b) {
    Double x = byMethod.get(a);
    Double y = byMethod.get(b);
    return x == null || y == null ? Optional.empty() : Optional.of(new double[] {x, y});
  }
}
