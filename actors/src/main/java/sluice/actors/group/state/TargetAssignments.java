package sluice.actors.group.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import sluice.actors.group.assign.AssignmentMember;
import sluice.actors.group.assign.Assignors;
import sluice.actors.group.assign.GroupSpec;
import sluice.actors.group.assign.SubscribedTopic;
import sluice.actors.group.assign.TargetAssignment;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue;

/**
 * A new target assignment for a group whose epoch moved past its target's: the assignor run over
 * the members and the subscription metadata, written as one target assignment member record (7) per
 * member whose share changed, then the target assignment metadata (6) with the group epoch. Each
 * member's current share is its last target, which is what keeps the uniform assignor sticky.
 */
final class TargetAssignments {
  private TargetAssignments() {}

  /** The assignor the members ask for most (ties by name), else the configured default. */
  static String assignorName(ConsumerGroup group, String defaultAssignor) {
    Map<String, Integer> votes = new TreeMap<>();
    for (Member member : group.members()) {
      String name = member.metadata().serverAssignor();
      if (name != null) {
        votes.merge(name, 1, Integer::sum);
      }
    }
    String best = defaultAssignor;
    int most = 0;
    for (Map.Entry<String, Integer> vote : votes.entrySet()) {
      if (vote.getValue() > most) {
        best = vote.getKey();
        most = vote.getValue();
      }
    }
    return best;
  }

  /** Adds the records of the group's new target to the draft. */
  static void update(Draft draft, Topics topics, String defaultAssignor) {
    ConsumerGroup group = draft.group();
    List<SubscribedTopic> subscribed = new ArrayList<>();
    group
        .subscription()
        .forEach(
            (name, t) ->
                subscribed.add(new SubscribedTopic(t.topicId(), name, t.partitionCount())));
    List<AssignmentMember> members = new ArrayList<>();
    for (Member member : group.members()) {
      members.add(
          new AssignmentMember(
              member.memberId(),
              Optional.ofNullable(member.instanceId()),
              Subscriptions.topicNames(member.metadata(), topics),
              member.target()));
    }
    TargetAssignment target =
        Assignors.named(assignorName(group, defaultAssignor))
            .assign(new GroupSpec(members, subscribed));
    for (Member member : group.members()) {
      Map<String, Set<Integer>> share = target.partitions(member.memberId());
      if (!group.hasTarget(member.memberId()) || !share.equals(member.target())) {
        draft.add(
            new RecordKey.TargetAssignmentMember(group.groupId(), member.memberId()),
            new RecordValue.TargetAssignmentMember(share));
      }
    }
    draft.add(
        new RecordKey.TargetAssignmentMetadata(group.groupId()),
        new RecordValue.TargetAssignmentMetadata(group.groupEpoch()));
  }
}
