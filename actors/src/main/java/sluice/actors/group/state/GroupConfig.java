package sluice.actors.group.state;

import java.time.Duration;
import sluice.actors.group.assign.Assignors;

/**
 * The broker settings a group's state machine obeys, with Kafka's names and defaults.
 *
 * @param sessionTimeoutMs {@code group.consumer.session.timeout.ms}: a member silent this long is
 *     removed
 * @param heartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}: told to members
 * @param maxSize {@code group.consumer.max.size}: members per group
 * @param offsetMetadataMaxBytes {@code offset.metadata.max.bytes}
 * @param offsetsRetentionMs {@code offsets.retention.minutes}, in ms
 * @param defaultAssignor the assignor of a group whose members name none
 * @param consumerInstanceTimeoutMs the REST Proxy's {@code consumer.instance.timeout.ms}: an HTTP
 *     consumer instance untouched this long is removed
 */
public record GroupConfig(
    int sessionTimeoutMs,
    int heartbeatIntervalMs,
    int maxSize,
    int offsetMetadataMaxBytes,
    long offsetsRetentionMs,
    String defaultAssignor,
    long consumerInstanceTimeoutMs) {

  public GroupConfig {
    if (sessionTimeoutMs <= 0 || heartbeatIntervalMs <= 0 || maxSize <= 0) {
      throw new IllegalArgumentException(
          "session timeout "
              + sessionTimeoutMs
              + ", heartbeat interval "
              + heartbeatIntervalMs
              + " and max size "
              + maxSize
              + " must be positive");
    }
    if (offsetMetadataMaxBytes < 0 || offsetsRetentionMs <= 0) {
      throw new IllegalArgumentException(
          "offset metadata max bytes "
              + offsetMetadataMaxBytes
              + " and retention "
              + offsetsRetentionMs
              + " ms are out of range");
    }
    Assignors.named(defaultAssignor);
    if (consumerInstanceTimeoutMs <= 0) {
      throw new IllegalArgumentException(
          "consumer instance timeout " + consumerInstanceTimeoutMs + " ms must be positive");
    }
  }

  /**
   * Kafka's defaults: 45 s session, 5 s heartbeat, no size limit, 4 KiB metadata, 7 days; the REST
   * Proxy's 5 min instance timeout.
   */
  public static GroupConfig defaults() {
    return new GroupConfig(
        45_000,
        5_000,
        Integer.MAX_VALUE,
        4096,
        Duration.ofDays(7).toMillis(),
        Assignors.DEFAULT_NAME,
        Duration.ofMinutes(5).toMillis());
  }

  public GroupConfig withMaxSize(int size) {
    return new GroupConfig(
        sessionTimeoutMs,
        heartbeatIntervalMs,
        size,
        offsetMetadataMaxBytes,
        offsetsRetentionMs,
        defaultAssignor,
        consumerInstanceTimeoutMs);
  }
}
