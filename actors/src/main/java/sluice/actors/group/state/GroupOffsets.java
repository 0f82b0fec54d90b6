package sluice.actors.group.state;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue.OffsetCommit;

/**
 * The committed offsets of one group: the latest offset commit record (1) of each partition, and
 * nothing else, so what a fetch returns is exactly what was committed and acknowledged. Changes
 * only by {@link #replay}. Not thread-safe: one group actor owns it.
 */
public final class GroupOffsets {
  private final String groupId;
  private final Map<TopicPartition, OffsetCommit> offsets = new HashMap<>();

  public GroupOffsets(String groupId) {
    this.groupId = groupId;
  }

  /** Applies an offset commit record of this group; a tombstone deletes the offset. */
  public void replay(GroupRecord record) {
    if (!(record.key() instanceof RecordKey.OffsetCommit key) || !key.groupId().equals(groupId)) {
      throw new IllegalArgumentException(
          "not an offset commit of group " + groupId + ": " + record.key());
    }
    TopicPartition tp = new TopicPartition(key.topic(), key.partition());
    if (record.isTombstone()) {
      offsets.remove(tp);
    } else {
      offsets.put(tp, (OffsetCommit) record.value());
    }
  }

  public boolean isEmpty() {
    return offsets.isEmpty();
  }

  /** Every committed offset, by topic and partition. */
  public SortedMap<TopicPartition, OffsetCommit> all() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(offsets));
  }

  public OffsetCommit get(TopicPartition tp) {
    return offsets.get(tp);
  }
}
