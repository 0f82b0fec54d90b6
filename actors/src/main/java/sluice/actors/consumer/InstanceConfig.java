package sluice.actors.consumer;

/**
 * An HTTP consumer instance's settings: what the REST Proxy's create request sets ({@code format},
 * {@code auto.offset.reset}, {@code auto.commit.enable}, {@code fetch.min.bytes}, {@code
 * consumer.request.timeout.ms}) and what the broker sets for every instance ({@code
 * max.poll.interval.ms}, {@code auto.commit.interval.ms}). Checked when built: a value out of range
 * is an {@link IllegalArgumentException} naming the setting (the HTTP layer checks first and
 * answers 42204).
 *
 * @param fetchMinBytes a fetch waits for at least this many bytes, or until the request timeout
 * @param requestTimeoutMs how long a {@code GET records} may wait for {@code fetchMinBytes}
 * @param maxPollIntervalMs an instance not polled this long leaves its group until it polls again;
 *     also its rebalance timeout, as in Kafka's consumer
 * @param autoCommitIntervalMs with auto-commit, a poll commits what the previous polls returned at
 *     most this often (Kafka's {@code auto.commit.interval.ms})
 */
public record InstanceConfig(
    Format format,
    OffsetReset autoOffsetReset,
    boolean autoCommitEnable,
    int fetchMinBytes,
    int requestTimeoutMs,
    int maxPollIntervalMs,
    int autoCommitIntervalMs) {

  /** Kafka's {@code max.poll.interval.ms} default: 5 minutes. */
  public static final int DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

  /** Kafka's {@code auto.commit.interval.ms} default. */
  public static final int DEFAULT_AUTO_COMMIT_INTERVAL_MS = 5_000;

  /** The REST Proxy's {@code consumer.request.timeout.ms} default. */
  public static final int DEFAULT_REQUEST_TIMEOUT_MS = 1_000;

  /** How records are rendered: the embedded format of {@code application/vnd.kafka.X.v2+json}. */
  public enum Format {
    BINARY,
    JSON
  }

  /** Where a partition with no committed offset starts (Kafka's {@code auto.offset.reset}). */
  public enum OffsetReset {
    EARLIEST,
    LATEST,
    /** No committed offset is an error the poll reports. */
    NONE
  }

  public InstanceConfig {
    if (format == null || autoOffsetReset == null) {
      throw new IllegalArgumentException("format and auto.offset.reset are required");
    }
    requireAtLeast("fetch.min.bytes", fetchMinBytes, 0);
    requireAtLeast("consumer.request.timeout.ms", requestTimeoutMs, 0);
    requireAtLeast("max.poll.interval.ms", maxPollIntervalMs, 1);
    requireAtLeast("auto.commit.interval.ms", autoCommitIntervalMs, 0);
  }

  /**
   * The REST Proxy's defaults: binary, {@code latest} (Kafka's default), auto-commit on, no minimum
   * bytes, 1 s request timeout; Kafka's poll and auto-commit intervals.
   */
  public static InstanceConfig defaults() {
    return new InstanceConfig(
        Format.BINARY,
        OffsetReset.LATEST,
        true,
        0,
        DEFAULT_REQUEST_TIMEOUT_MS,
        DEFAULT_MAX_POLL_INTERVAL_MS,
        DEFAULT_AUTO_COMMIT_INTERVAL_MS);
  }

  public InstanceConfig withAutoCommit(boolean enable) {
    return new InstanceConfig(
        format,
        autoOffsetReset,
        enable,
        fetchMinBytes,
        requestTimeoutMs,
        maxPollIntervalMs,
        autoCommitIntervalMs);
  }

  public InstanceConfig withAutoOffsetReset(OffsetReset reset) {
    return new InstanceConfig(
        format,
        reset,
        autoCommitEnable,
        fetchMinBytes,
        requestTimeoutMs,
        maxPollIntervalMs,
        autoCommitIntervalMs);
  }

  public InstanceConfig withMaxPollIntervalMs(int ms) {
    return new InstanceConfig(
        format,
        autoOffsetReset,
        autoCommitEnable,
        fetchMinBytes,
        requestTimeoutMs,
        ms,
        autoCommitIntervalMs);
  }

  private static void requireAtLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", not " + value);
    }
  }
}
