package sluice.actors.group.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue;

/**
 * The HTTP consumer instances of one group: the latest value of each of its consumer instance
 * records (Sluice's type 1000), by instance name, and the decisions about them. Like the rest of
 * the state machine it changes only by {@link #replay}, so a reload (whole or compacted) rebuilds
 * it; a decision returns records and changes nothing.
 *
 * <p>An instance is not a member: it joins the group through heartbeats under its stored member id
 * like any consumer, and the group's state, listing and description are by members and offsets
 * only. Not thread-safe: the group's state machine owns it.
 */
final class ConsumerInstances {
  private final String groupId;
  private final SortedMap<String, StoredInstance> byName = new TreeMap<>();

  ConsumerInstances(String groupId) {
    this.groupId = groupId;
  }

  void replay(GroupRecord record) {
    RecordKey.ConsumerInstance key = (RecordKey.ConsumerInstance) record.key();
    if (record.isTombstone()) {
      byName.remove(key.instance());
    } else {
      byName.put(key.instance(), fromValue((RecordValue.ConsumerInstance) record.value()));
    }
  }

  boolean isEmpty() {
    return byName.isEmpty();
  }

  /** The instances by name (read it, never change it). */
  Map<String, StoredInstance> all() {
    return Collections.unmodifiableSortedMap(byName);
  }

  Optional<StoredInstance> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * Writes {@code instance} under {@code name}. A create of a name that exists under the same
   * member id is a retried create: it writes nothing and answers what is stored; under another
   * member id it is refused {@code CONSUMER_INSTANCE_EXISTS}. An update of a missing name (never
   * created, deleted or expired) is refused {@code UNKNOWN_CONSUMER_INSTANCE}.
   *
   * @throws IllegalArgumentException if the name is empty or a field cannot be written
   */
  Result<InstanceOutcome> put(String name, StoredInstance instance, boolean create) {
    requireName(name);
    Objects.requireNonNull(instance, "instance");
    StoredInstance stored = byName.get(name);
    if (create && stored != null) {
      if (stored.memberId().equals(instance.memberId())) {
        return Result.of(InstanceOutcome.of(stored));
      }
      return Result.of(
          InstanceOutcome.refused(
              GroupError.CONSUMER_INSTANCE_EXISTS,
              "consumer instance "
                  + name
                  + " of group "
                  + groupId
                  + " exists under member id "
                  + stored.memberId()));
    }
    if (!create && stored == null) {
      return Result.of(unknown(name));
    }
    GroupRecord record = new GroupRecord(key(name), toValue(instance));
    record.valueBytes(); // a field too long for a record is refused here, not at the append
    return new Result<>(List.of(record), InstanceOutcome.of(instance));
  }

  /** The tombstone of {@code name}, answered with the instance as it was. */
  Result<InstanceOutcome> delete(String name) {
    requireName(name);
    StoredInstance stored = byName.get(name);
    if (stored == null) {
      return Result.of(unknown(name));
    }
    return new Result<>(List.of(GroupRecord.tombstone(key(name))), InstanceOutcome.of(stored));
  }

  /** The tombstones of the instances untouched for longer than {@code timeoutMs} at {@code now}. */
  List<GroupRecord> expire(long now, long timeoutMs) {
    List<GroupRecord> records = new ArrayList<>();
    byName.forEach(
        (name, instance) -> {
          if (instance.touchedAt() + timeoutMs < now) {
            records.add(GroupRecord.tombstone(key(name)));
          }
        });
    return records;
  }

  /** The tombstones of every instance: the group is being deleted. */
  List<GroupRecord> deleteAll() {
    return byName.keySet().stream().map(name -> GroupRecord.tombstone(key(name))).toList();
  }

  private RecordKey.ConsumerInstance key(String name) {
    return new RecordKey.ConsumerInstance(groupId, name);
  }

  private InstanceOutcome unknown(String name) {
    return InstanceOutcome.refused(
        GroupError.UNKNOWN_CONSUMER_INSTANCE,
        "no consumer instance " + name + " in group " + groupId);
  }

  private static void requireName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("the consumer instance name is empty");
    }
  }

  static RecordValue.ConsumerInstance toValue(StoredInstance i) {
    return new RecordValue.ConsumerInstance(
        i.memberId(),
        i.format(),
        i.autoOffsetReset(),
        i.autoCommitEnable(),
        i.fetchMinBytes(),
        i.requestTimeoutMs(),
        i.topics(),
        i.topicPattern(),
        i.assigned() == null
            ? null
            : i.assigned().stream()
                .map(tp -> new RecordValue.AssignedPartition(tp.topic(), tp.partition()))
                .toList(),
        i.touchedAt());
  }

  static StoredInstance fromValue(RecordValue.ConsumerInstance v) {
    return new StoredInstance(
        v.memberId(),
        v.format(),
        v.autoOffsetReset(),
        v.autoCommitEnable(),
        v.fetchMinBytes(),
        v.requestTimeoutMs(),
        v.topics(),
        v.topicPattern(),
        v.assigned() == null
            ? null
            : v.assigned().stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList(),
        v.touchedAt());
  }
}
