package sluice.actors.group.log;

/**
 * Keys as bytes: an int16 {@link RecordType} id, then the key's fields in order, with nothing
 * optional, so a key has exactly one encoding and compaction can compare key bytes. Strings are an
 * int16 UTF-8 length and the bytes. The layout is Kafka's for the same keys (its key version is our
 * type id, its non-flexible fields ours), byte for byte; {@code docs/consumer-groups.md} draws it.
 *
 * <pre>
 * offset commit             type 1, group, topic, partition (int32)
 * group metadata            type 3, group
 * subscription metadata     type 4, group
 * member metadata           type 5, group, member
 * target assignment meta    type 6, group
 * target assignment member  type 7, group, member
 * current member assignment type 8, group, member
 * consumer instance         type 1000, group, instance name (Sluice's own)
 * </pre>
 *
 * Stateless and safe from any thread.
 */
public final class KeyFormat {
  private KeyFormat() {}

  /**
   * The bytes of {@code key}.
   *
   * @throws IllegalArgumentException if a string is over 32767 UTF-8 bytes or not valid Unicode
   */
  public static byte[] encode(RecordKey key) {
    RecordWriter out = new RecordWriter().int16(key.type().id()).string("groupId", key.groupId());
    if (key instanceof RecordKey.OffsetCommit k) {
      out.string("topic", k.topic()).int32(k.partition());
    } else if (key instanceof RecordKey.MemberKey k) {
      out.string("memberId", k.memberId());
    } else if (key instanceof RecordKey.ConsumerInstance k) {
      out.string("instance", k.instance());
    }
    return out.toBytes();
  }

  /**
   * The key {@code bytes} encode.
   *
   * @throws CorruptGroupRecordException if they are not a key Sluice writes
   */
  public static RecordKey decode(byte[] bytes) {
    RecordReader in = new RecordReader(bytes, "key");
    short id = in.int16("type");
    RecordType type = RecordType.of(id).orElseThrow(() -> in.corrupt("unknown record type " + id));
    in.describe(type.label() + " key");
    String group = in.string("groupId");
    RecordKey key =
        switch (type) {
          case OFFSET_COMMIT -> offsetCommit(in, group);
          case GROUP_METADATA -> new RecordKey.GroupMetadata(group);
          case SUBSCRIPTION_METADATA -> new RecordKey.SubscriptionMetadata(group);
          case MEMBER_METADATA -> new RecordKey.MemberMetadata(group, in.string("memberId"));
          case TARGET_ASSIGNMENT_METADATA -> new RecordKey.TargetAssignmentMetadata(group);
          case TARGET_ASSIGNMENT_MEMBER ->
              new RecordKey.TargetAssignmentMember(group, in.string("memberId"));
          case CURRENT_MEMBER_ASSIGNMENT ->
              new RecordKey.CurrentMemberAssignment(group, in.string("memberId"));
          case CONSUMER_INSTANCE -> new RecordKey.ConsumerInstance(group, in.string("instance"));
        };
    in.end();
    return key;
  }

  private static RecordKey offsetCommit(RecordReader in, String group) {
    String topic = in.string("topic");
    int partition = in.int32("partition");
    if (partition < 0) {
      throw in.corrupt("partition " + partition + " is negative");
    }
    return new RecordKey.OffsetCommit(group, topic, partition);
  }
}
