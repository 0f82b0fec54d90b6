package sluice.actors.group.log;

import java.util.ArrayList;
import java.util.List;

/**
 * The value of a {@link RecordValue.ConsumerInstance} after its version, in this order:
 *
 * <pre>
 * string memberId
 * string format
 * string autoOffsetReset
 * int8   autoCommitEnable        0 or 1
 * int32  fetchMinBytes
 * int32  requestTimeoutMs
 * int8   subscription            0 none, 1 topics, 2 pattern, 3 assigned partitions
 *   1: int32 count, then string topic           in the order given
 *   2: string pattern
 *   3: int32 count, then string topic | int32 partition   in the order given
 * int64  touchedAt               ms since the epoch
 * </pre>
 *
 * The subscription's kind is one byte rather than three nullable fields, so a value with two kinds
 * cannot be written or read. A byte other than those listed is refused. Stateless.
 */
final class ConsumerInstanceFormat {
  private static final byte NONE = 0;
  private static final byte TOPICS = 1;
  private static final byte PATTERN = 2;
  private static final byte ASSIGNED = 3;

  private ConsumerInstanceFormat() {}

  static void write(RecordWriter out, RecordValue.ConsumerInstance v) {
    out.string("memberId", v.memberId())
        .string("format", v.format())
        .string("autoOffsetReset", v.autoOffsetReset())
        .int8((byte) (v.autoCommitEnable() ? 1 : 0))
        .int32(v.fetchMinBytes())
        .int32(v.requestTimeoutMs());
    if (v.topics() != null) {
      out.int8(TOPICS).int32(v.topics().size());
      v.topics().forEach(topic -> out.string("topics", topic));
    } else if (v.topicPattern() != null) {
      out.int8(PATTERN).string("topicPattern", v.topicPattern());
    } else if (v.assigned() != null) {
      out.int8(ASSIGNED).int32(v.assigned().size());
      v.assigned().forEach(tp -> out.string("assigned topic", tp.topic()).int32(tp.partition()));
    } else {
      out.int8(NONE);
    }
    out.int64(v.touchedAt());
  }

  static RecordValue.ConsumerInstance read(RecordReader in) {
    String memberId = in.string("memberId");
    String format = in.string("format");
    String autoOffsetReset = in.string("autoOffsetReset");
    int autoCommit = in.int8("autoCommitEnable");
    if (autoCommit != 0 && autoCommit != 1) {
      throw in.corrupt("autoCommitEnable " + autoCommit + " is neither 0 nor 1");
    }
    int fetchMinBytes = in.int32("fetchMinBytes");
    int requestTimeoutMs = in.int32("requestTimeoutMs");
    List<String> topics = null;
    String pattern = null;
    List<RecordValue.AssignedPartition> assigned = null;
    int start = in.position();
    byte kind = in.int8("subscription");
    switch (kind) {
      case NONE -> {}
      case TOPICS -> {
        int count = in.count("topics", 2);
        topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          topics.add(in.string("topics"));
        }
      }
      case PATTERN -> pattern = in.string("topicPattern");
      case ASSIGNED -> {
        int count = in.count("assigned", 2 + Integer.BYTES);
        assigned = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          String topic = in.string("assigned topic");
          int partition = in.int32("assigned partition");
          if (partition < 0) {
            throw in.corrupt("assigned partition " + partition + " of " + topic + " is negative");
          }
          assigned.add(new RecordValue.AssignedPartition(topic, partition));
        }
      }
      default -> throw in.corrupt("unknown subscription kind " + kind + " at position " + start);
    }
    return new RecordValue.ConsumerInstance(
        memberId,
        format,
        autoOffsetReset,
        autoCommit == 1,
        fetchMinBytes,
        requestTimeoutMs,
        topics,
        pattern,
        assigned,
        in.int64("touchedAt"));
  }
}
