package sluice.actors.group.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue.OffsetCommit;
import sluice.actors.group.log.RecordValue.SubscribedTopic;

/**
 * Decides offset commits, deletions and expiry for one group.
 *
 * <p>A commit is accepted from a member at its current epoch for partitions it holds (assigned or
 * being revoked: a member commits before it lets a partition go), and from anyone while the group
 * has no members (manual assignment). Ownership is read through the subscription metadata (topic
 * name to id), the same names the target assignment was computed from.
 *
 * <p>Expiry: offsets of a group that has had no members for {@code offsets.retention.minutes}, and
 * were committed at least that long ago, are deleted; then, if none are left, the group too. When
 * the group became empty is not in any record: it is when {@link #expire} first sees it empty (at
 * most one timer period late; after a failover, the load), which can only keep offsets longer.
 */
final class OffsetCommits {
  private final GroupConfig config;
  private Long emptySince;

  OffsetCommits(GroupConfig config) {
    this.config = config;
  }

  Result<PartitionResults> commit(ConsumerGroup group, OffsetCommitRequest r, long now) {
    Refusal groupLevel = checkMember(group, r);
    List<GroupRecord> records = new ArrayList<>();
    Set<TopicPartition> accepted = new HashSet<>();
    Map<TopicPartition, Refusal> refused = new HashMap<>();
    r.offsets()
        .forEach(
            (tp, offset) -> {
              Refusal refusal = groupLevel != null ? groupLevel : check(group, r, tp, offset);
              if (refusal != null) {
                refused.put(tp, refusal);
                return;
              }
              String metadata = offset.metadata() == null ? "" : offset.metadata();
              records.add(
                  new GroupRecord(
                      new RecordKey.OffsetCommit(r.groupId(), tp.topic(), tp.partition()),
                      new OffsetCommit(offset.offset(), offset.leaderEpoch(), metadata, now)));
              accepted.add(tp);
            });
    records.sort(
        (a, b) -> {
          var ka = (RecordKey.OffsetCommit) a.key();
          var kb = (RecordKey.OffsetCommit) b.key();
          return new TopicPartition(ka.topic(), ka.partition())
              .compareTo(new TopicPartition(kb.topic(), kb.partition()));
        });
    return new Result<>(records, new PartitionResults(accepted, refused));
  }

  /** Null if the committer may commit at all, else why not. */
  private static Refusal checkMember(ConsumerGroup group, OffsetCommitRequest r) {
    if (r.memberEpoch() < 0 && group.size() == 0) {
      return null;
    }
    var member =
        r.memberId() == null ? java.util.Optional.<Member>empty() : group.member(r.memberId());
    if (member.isEmpty()) {
      return new Refusal(
          GroupError.UNKNOWN_MEMBER_ID,
          "member " + r.memberId() + " is not in group " + r.groupId());
    }
    if (member.get().epoch() != r.memberEpoch()) {
      return new Refusal(
          GroupError.STALE_MEMBER_EPOCH,
          "member "
              + r.memberId()
              + " committed at epoch "
              + r.memberEpoch()
              + " but its epoch is "
              + member.get().epoch());
    }
    return null;
  }

  private Refusal check(
      ConsumerGroup group, OffsetCommitRequest r, TopicPartition tp, OffsetCommitRequest.Offset o) {
    if (o.offset() < 0 || o.leaderEpoch() < OffsetCommit.NO_LEADER_EPOCH) {
      return new Refusal(
          GroupError.INVALID_REQUEST,
          "offset "
              + o.offset()
              + " or leader epoch "
              + o.leaderEpoch()
              + " of "
              + tp
              + " is negative");
    }
    if (o.metadata() != null
        && o.metadata().getBytes(StandardCharsets.UTF_8).length > config.offsetMetadataMaxBytes()) {
      return new Refusal(
          GroupError.OFFSET_METADATA_TOO_LARGE,
          "metadata of "
              + tp
              + " is longer than offset.metadata.max.bytes = "
              + config.offsetMetadataMaxBytes());
    }
    if (group.size() == 0 && r.memberEpoch() < 0) {
      return null;
    }
    SubscribedTopic topic = group.subscription().get(tp.topic());
    Member member = group.member(r.memberId()).orElseThrow();
    if (topic == null || !member.owns(topic.topicId(), tp.partition())) {
      return new Refusal(
          GroupError.PARTITION_NOT_OWNED,
          "member " + r.memberId() + " does not own " + tp + " at epoch " + member.epoch());
    }
    return null;
  }

  /** Deletes the offsets of the partitions, except those of topics a member subscribes to. */
  Result<PartitionResults> delete(
      ConsumerGroup group, GroupOffsets offsets, String groupId, Set<TopicPartition> partitions) {
    Set<TopicPartition> accepted = new HashSet<>();
    Map<TopicPartition, Refusal> refused = new HashMap<>();
    List<GroupRecord> records = new ArrayList<>();
    boolean exists = group.exists() || !offsets.isEmpty();
    for (TopicPartition tp : new java.util.TreeSet<>(partitions)) {
      if (!exists) {
        refused.put(tp, new Refusal(GroupError.GROUP_ID_NOT_FOUND, "no group " + groupId));
      } else if (group.isSubscribedTo(tp.topic())) {
        refused.put(
            tp,
            new Refusal(
                GroupError.GROUP_SUBSCRIBED_TO_TOPIC,
                "a member of group " + groupId + " subscribes to topic " + tp.topic()));
      } else {
        if (offsets.get(tp) != null) {
          records.add(tombstone(groupId, tp));
        }
        accepted.add(tp);
      }
    }
    return new Result<>(records, new PartitionResults(accepted, refused));
  }

  /**
   * The tombstones of offsets past retention; the group's own tombstones too if it is empty and
   * none of its offsets remain.
   */
  List<GroupRecord> expire(ConsumerGroup group, GroupOffsets offsets, String groupId, long now) {
    if (group.size() > 0) {
      emptySince = null;
      return List.of();
    }
    if (emptySince == null) {
      emptySince = now;
    }
    long retention = config.offsetsRetentionMs();
    List<GroupRecord> records = new ArrayList<>();
    offsets
        .all()
        .forEach(
            (tp, offset) -> {
              if (now - Math.max(emptySince, offset.commitTimestamp()) >= retention) {
                records.add(tombstone(groupId, tp));
              }
            });
    boolean noneLeft = records.size() == offsets.all().size();
    if (noneLeft && group.exists() && now - emptySince >= retention) {
      Draft draft = new Draft(group);
      Removals.deleteGroup(draft);
      records.addAll(draft.records());
    }
    return records;
  }

  private static GroupRecord tombstone(String groupId, TopicPartition tp) {
    return GroupRecord.tombstone(new RecordKey.OffsetCommit(groupId, tp.topic(), tp.partition()));
  }
}
