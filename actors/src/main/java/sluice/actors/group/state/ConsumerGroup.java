package sluice.actors.group.state;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue;
import sluice.actors.group.log.RecordValue.CurrentMemberAssignment;
import sluice.actors.group.log.RecordValue.MemberMetadata;
import sluice.actors.group.log.RecordValue.SubscribedTopic;

/**
 * The membership of one consumer group: the latest value of each of its records of types 3 to 8,
 * nothing else. It changes only by {@link #replay}, so a coordinator that loads the partition from
 * the start holds what its predecessor held, and since it keeps the latest value per key, a
 * compacted partition loads to the same state as the whole one.
 *
 * <p>Invariant, checked on every replay: no partition is held (assigned or pending revocation) by
 * two members. A record that breaks it is an {@link IllegalStateException}: the records were not
 * written by this state machine.
 *
 * <p>A member exists while its member metadata record (5) does; its current assignment (8) and
 * target (7) may be replayed before it, as compaction can reorder records of different keys. Not
 * thread-safe: one group actor owns it.
 */
public final class ConsumerGroup {
  private final String groupId;
  private Integer groupEpoch;
  private Map<String, SubscribedTopic> subscription = Map.of();
  private int targetEpoch;
  private final Map<String, MemberMetadata> metadata;
  private final Map<String, CurrentMemberAssignment> assignments;
  private final Map<String, Map<String, Set<Integer>>> targets;
  private final Map<TopicIdPartition, String> holders;

  private record TopicIdPartition(String topicId, int partition) {}

  public ConsumerGroup(String groupId) {
    this(groupId, new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
  }

  private ConsumerGroup(
      String groupId,
      Map<String, MemberMetadata> metadata,
      Map<String, CurrentMemberAssignment> assignments,
      Map<String, Map<String, Set<Integer>>> targets,
      Map<TopicIdPartition, String> holders) {
    this.groupId = groupId;
    this.metadata = metadata;
    this.assignments = assignments;
    this.targets = targets;
    this.holders = holders;
  }

  /** An independent copy, for a decision to replay its records into before they are written. */
  public ConsumerGroup copy() {
    ConsumerGroup copy =
        new ConsumerGroup(
            groupId,
            new HashMap<>(metadata),
            new HashMap<>(assignments),
            new HashMap<>(targets),
            new HashMap<>(holders));
    copy.groupEpoch = groupEpoch;
    copy.subscription = subscription;
    copy.targetEpoch = targetEpoch;
    return copy;
  }

  public String groupId() {
    return groupId;
  }

  /** Applies one record of this group of types 3 to 8; a tombstone deletes its key. */
  public void replay(GroupRecord record) {
    RecordKey key = record.key();
    if (!key.groupId().equals(groupId)) {
      throw new IllegalArgumentException(
          "a record of group " + key.groupId() + " replayed into group " + groupId);
    }
    RecordValue value = record.value();
    if (key instanceof RecordKey.GroupMetadata) {
      groupEpoch = value == null ? null : ((RecordValue.GroupMetadata) value).epoch();
    } else if (key instanceof RecordKey.SubscriptionMetadata) {
      subscription = value == null ? Map.of() : ((RecordValue.SubscriptionMetadata) value).topics();
    } else if (key instanceof RecordKey.TargetAssignmentMetadata) {
      targetEpoch =
          value == null ? 0 : ((RecordValue.TargetAssignmentMetadata) value).assignmentEpoch();
    } else if (key instanceof RecordKey.MemberMetadata k) {
      put(metadata, k.memberId(), (MemberMetadata) value);
    } else if (key instanceof RecordKey.TargetAssignmentMember k) {
      put(
          targets,
          k.memberId(),
          value == null ? null : ((RecordValue.TargetAssignmentMember) value).partitions());
    } else if (key instanceof RecordKey.CurrentMemberAssignment k) {
      replayAssignment(k.memberId(), (CurrentMemberAssignment) value);
    } else {
      throw new IllegalArgumentException("not a membership record: " + key);
    }
  }

  private static <V> void put(Map<String, V> map, String memberId, V valueOrNull) {
    if (valueOrNull == null) {
      map.remove(memberId);
    } else {
      map.put(memberId, valueOrNull);
    }
  }

  private void replayAssignment(String memberId, CurrentMemberAssignment value) {
    CurrentMemberAssignment old = assignments.get(memberId);
    if (old != null) {
      forEachHeld(old, tp -> holders.remove(tp, memberId));
    }
    put(assignments, memberId, value);
    if (value != null) {
      forEachHeld(
          value,
          tp -> {
            String other = holders.putIfAbsent(tp, memberId);
            if (other != null && !other.equals(memberId)) {
              throw new IllegalStateException(
                  "group "
                      + groupId
                      + ": partition "
                      + tp.partition()
                      + " of topic "
                      + tp.topicId()
                      + " given to member "
                      + memberId
                      + " while member "
                      + other
                      + " holds it");
            }
          });
    }
  }

  private static void forEachHeld(
      CurrentMemberAssignment assignment, java.util.function.Consumer<TopicIdPartition> action) {
    for (Map<String, Set<Integer>> partitions :
        java.util.List.of(
            assignment.assignedPartitions(), assignment.partitionsPendingRevocation())) {
      partitions.forEach(
          (topicId, ps) -> ps.forEach(p -> action.accept(new TopicIdPartition(topicId, p))));
    }
  }

  /** Whether the group has any membership record: an epoch or a member. */
  public boolean exists() {
    return groupEpoch != null || !metadata.isEmpty();
  }

  /** The group epoch; 0 before the first. */
  public int groupEpoch() {
    return groupEpoch == null ? 0 : groupEpoch;
  }

  /** The epoch of the group the target assignment was computed for; 0 before the first. */
  public int targetEpoch() {
    return targetEpoch;
  }

  /** The subscribed topics by name as they were when the group epoch was last raised. */
  public Map<String, SubscribedTopic> subscription() {
    return subscription;
  }

  public int size() {
    return metadata.size();
  }

  public Optional<Member> member(String memberId) {
    MemberMetadata m = metadata.get(memberId);
    return m == null ? Optional.empty() : Optional.of(toMember(memberId, m));
  }

  /** The members, by member id. */
  public Collection<Member> members() {
    Map<String, Member> sorted = new TreeMap<>();
    metadata.forEach((id, m) -> sorted.put(id, toMember(id, m)));
    return sorted.values();
  }

  private Member toMember(String memberId, MemberMetadata m) {
    return new Member(
        memberId,
        m,
        assignments.getOrDefault(memberId, Member.JOINING),
        targets.getOrDefault(memberId, Map.of()));
  }

  /** The member with this {@code group.instance.id}, if any. */
  public Optional<Member> staticMember(String instanceId) {
    return metadata.entrySet().stream()
        .filter(e -> instanceId.equals(e.getValue().instanceId()))
        .findFirst()
        .map(e -> toMember(e.getKey(), e.getValue()));
  }

  /** The member holding the partition (assigned or being revoked), if any. */
  public Optional<String> holderOf(String topicId, int partition) {
    return Optional.ofNullable(holders.get(new TopicIdPartition(topicId, partition)));
  }

  /** Whether a recorded target (record 7) exists for the member. */
  public boolean hasTarget(String memberId) {
    return targets.containsKey(memberId);
  }

  /** Whether a member subscribes to {@code topic} by name or by a regex that matches it now. */
  public boolean isSubscribedTo(String topic) {
    return subscription.containsKey(topic)
        || metadata.values().stream().anyMatch(m -> m.subscribedTopicNames().contains(topic));
  }

  public GroupState state() {
    if (!exists()) {
      return GroupState.DEAD;
    }
    if (metadata.isEmpty()) {
      return GroupState.EMPTY;
    }
    if (groupEpoch() > targetEpoch) {
      return GroupState.ASSIGNING;
    }
    boolean reconciled = members().stream().allMatch(m -> m.isReconciledTo(targetEpoch));
    return reconciled ? GroupState.STABLE : GroupState.RECONCILING;
  }

  /** Everything the records say, as values: two groups with equal images are the same state. */
  public Image image() {
    return new Image(
        groupEpoch,
        new TreeMap<>(subscription),
        targetEpoch,
        new TreeMap<>(metadata),
        new TreeMap<>(assignments),
        new TreeMap<>(targets));
  }

  /** See {@link #image()}. */
  public record Image(
      Integer groupEpoch,
      Map<String, SubscribedTopic> subscription,
      int targetEpoch,
      Map<String, MemberMetadata> metadata,
      Map<String, CurrentMemberAssignment> assignments,
      Map<String, Map<String, Set<Integer>>> targets) {}
}
