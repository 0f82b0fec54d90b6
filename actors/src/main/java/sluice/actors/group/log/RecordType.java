package sluice.actors.group.log;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of record a group coordinator writes to {@code __consumer_offsets}, each with the int16
 * type id a key starts with. The ids are Kafka's (its group coordinator's key versions), so an
 * operator who knows Kafka's partition recognises ours. Kafka's 0 (an offset commit key of before
 * 0.9) and 2 (a classic-protocol group) are not ours: Sluice writes neither, and decoding refuses
 * them like any unknown id.
 *
 * <p>{@link #CONSUMER_INSTANCE} is Sluice's own, id 1000. Kafka numbers its types one by one from 0
 * (4.1 writes 0 to 8, 10 to 17 and 19 to 23; 9 and 18 were written by 4.0 and retired), so an id
 * far above them will not be taken by a later Kafka type for a long while, and keeps our partition
 * readable by an operator's Kafka tools: Kafka's coordinator loader and {@code kafka-dump-log
 * --offsets-decoder} skip or print a key of a type they do not know, they do not fail.
 */
public enum RecordType {
  /** (group, topic, partition) → committed offset. */
  OFFSET_COMMIT(1),
  /** group → group epoch. */
  GROUP_METADATA(3),
  /** group → the subscribed topics' partition counts the group epoch was computed for. */
  SUBSCRIPTION_METADATA(4),
  /** (group, member) → the member's client, subscription and assignor. */
  MEMBER_METADATA(5),
  /** group → target assignment epoch. */
  TARGET_ASSIGNMENT_METADATA(6),
  /** (group, member) → the partitions the target assignment gives the member. */
  TARGET_ASSIGNMENT_MEMBER(7),
  /** (group, member) → the member's epoch, state, owned partitions and pending revocations. */
  CURRENT_MEMBER_ASSIGNMENT(8),
  /** (group, instance name) → an HTTP consumer instance's durable settings (Sluice's own). */
  CONSUMER_INSTANCE(1000);

  private final short id;

  RecordType(int id) {
    this.id = (short) id;
  }

  /** The int16 a key of this type starts with. */
  public short id() {
    return id;
  }

  /** The type's name in errors and documents: "offset commit". */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** The type whose id is {@code id}, or empty if Sluice has none. */
  public static Optional<RecordType> of(short id) {
    for (RecordType type : values()) {
      if (type.id == id) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
