package sluice.actors.group.log;

import java.util.Objects;

/**
 * The key of a record in {@code __consumer_offsets}: what the record is about. Compaction keeps the
 * last record of each key and drops a key whose last record is a tombstone, so two records of the
 * same thing must have the same key bytes: {@link KeyFormat} writes a key's fields and nothing
 * else, always alike. Every key belongs to one group, the one whose partition ({@link
 * OffsetsTopic#partitionFor}) holds it.
 */
public sealed interface RecordKey {
  RecordType type();

  String groupId();

  /** A key about one member of the group. */
  sealed interface MemberKey extends RecordKey {
    String memberId();
  }

  /** A committed offset: its value is a {@link RecordValue.OffsetCommit}. */
  record OffsetCommit(String groupId, String topic, int partition) implements RecordKey {
    public OffsetCommit {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(topic, "topic");
      if (partition < 0) {
        throw new IllegalArgumentException("partition " + partition + " is negative");
      }
    }

    @Override
    public RecordType type() {
      return RecordType.OFFSET_COMMIT;
    }
  }

  /** A consumer group's epoch: its value is a {@link RecordValue.GroupMetadata}. */
  record GroupMetadata(String groupId) implements RecordKey {
    public GroupMetadata {
      Objects.requireNonNull(groupId, "groupId");
    }

    @Override
    public RecordType type() {
      return RecordType.GROUP_METADATA;
    }
  }

  /**
   * What the group epoch was computed for: its value is a {@link RecordValue.SubscriptionMetadata}.
   */
  record SubscriptionMetadata(String groupId) implements RecordKey {
    public SubscriptionMetadata {
      Objects.requireNonNull(groupId, "groupId");
    }

    @Override
    public RecordType type() {
      return RecordType.SUBSCRIPTION_METADATA;
    }
  }

  /** A member's client and subscription: its value is a {@link RecordValue.MemberMetadata}. */
  record MemberMetadata(String groupId, String memberId) implements MemberKey {
    public MemberMetadata {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(memberId, "memberId");
    }

    @Override
    public RecordType type() {
      return RecordType.MEMBER_METADATA;
    }
  }

  /** The target assignment's epoch: its value is a {@link RecordValue.TargetAssignmentMetadata}. */
  record TargetAssignmentMetadata(String groupId) implements RecordKey {
    public TargetAssignmentMetadata {
      Objects.requireNonNull(groupId, "groupId");
    }

    @Override
    public RecordType type() {
      return RecordType.TARGET_ASSIGNMENT_METADATA;
    }
  }

  /** A member's share of the target: its value is a {@link RecordValue.TargetAssignmentMember}. */
  record TargetAssignmentMember(String groupId, String memberId) implements MemberKey {
    public TargetAssignmentMember {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(memberId, "memberId");
    }

    @Override
    public RecordType type() {
      return RecordType.TARGET_ASSIGNMENT_MEMBER;
    }
  }

  /** What a member owns now: its value is a {@link RecordValue.CurrentMemberAssignment}. */
  record CurrentMemberAssignment(String groupId, String memberId) implements MemberKey {
    public CurrentMemberAssignment {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(memberId, "memberId");
    }

    @Override
    public RecordType type() {
      return RecordType.CURRENT_MEMBER_ASSIGNMENT;
    }
  }

  /**
   * An HTTP consumer instance of the group, by its name (the REST Proxy's instance id, not a member
   * id): its value is a {@link RecordValue.ConsumerInstance}.
   */
  record ConsumerInstance(String groupId, String instance) implements RecordKey {
    public ConsumerInstance {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(instance, "instance");
    }

    @Override
    public RecordType type() {
      return RecordType.CONSUMER_INSTANCE;
    }
  }
}
