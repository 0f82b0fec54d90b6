package sluice.actors.group.coordinator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import sluice.actors.api.AdminRequest;
import sluice.actors.group.assign.Assignors;
import sluice.actors.group.assign.Assignors.UnknownAssignorException;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.group.state.GroupConfig;
import sluice.actors.quorum.ConfiguredBrokers;

/**
 * The consumer groups' broker settings, {@code sluice.group.*} (documented in the actors module's
 * reference.conf, with the Kafka name of each): the shape of {@code __consumer_offsets}, what the
 * group state machines obey ({@link #groupConfig()}), and the coordinators' own timings. Checked
 * when read, so a bad value stops the broker at start with the key and the value named.
 *
 * @param offsetsTopicPartitions {@code offsets-topic-num-partitions}; never change it once groups
 *     exist: a group's partition is its id's hash modulo this count
 * @param offsetsTopicReplicationFactor {@code offsets-topic-replication-factor}, or min(3,
 *     configured brokers) when {@code auto}
 * @param expireInterval how often a coordinator runs its groups' session, revocation and retention
 *     deadlines
 * @param commitTimeout {@code offsets-commit-timeout}: how long a coordinator waits for its
 *     acks=all append before it gives up and reloads
 * @param coordinatorAttemptTimeout how long a front door waits for one coordinator's answer before
 *     it looks the coordinator up again and asks anew (within the request's own timeout); longer
 *     than {@code commitTimeout}, so a healthy coordinator's append always answers first
 * @param loadFetchMaxBytes how much a loading coordinator asks for per fetch
 * @param retryBackoff the first pause of a front door's retry after a coordinator error; doubled up
 *     to {@code retryMaxBackoff}
 */
public record GroupSettings(
    int offsetsTopicPartitions,
    int offsetsTopicReplicationFactor,
    GroupConfig groupConfig,
    Duration expireInterval,
    Duration commitTimeout,
    Duration coordinatorAttemptTimeout,
    int loadFetchMaxBytes,
    Duration retryBackoff,
    Duration retryMaxBackoff) {

  private static final String PREFIX = "sluice.group.";

  public GroupSettings {
    positive("offsets-topic-num-partitions", offsetsTopicPartitions);
    positive("offsets-topic-replication-factor", offsetsTopicReplicationFactor);
    positive("load-fetch-max-bytes", loadFetchMaxBytes);
    for (var entry :
        Map.of(
                "expire-interval", expireInterval,
                "offsets-commit-timeout", commitTimeout,
                "coordinator-attempt-timeout", coordinatorAttemptTimeout,
                "retry-backoff", retryBackoff,
                "retry-max-backoff", retryMaxBackoff)
            .entrySet()) {
      if (entry.getValue().isNegative() || entry.getValue().isZero()) {
        throw new IllegalArgumentException(
            PREFIX + entry.getKey() + " must be positive, not " + entry.getValue());
      }
    }
    if (coordinatorAttemptTimeout.compareTo(commitTimeout) <= 0) {
      throw new IllegalArgumentException(
          String.format(
              "%scoordinator-attempt-timeout (%d ms) must be longer than %soffsets-commit-timeout"
                  + " (%d ms): a front door would give up on a coordinator still writing",
              PREFIX, coordinatorAttemptTimeout.toMillis(), PREFIX, commitTimeout.toMillis()));
    }
  }

  /**
   * @throws IllegalArgumentException naming the key and the value when one is missing or wrong
   */
  public static GroupSettings fromConfig(Config config) {
    try {
      Config c = config.getConfig("sluice.group");
      int sessionMs = millis(c, "session-timeout");
      int heartbeatMs = millis(c, "heartbeat-interval");
      if (heartbeatMs >= sessionMs) {
        throw new IllegalArgumentException(
            String.format(
                "%sheartbeat-interval (%d ms) must be shorter than %ssession-timeout (%d ms):"
                    + " a member would be removed between two heartbeats",
                PREFIX, heartbeatMs, PREFIX, sessionMs));
      }
      int maxSize = c.getInt("max-size");
      positive("max-size", maxSize);
      long metadataMax = c.getBytes("offset-metadata-max-bytes");
      if (metadataMax < 0 || metadataMax > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            PREFIX + "offset-metadata-max-bytes must be 0 to 2^31-1, not " + metadataMax);
      }
      Duration retention = c.getDuration("offsets-retention");
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException(
            PREFIX + "offsets-retention must be positive, not " + retention);
      }
      String assignor = c.getString("default-assignor");
      try {
        Assignors.named(assignor);
      } catch (UnknownAssignorException e) {
        throw new IllegalArgumentException(PREFIX + "default-assignor: " + e.getMessage(), e);
      }
      return new GroupSettings(
          c.getInt("offsets-topic-num-partitions"),
          replicationFactor(c, ConfiguredBrokers.fromConfig(config)),
          new GroupConfig(
              sessionMs,
              heartbeatMs,
              maxSize,
              (int) metadataMax,
              retention.toMillis(),
              assignor,
              positiveMillis(c, "consumer-instance-timeout")),
          c.getDuration("expire-interval"),
          c.getDuration("offsets-commit-timeout"),
          c.getDuration("coordinator-attempt-timeout"),
          (int) Math.min(Integer.MAX_VALUE, c.getBytes("load-fetch-max-bytes")),
          c.getDuration("retry-backoff"),
          c.getDuration("retry-max-backoff"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Bad consumer group configuration: " + e.getMessage(), e);
    }
  }

  /**
   * The creation of {@code __consumer_offsets} (for the controller's {@code CreateInternalTopic}):
   * compacted, min.insync.replicas left to the topic default as for any topic.
   */
  public AdminRequest.CreateTopic offsetsTopic(
      akka.actor.typed.ActorRef<AdminRequest.TopicReply> replyTo) {
    return new AdminRequest.CreateTopic(
        OffsetsTopic.NAME,
        offsetsTopicPartitions,
        offsetsTopicReplicationFactor,
        Map.of("cleanup.policy", "compact"),
        replyTo);
  }

  private static int replicationFactor(Config c, ConfiguredBrokers brokers) {
    String key = "offsets-topic-replication-factor";
    if ("auto".equals(c.getValue(key).unwrapped())) {
      return Math.min(3, brokers.count());
    }
    try {
      return c.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(
          PREFIX + key + " must be a number or auto, not " + c.getValue(key).render(), e);
    }
  }

  private static long positiveMillis(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(PREFIX + key + " must be positive, not " + d);
    }
    return d.toMillis();
  }

  private static int millis(Config c, String key) {
    long ms = c.getDuration(key).toMillis();
    if (ms <= 0 || ms > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          PREFIX + key + " must be 1 ms to 2^31-1 ms, not " + c.getDuration(key));
    }
    return (int) ms;
  }

  private static void positive(String key, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(PREFIX + key + " must be positive, not " + value);
    }
  }
}
