package sluice.actors.group.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordType;
import sluice.actors.group.log.RecordValue.OffsetCommit;

/**
 * One consumer group's coordinator state machine (KIP-848), pure: no actors, no I/O, no clock of
 * its own. Every operation takes the request and the current time and returns a {@link Result}: the
 * records to append to the group's partition of {@code __consumer_offsets} and the answer. The
 * state changes only when records are {@link #replay replayed}: the coordinator replays a
 * decision's records once they are committed (acks=all), by the same path that loads the partition
 * on election, so an acknowledged change survives a failover by construction.
 *
 * <p>Contract for the caller: decide, append, replay, then decide the next — never decide on a
 * state that lacks records already handed out (a second decision would compute the same epoch
 * again). If an append fails, drop the answer (the client retries). The member deadlines armed by
 * decisions are hints checked against the replayed state by {@link #expire}, which the caller runs
 * on a timer.
 *
 * <p>Not thread-safe: one group actor owns it. See {@code docs/consumer-groups.md}, "The group
 * state machine".
 */
public final class GroupStateMachine {
  private final String groupId;
  private final GroupConfig config;
  private final ConsumerGroup membership;
  private final GroupOffsets offsets;
  private final MemberTimers timers = new MemberTimers();
  private final Heartbeats heartbeats;
  private final OffsetCommits commits;
  private final ConsumerInstances instances;

  public GroupStateMachine(String groupId, GroupConfig config) {
    this.groupId = groupId;
    this.config = config;
    this.membership = new ConsumerGroup(groupId);
    this.offsets = new GroupOffsets(groupId);
    this.heartbeats = new Heartbeats(config, timers);
    this.commits = new OffsetCommits(config);
    this.instances = new ConsumerInstances(groupId);
  }

  public String groupId() {
    return groupId;
  }

  /** Applies one committed record of this group: a decision's, or one read when loading. */
  public void replay(GroupRecord record) {
    if (record.key().type() == RecordType.OFFSET_COMMIT) {
      offsets.replay(record);
    } else if (record.key().type() == RecordType.CONSUMER_INSTANCE) {
      instances.replay(record);
    } else {
      membership.replay(record);
    }
  }

  public Result<HeartbeatResponse> heartbeat(HeartbeatRequest request, Topics topics, long nowMs) {
    if (!groupId.equals(request.groupId())) {
      throw new IllegalArgumentException(
          "a heartbeat for group " + request.groupId() + " sent to group " + groupId);
    }
    return heartbeats.heartbeat(membership, request, topics, nowMs);
  }

  public Result<PartitionResults> commitOffsets(OffsetCommitRequest request, long nowMs) {
    return commits.commit(membership, request, nowMs);
  }

  /**
   * The committed offsets of {@code partitions}, or all of them if null; only what was committed.
   */
  public SortedMap<TopicPartition, OffsetCommit> fetchOffsets(Set<TopicPartition> partitions) {
    SortedMap<TopicPartition, OffsetCommit> all = offsets.all();
    if (partitions == null) {
      return all;
    }
    SortedMap<TopicPartition, OffsetCommit> some = new TreeMap<>();
    partitions.forEach(
        tp -> {
          if (all.containsKey(tp)) {
            some.put(tp, all.get(tp));
          }
        });
    return some;
  }

  public Result<PartitionResults> deleteOffsets(Set<TopicPartition> partitions) {
    return commits.delete(membership, offsets, groupId, partitions);
  }

  /**
   * Writes an HTTP consumer instance's record. With {@code create}: refused {@code
   * CONSUMER_INSTANCE_EXISTS} if the name is taken by another member id, and a retried create (the
   * same member id) writes nothing and answers what is stored. Without: refused {@code
   * UNKNOWN_CONSUMER_INSTANCE} if there is none by that name.
   *
   * @throws IllegalArgumentException if the name is empty or a field is too long for a record
   */
  public Result<InstanceOutcome> putInstance(String name, StoredInstance instance, boolean create) {
    return instances.put(name, instance, create);
  }

  /** The HTTP consumer instance of that name, if its record exists. */
  public Optional<StoredInstance> instance(String name) {
    return instances.get(name);
  }

  /** The HTTP consumer instances by name, as replayed. */
  public Map<String, StoredInstance> instances() {
    return instances.all();
  }

  /** A tombstone for the instance, answered with it as it was; refused if there is none. */
  public Result<InstanceOutcome> deleteInstance(String name) {
    return instances.delete(name);
  }

  /**
   * Whether the group has any record to look after: members, offsets, or HTTP consumer instances (a
   * group of instances alone is {@link GroupState#DEAD} to clients, but its instances expire).
   */
  public boolean holdsRecords() {
    return state() != GroupState.DEAD || !instances.isEmpty();
  }

  /**
   * Removes members past their session or revocation deadline, HTTP consumer instances untouched
   * for longer than their timeout, and offsets (then the group) past retention. Call it on a timer;
   * after loading the group, its first call arms every member's deadlines from {@code nowMs}.
   */
  public Result<Expired> expire(long nowMs, Topics topics) {
    Draft draft = new Draft(membership);
    Map<String, String> removed = new LinkedHashMap<>();
    for (MemberTimers.Due due : timers.due(membership, nowMs, config.sessionTimeoutMs())) {
      Removals.removeMember(draft, due.memberId(), topics);
      removed.put(due.memberId(), due.reason().name().toLowerCase(Locale.ROOT));
    }
    List<GroupRecord> records = new ArrayList<>(draft.records());
    List<GroupRecord> lapsed = instances.expire(nowMs, config.consumerInstanceTimeoutMs());
    records.addAll(lapsed);
    List<GroupRecord> expiry = commits.expire(membership, offsets, groupId, nowMs);
    records.addAll(expiry);
    Set<TopicPartition> expiredOffsets = new TreeSet<>();
    boolean groupDeleted = false;
    for (GroupRecord record : expiry) {
      if (record.key() instanceof RecordKey.OffsetCommit k) {
        expiredOffsets.add(new TopicPartition(k.topic(), k.partition()));
      } else if (record.key() instanceof RecordKey.GroupMetadata) {
        groupDeleted = true;
      }
    }
    Set<String> expiredInstances = new TreeSet<>();
    lapsed.forEach(r -> expiredInstances.add(((RecordKey.ConsumerInstance) r.key()).instance()));
    return new Result<>(
        records, new Expired(removed, expiredOffsets, groupDeleted, expiredInstances));
  }

  public GroupState state() {
    GroupState state = membership.state();
    return state == GroupState.DEAD && !offsets.isEmpty() ? GroupState.EMPTY : state;
  }

  /** The group for an admin: state, epochs, assignor, members, committed offsets. */
  public GroupDescription describe() {
    return GroupDescription.of(this, membership, offsets.all());
  }

  /**
   * Deletes an empty group: its HTTP consumer instances, its offsets, then its membership records
   * (Kafka's order). Refused with NON_EMPTY_GROUP while it has members, GROUP_ID_NOT_FOUND if it
   * has neither members nor offsets (instances alone do not make a group; they expire).
   */
  public Result<Refusal> delete() {
    GroupState state = state();
    if (state == GroupState.DEAD) {
      return Result.of(new Refusal(GroupError.GROUP_ID_NOT_FOUND, "no group " + groupId));
    }
    if (state != GroupState.EMPTY) {
      return Result.of(
          new Refusal(
              GroupError.NON_EMPTY_GROUP,
              "group " + groupId + " has " + membership.size() + " members"));
    }
    List<GroupRecord> records = new ArrayList<>(instances.deleteAll());
    offsets
        .all()
        .keySet()
        .forEach(
            tp ->
                records.add(
                    GroupRecord.tombstone(
                        new RecordKey.OffsetCommit(groupId, tp.topic(), tp.partition()))));
    if (membership.exists()) {
      Draft draft = new Draft(membership);
      Removals.deleteGroup(draft);
      records.addAll(draft.records());
    }
    return new Result<>(records, null);
  }

  String defaultAssignor() {
    return config.defaultAssignor();
  }

  /** The replayed membership state, as values (for tests and dumps). */
  public ConsumerGroup.Image image() {
    return membership.image();
  }

  /** The replayed membership (read it, never change it). */
  public ConsumerGroup membership() {
    return membership;
  }
}
