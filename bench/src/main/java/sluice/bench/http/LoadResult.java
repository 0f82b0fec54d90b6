package sluice.bench.http;

/**
 * What one load phase achieved: {@code records} records of {@code recordBytes}-byte values
 * acknowledged (or consumed) in {@code elapsedNanos}, with the latency of each request (or, for the
 * streamed produce, of each record), and the records that failed.
 *
 * @param name the phase, e.g. {@code "HTTP v3 produce, 1000/request"}
 * @param records records acknowledged or consumed
 * @param failed records that got an error report
 * @param recordBytes bytes of each record's value
 * @param elapsedNanos wall-clock time of the phase
 * @param latencies per-request (or per-record) latency samples
 * @param firstError the first error message seen, or null
 */
public record LoadResult(
    String name,
    long records,
    long failed,
    int recordBytes,
    long elapsedNanos,
    Latencies latencies,
    String firstError) {

  /** Records per second. */
  public double recordsPerSecond() {
    return elapsedNanos == 0 ? 0 : records * 1e9 / elapsedNanos;
  }

  /** Value bytes per second in MB (10^6), counted as Kafka's ProducerPerformance counts them. */
  public double megabytesPerSecond() {
    return recordsPerSecond() * recordBytes / 1e6;
  }
}
