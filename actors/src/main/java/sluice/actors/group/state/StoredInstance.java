package sluice.actors.group.state;

import java.util.List;
import java.util.Objects;
import sluice.actors.api.CborSerializable;

/**
 * What an HTTP consumer instance keeps durably, in its group's {@code __consumer_offsets}
 * partition, so that any broker can bring it back after the broker hosting it dies: its member id,
 * the settings it was created with and its subscription. Positions are not kept: a revived instance
 * resumes from the group's committed offsets. At most one of {@code topics}, {@code topicPattern}
 * and {@code assigned} is non-null; all null is an instance that reads nothing yet.
 *
 * @param format {@code BINARY} or {@code JSON}
 * @param autoOffsetReset {@code EARLIEST}, {@code LATEST} or {@code NONE}
 * @param touchedAt when the instance was last used, rewritten at most every half of {@code
 *     consumer.instance.timeout.ms}; the coordinator removes an instance untouched for longer than
 *     that timeout
 */
public record StoredInstance(
    String memberId,
    String format,
    String autoOffsetReset,
    boolean autoCommitEnable,
    int fetchMinBytes,
    int requestTimeoutMs,
    List<String> topics,
    String topicPattern,
    List<TopicPartition> assigned,
    long touchedAt)
    implements CborSerializable {

  public StoredInstance {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(autoOffsetReset, "autoOffsetReset");
    topics = topics == null ? null : List.copyOf(topics);
    assigned = assigned == null ? null : List.copyOf(assigned);
    int kinds =
        (topics != null ? 1 : 0) + (topicPattern != null ? 1 : 0) + (assigned != null ? 1 : 0);
    if (kinds > 1) {
      throw new IllegalArgumentException(
          "an instance subscribes by topics, by pattern or by assignment, not several at once");
    }
  }

  /** The same instance with its subscription replaced (all null: none). */
  public StoredInstance withSubscription(
      List<String> topics, String topicPattern, List<TopicPartition> assigned) {
    return new StoredInstance(
        memberId,
        format,
        autoOffsetReset,
        autoCommitEnable,
        fetchMinBytes,
        requestTimeoutMs,
        topics,
        topicPattern,
        assigned,
        touchedAt);
  }

  public StoredInstance touchedAt(long at) {
    return new StoredInstance(
        memberId,
        format,
        autoOffsetReset,
        autoCommitEnable,
        fetchMinBytes,
        requestTimeoutMs,
        topics,
        topicPattern,
        assigned,
        at);
  }
}
