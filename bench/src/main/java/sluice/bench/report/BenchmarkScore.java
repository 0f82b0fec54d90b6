package sluice.bench.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * One JMH result: {@code benchmark} is {@code SimpleClassName.method}, {@code params} its
 * {@code @Param} values, {@code score} the primary result (ops/s) and {@code error} its 99.9%
 * half-interval (NaN with too few iterations).
 *
 * @param benchmark e.g. {@code SegmentAppendBenchmark.rawFileChannel}
 * @param params the parameter values, sorted by name
 * @param score operations per second
 * @param error the score's error margin
 */
public record BenchmarkScore(
    String benchmark, Map<String, String> params, double score, double error) {

  public BenchmarkScore {
    params = new TreeMap<>(params);
  }

  /** The class part of {@link #benchmark()}. */
  public String benchmarkClass() {
    int dot = benchmark.lastIndexOf('.');
    return dot < 0 ? benchmark : benchmark.substring(0, dot);
  }

  /** The method part of {@link #benchmark()}. */
  public String method() {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }
}
