package sluice.actors.consumer;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The broker's settings for HTTP consumer instances, {@code sluice.consumer-instances.*}
 * (documented in the actors module's reference.conf): what every instance gets besides what its
 * create request sets. The idle timeout is the coordinator's {@code
 * sluice.group.consumer-instance-timeout}, so an instance and its durable record expire alike.
 *
 * @param maxPollIntervalMs Kafka's {@code max.poll.interval.ms}: an instance not polled this long
 *     leaves its group until it polls again
 * @param autoCommitIntervalMs Kafka's {@code auto.commit.interval.ms}
 * @param idleTimeout the REST Proxy's {@code consumer.instance.timeout.ms}: an instance not used
 *     this long is deleted
 * @param callTimeout how long one call to the group's coordinator may take, retries included
 */
public record InstanceSettings(
    int maxPollIntervalMs, int autoCommitIntervalMs, Duration idleTimeout, Duration callTimeout) {
  private static final Duration ASK_GRACE = Duration.ofSeconds(2);

  public InstanceSettings {
    if (maxPollIntervalMs < 1 || autoCommitIntervalMs < 0) {
      throw new IllegalArgumentException(
          "sluice.consumer-instances: max-poll-interval must be positive and auto-commit-interval"
              + " not negative, not "
              + maxPollIntervalMs
              + " ms and "
              + autoCommitIntervalMs
              + " ms");
    }
    if (isNotPositive(idleTimeout) || isNotPositive(callTimeout)) {
      throw new IllegalArgumentException(
          "sluice.group.consumer-instance-timeout and sluice.consumer-instances.call-timeout must"
              + " be positive, not "
              + idleTimeout
              + " and "
              + callTimeout);
    }
  }

  /**
   * How long an ask of the group gateway may take: {@code callTimeout} plus a grace, so that the
   * gateway's own answer when it gives up (which names what it waited for) normally comes first.
   */
  public Duration askTimeout() {
    return callTimeout.plus(ASK_GRACE);
  }

  public static InstanceSettings fromConfig(Config config) {
    Config c = config.getConfig("sluice.consumer-instances");
    return new InstanceSettings(
        millis(c, "max-poll-interval"),
        millis(c, "auto-commit-interval"),
        config.getDuration("sluice.group.consumer-instance-timeout"),
        c.getDuration("call-timeout"));
  }

  private static boolean isNotPositive(Duration d) {
    return d.isNegative() || d.isZero();
  }

  private static int millis(Config c, String key) {
    long ms = c.getDuration(key).toMillis();
    if (ms > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "sluice.consumer-instances." + key + " is too long: " + c.getDuration(key));
    }
    return (int) ms;
  }

  /** The settings of an instance created with {@code requested} (its create request's part). */
  InstanceConfig configFor(InstanceConfig requested) {
    return new InstanceConfig(
        requested.format(),
        requested.autoOffsetReset(),
        requested.autoCommitEnable(),
        requested.fetchMinBytes(),
        requested.requestTimeoutMs(),
        maxPollIntervalMs,
        autoCommitIntervalMs);
  }
}
