package sluice.actors.group.log;

import java.util.Objects;

/**
 * One record of {@code __consumer_offsets} as the coordinator writes and replays it: a key and its
 * value, or a key and no value (a tombstone), which deletes the key: replay forgets it and
 * compaction later drops it. The value, when there is one, is of the key's type.
 *
 * <p>On a Sluice log record the key bytes are {@link #keyBytes()} and the value bytes {@link
 * #valueBytes()}, null for a tombstone. Immutable.
 *
 * @param value null for a tombstone
 */
public record GroupRecord(RecordKey key, RecordValue value) {
  public GroupRecord {
    Objects.requireNonNull(key, "key");
    if (value != null && value.type() != key.type()) {
      throw new IllegalArgumentException(
          "a " + value.type().label() + " value under a " + key.type().label() + " key");
    }
  }

  /** The record that deletes {@code key}. */
  public static GroupRecord tombstone(RecordKey key) {
    return new GroupRecord(key, null);
  }

  public boolean isTombstone() {
    return value == null;
  }

  public byte[] keyBytes() {
    return KeyFormat.encode(key);
  }

  /** The value's bytes, or null for a tombstone. */
  public byte[] valueBytes() {
    return value == null ? null : ValueFormat.encode(value);
  }

  /**
   * The record a log record's key and value bytes hold.
   *
   * @param value null for a tombstone
   * @throws CorruptGroupRecordException if either is not what Sluice writes
   */
  public static GroupRecord decode(byte[] key, byte[] value) {
    RecordKey decoded = KeyFormat.decode(Objects.requireNonNull(key, "key"));
    return new GroupRecord(
        decoded, value == null ? null : ValueFormat.decode(decoded.type(), value));
  }
}
