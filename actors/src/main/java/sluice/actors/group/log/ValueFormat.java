package sluice.actors.group.log;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Values as bytes: an int16 version ({@link #VERSION}, the only one so far), then the value's
 * fields in order, big-endian; strings as an int16 UTF-8 length and the bytes (-1 for null), arrays
 * as an int32 count and the elements. Which value a record holds is its key's type, so the type is
 * not repeated here. Sets are written in their sorted order (topics by name, partitions ascending)
 * and decoding insists on that order, so a duplicate or a shuffled list is refused as a value
 * Sluice did not write. {@code docs/consumer-groups.md} draws each layout byte by byte.
 *
 * <p>A later version adds fields after the existing ones; a decoder refuses a version it does not
 * know rather than guess, so a broker must read every version its cluster writes before any broker
 * writes it. Stateless and safe from any thread.
 */
public final class ValueFormat {
  /** The version every value is written in. */
  public static final short VERSION = 0;

  private ValueFormat() {}

  /**
   * The bytes of {@code value}.
   *
   * @throws IllegalArgumentException if a string is over 32767 UTF-8 bytes or not valid Unicode
   */
  public static byte[] encode(RecordValue value) {
    RecordWriter out = new RecordWriter().int16(VERSION);
    if (value instanceof RecordValue.OffsetCommit v) {
      out.int64(v.offset())
          .int32(v.leaderEpoch())
          .string("metadata", v.metadata())
          .int64(v.commitTimestamp());
    } else if (value instanceof RecordValue.GroupMetadata v) {
      out.int32(v.epoch());
    } else if (value instanceof RecordValue.SubscriptionMetadata v) {
      out.int32(v.topics().size());
      v.topics()
          .forEach(
              (name, topic) ->
                  out.string("topicId", topic.topicId())
                      .string("topicName", name)
                      .int32(topic.partitionCount()));
    } else if (value instanceof RecordValue.MemberMetadata v) {
      out.nullableString("instanceId", v.instanceId())
          .nullableString("rackId", v.rackId())
          .string("clientId", v.clientId())
          .string("clientHost", v.clientHost())
          .int32(v.subscribedTopicNames().size());
      v.subscribedTopicNames().forEach(name -> out.string("subscribedTopicNames", name));
      out.nullableString("subscribedTopicRegex", v.subscribedTopicRegex())
          .int32(v.rebalanceTimeoutMs())
          .nullableString("serverAssignor", v.serverAssignor());
    } else if (value instanceof RecordValue.TargetAssignmentMetadata v) {
      out.int32(v.assignmentEpoch());
    } else if (value instanceof RecordValue.TargetAssignmentMember v) {
      TopicPartitionsFormat.write(out, v.partitions());
    } else if (value instanceof RecordValue.CurrentMemberAssignment v) {
      out.int32(v.memberEpoch()).int32(v.previousMemberEpoch()).int8(v.state().code());
      TopicPartitionsFormat.write(out, v.assignedPartitions());
      TopicPartitionsFormat.write(out, v.partitionsPendingRevocation());
    } else if (value instanceof RecordValue.ConsumerInstance v) {
      ConsumerInstanceFormat.write(out, v);
    }
    return out.toBytes();
  }

  /**
   * The value of type {@code type} that {@code bytes} encode.
   *
   * @throws CorruptGroupRecordException if they are not a value of that type Sluice writes
   */
  public static RecordValue decode(RecordType type, byte[] bytes) {
    RecordReader in = new RecordReader(bytes, type.label() + " value");
    short version = in.int16("version");
    if (version != VERSION) {
      throw in.corrupt("unknown version " + version + " (this broker reads " + VERSION + ")");
    }
    RecordValue value;
    try {
      value =
          switch (type) {
            case OFFSET_COMMIT ->
                new RecordValue.OffsetCommit(
                    in.int64("offset"),
                    in.int32("leaderEpoch"),
                    in.string("metadata"),
                    in.int64("commitTimestamp"));
            case GROUP_METADATA -> new RecordValue.GroupMetadata(in.int32("epoch"));
            case SUBSCRIPTION_METADATA -> subscriptionMetadata(in);
            case MEMBER_METADATA -> memberMetadata(in);
            case TARGET_ASSIGNMENT_METADATA ->
                new RecordValue.TargetAssignmentMetadata(in.int32("assignmentEpoch"));
            case TARGET_ASSIGNMENT_MEMBER ->
                new RecordValue.TargetAssignmentMember(
                    TopicPartitionsFormat.read(in, "partitions"));
            case CURRENT_MEMBER_ASSIGNMENT -> currentMemberAssignment(in);
            case CONSUMER_INSTANCE -> ConsumerInstanceFormat.read(in);
          };
    } catch (IllegalArgumentException e) {
      throw in.corrupt(e.getMessage());
    }
    in.end();
    return value;
  }

  private static RecordValue subscriptionMetadata(RecordReader in) {
    int count = in.count("topics", 2 + 2 + Integer.BYTES);
    Map<String, RecordValue.SubscribedTopic> topics = new LinkedHashMap<>();
    String previous = null;
    for (int i = 0; i < count; i++) {
      String topicId = in.string("topicId");
      String name = in.string("topicName");
      previous = in.ascending("topicName", previous, name);
      topics.put(name, new RecordValue.SubscribedTopic(topicId, in.int32("partitionCount")));
    }
    return new RecordValue.SubscriptionMetadata(topics);
  }

  private static RecordValue memberMetadata(RecordReader in) {
    String instanceId = in.nullableString("instanceId");
    String rackId = in.nullableString("rackId");
    String clientId = in.string("clientId");
    String clientHost = in.string("clientHost");
    int count = in.count("subscribedTopicNames", 2);
    List<String> names = new ArrayList<>(count);
    String previous = null;
    for (int i = 0; i < count; i++) {
      String name = in.string("subscribedTopicNames");
      previous = in.ascending("subscribedTopicNames", previous, name);
      names.add(name);
    }
    return new RecordValue.MemberMetadata(
        instanceId,
        rackId,
        clientId,
        clientHost,
        Set.copyOf(names),
        in.nullableString("subscribedTopicRegex"),
        in.int32("rebalanceTimeoutMs"),
        in.nullableString("serverAssignor"));
  }

  private static RecordValue currentMemberAssignment(RecordReader in) {
    int memberEpoch = in.int32("memberEpoch");
    int previousMemberEpoch = in.int32("previousMemberEpoch");
    byte code = in.int8("state");
    MemberState state =
        MemberState.of(code).orElseThrow(() -> in.corrupt("unknown member state " + code));
    return new RecordValue.CurrentMemberAssignment(
        memberEpoch,
        previousMemberEpoch,
        state,
        TopicPartitionsFormat.read(in, "assignedPartitions"),
        TopicPartitionsFormat.read(in, "partitionsPendingRevocation"));
  }
}
