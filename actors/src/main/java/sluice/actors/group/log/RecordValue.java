package sluice.actors.group.log;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The value of a record in {@code __consumer_offsets}: what the coordinator knows about its key
 * after the record. A tombstone (no value) deletes the key. Each value belongs to the {@link
 * RecordType} of its key; {@link GroupRecord} holds the pair together.
 *
 * <p>Sets of partitions and topic names are kept sorted (topics by name, partitions ascending), so
 * two equal values compare equal whatever collections they were built from and encode to the same
 * bytes. Fields documented as nullable are null when the member did not give them.
 */
public sealed interface RecordValue {
  RecordType type();

  /**
   * A committed offset.
   *
   * @param offset the next offset the group reads (one past the last record it consumed)
   * @param leaderEpoch the leader epoch of the record before {@code offset} as the consumer saw it,
   *     or {@link #NO_LEADER_EPOCH}
   * @param metadata the client's string, possibly empty
   * @param commitTimestamp when the coordinator accepted the commit, ms since the epoch
   */
  record OffsetCommit(long offset, int leaderEpoch, String metadata, long commitTimestamp)
      implements RecordValue {
    public static final int NO_LEADER_EPOCH = -1;

    public OffsetCommit {
      if (offset < 0) {
        throw new IllegalArgumentException("offset " + offset + " is negative");
      }
      if (leaderEpoch < NO_LEADER_EPOCH) {
        throw new IllegalArgumentException("leader epoch " + leaderEpoch + " is below -1");
      }
      Objects.requireNonNull(metadata, "metadata");
    }

    @Override
    public RecordType type() {
      return RecordType.OFFSET_COMMIT;
    }
  }

  /**
   * The group epoch: it rises whenever membership, subscriptions or subscribed partitions change.
   */
  record GroupMetadata(int epoch) implements RecordValue {
    @Override
    public RecordType type() {
      return RecordType.GROUP_METADATA;
    }
  }

  /**
   * The subscribed topics as they were when the group epoch was last raised, so a coordinator that
   * loads the group can tell whether they changed while no coordinator watched.
   *
   * @param topics by topic name
   */
  record SubscriptionMetadata(Map<String, SubscribedTopic> topics) implements RecordValue {
    public SubscriptionMetadata {
      topics = Collections.unmodifiableSortedMap(new TreeMap<>(topics));
      topics.values().forEach(t -> Objects.requireNonNull(t, "subscribed topic"));
    }

    @Override
    public RecordType type() {
      return RecordType.SUBSCRIPTION_METADATA;
    }
  }

  /**
   * One subscribed topic in {@link SubscriptionMetadata}.
   *
   * @param topicId the id the metadata gives this creation of the topic
   */
  record SubscribedTopic(String topicId, int partitionCount) {
    public SubscribedTopic {
      Objects.requireNonNull(topicId, "topicId");
      if (partitionCount < 0) {
        throw new IllegalArgumentException("partition count " + partitionCount + " is negative");
      }
    }
  }

  /**
   * What a member told the coordinator about itself when it joined or last changed it.
   *
   * @param instanceId the static member's {@code group.instance.id}; nullable
   * @param rackId nullable
   * @param subscribedTopicNames the topics subscribed by name (empty when by regex)
   * @param subscribedTopicRegex nullable
   * @param rebalanceTimeoutMs how long the member may take to revoke partitions
   * @param serverAssignor the assignor the member asked for; nullable (the group's default)
   */
  record MemberMetadata(
      String instanceId,
      String rackId,
      String clientId,
      String clientHost,
      Set<String> subscribedTopicNames,
      String subscribedTopicRegex,
      int rebalanceTimeoutMs,
      String serverAssignor)
      implements RecordValue {
    public MemberMetadata {
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(clientHost, "clientHost");
      subscribedTopicNames = Collections.unmodifiableSortedSet(new TreeSet<>(subscribedTopicNames));
    }

    @Override
    public RecordType type() {
      return RecordType.MEMBER_METADATA;
    }
  }

  /** The epoch of the group the target assignment was computed for. */
  record TargetAssignmentMetadata(int assignmentEpoch) implements RecordValue {
    @Override
    public RecordType type() {
      return RecordType.TARGET_ASSIGNMENT_METADATA;
    }
  }

  /**
   * The partitions the target assignment gives one member.
   *
   * @param partitions partition numbers by topic id
   */
  record TargetAssignmentMember(Map<String, Set<Integer>> partitions) implements RecordValue {
    public TargetAssignmentMember {
      partitions = sortedPartitions(partitions);
    }

    @Override
    public RecordType type() {
      return RecordType.TARGET_ASSIGNMENT_MEMBER;
    }
  }

  /**
   * What a member owns now and what it must give up, on its way to its target assignment.
   *
   * @param memberEpoch the epoch the member must heartbeat with
   * @param previousMemberEpoch the epoch before, accepted if the member missed the last bump
   * @param assignedPartitions the partitions the member owns, by topic id
   * @param partitionsPendingRevocation the partitions it must revoke, by topic id
   */
  record CurrentMemberAssignment(
      int memberEpoch,
      int previousMemberEpoch,
      MemberState state,
      Map<String, Set<Integer>> assignedPartitions,
      Map<String, Set<Integer>> partitionsPendingRevocation)
      implements RecordValue {
    public CurrentMemberAssignment {
      Objects.requireNonNull(state, "state");
      assignedPartitions = sortedPartitions(assignedPartitions);
      partitionsPendingRevocation = sortedPartitions(partitionsPendingRevocation);
    }

    @Override
    public RecordType type() {
      return RecordType.CURRENT_MEMBER_ASSIGNMENT;
    }
  }

  /**
   * An HTTP consumer instance's durable settings and subscription (Sluice's own record): what any
   * broker needs to bring the instance back. At most one of {@code topics}, {@code topicPattern}
   * and {@code assigned} is non-null; all null is an instance that subscribes to nothing yet. Lists
   * keep the order they were given in.
   *
   * @param memberId the member id the instance joins its group with
   * @param format the instance's embedded format ({@code BINARY}, {@code JSON})
   * @param autoOffsetReset {@code EARLIEST}, {@code LATEST} or {@code NONE}
   * @param touchedAt when the instance was last used, ms since the epoch; it expires after {@code
   *     consumer.instance.timeout.ms} without use
   */
  record ConsumerInstance(
      String memberId,
      String format,
      String autoOffsetReset,
      boolean autoCommitEnable,
      int fetchMinBytes,
      int requestTimeoutMs,
      List<String> topics,
      String topicPattern,
      List<AssignedPartition> assigned,
      long touchedAt)
      implements RecordValue {
    public ConsumerInstance {
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

    @Override
    public RecordType type() {
      return RecordType.CONSUMER_INSTANCE;
    }
  }

  /** One partition a {@link ConsumerInstance} assigned itself, by topic name. */
  record AssignedPartition(String topic, int partition) {
    public AssignedPartition {
      Objects.requireNonNull(topic, "topic");
      if (partition < 0) {
        throw new IllegalArgumentException("partition " + partition + " is negative");
      }
    }
  }

  /** An unmodifiable copy sorted by topic, partitions ascending; no negative partition. */
  private static Map<String, Set<Integer>> sortedPartitions(Map<String, Set<Integer>> byTopic) {
    SortedMap<String, Set<Integer>> sorted = new TreeMap<>();
    byTopic.forEach(
        (topic, partitions) -> {
          SortedSet<Integer> copy = new TreeSet<>(partitions);
          if (!copy.isEmpty() && copy.first() < 0) {
            throw new IllegalArgumentException(
                "partition " + copy.first() + " of topic " + topic + " is negative");
          }
          sorted.put(topic, Collections.unmodifiableSortedSet(copy));
        });
    return Collections.unmodifiableSortedMap(sorted);
  }
}
