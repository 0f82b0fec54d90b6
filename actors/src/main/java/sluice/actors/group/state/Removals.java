package sluice.actors.group.state;

import java.util.Map;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue;
import sluice.actors.group.log.RecordValue.SubscribedTopic;

/**
 * The records that take members and groups away, in Kafka's order: what refers to a thing goes
 * before the thing, so a replay never meets an assignment of a member it has forgotten.
 */
final class Removals {
  private Removals() {}

  /**
   * Removes the member (current assignment 8, target 7, metadata 5) and raises the group epoch,
   * with new subscription metadata if the member was the last to subscribe to a topic. The target
   * is not recomputed: the next heartbeat of any member does it (the group is assigning till then).
   */
  static void removeMember(Draft draft, String memberId, Topics topics) {
    removeMemberRecordsOnly(draft, memberId);
    raiseEpoch(draft, topics, true);
  }

  /** The member's tombstones (8, 7, 5) alone: for a static member replaced under a new id. */
  static void removeMemberRecordsOnly(Draft draft, String memberId) {
    String groupId = draft.group().groupId();
    draft.add(new RecordKey.CurrentMemberAssignment(groupId, memberId), null);
    draft.add(new RecordKey.TargetAssignmentMember(groupId, memberId), null);
    draft.add(new RecordKey.MemberMetadata(groupId, memberId), null);
  }

  /**
   * Writes the subscription metadata if it changed and raises the group epoch if it did or if
   * {@code membershipChanged}.
   *
   * @return whether the epoch was raised
   */
  static boolean raiseEpoch(Draft draft, Topics topics, boolean membershipChanged) {
    ConsumerGroup group = draft.group();
    Map<String, SubscribedTopic> metadata = Subscriptions.metadata(group, topics);
    boolean changed = !metadata.equals(group.subscription());
    if (changed) {
      draft.add(
          new RecordKey.SubscriptionMetadata(group.groupId()),
          new RecordValue.SubscriptionMetadata(metadata));
    }
    if (changed || membershipChanged) {
      draft.add(
          new RecordKey.GroupMetadata(group.groupId()),
          new RecordValue.GroupMetadata(group.groupEpoch() + 1));
      return true;
    }
    return false;
  }

  /**
   * Deletes the whole group's membership: every member's 8, then 7s and 6, then 5s, then 4 and 3.
   * Offsets are not touched.
   */
  static void deleteGroup(Draft draft) {
    ConsumerGroup group = draft.group();
    String groupId = group.groupId();
    var members = group.members().stream().map(Member::memberId).toList();
    members.forEach(id -> draft.add(new RecordKey.CurrentMemberAssignment(groupId, id), null));
    members.forEach(id -> draft.add(new RecordKey.TargetAssignmentMember(groupId, id), null));
    draft.add(new RecordKey.TargetAssignmentMetadata(groupId), null);
    members.forEach(id -> draft.add(new RecordKey.MemberMetadata(groupId, id), null));
    draft.add(new RecordKey.SubscriptionMetadata(groupId), null);
    draft.add(new RecordKey.GroupMetadata(groupId), null);
  }
}
