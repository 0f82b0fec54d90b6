package sluice.actors.group.state;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import sluice.actors.group.log.MemberState;
import sluice.actors.group.log.RecordValue.CurrentMemberAssignment;
import sluice.actors.group.log.RecordValue.MemberMetadata;

/**
 * One member as its records describe it: its metadata (record 5), its current assignment (record 8,
 * or {@link #JOINING} before the first) and its share of the target assignment (record 7, empty
 * before the first). Immutable.
 */
public record Member(
    String memberId,
    MemberMetadata metadata,
    CurrentMemberAssignment assignment,
    Map<String, Set<Integer>> target) {

  /** The epoch a member joins with. */
  public static final int JOIN_EPOCH = 0;

  /** The epoch with which a member leaves for good. */
  public static final int LEAVE_EPOCH = -1;

  /** The epoch with which a static member leaves for a while, keeping its assignment. */
  public static final int STATIC_LEAVE_EPOCH = -2;

  /** The current assignment of a member whose first record 8 is not written yet. */
  public static final CurrentMemberAssignment JOINING =
      new CurrentMemberAssignment(JOIN_EPOCH, JOIN_EPOCH, MemberState.STABLE, Map.of(), Map.of());

  public Member {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(assignment, "assignment");
    target = Map.copyOf(target);
  }

  public int epoch() {
    return assignment.memberEpoch();
  }

  public MemberState state() {
    return assignment.state();
  }

  /** The static member's instance id, or null. */
  public String instanceId() {
    return metadata.instanceId();
  }

  public Map<String, Set<Integer>> assigned() {
    return assignment.assignedPartitions();
  }

  public Map<String, Set<Integer>> pendingRevocation() {
    return assignment.partitionsPendingRevocation();
  }

  /** Whether the member holds the partition: assigned to it or still being revoked from it. */
  public boolean owns(String topicId, int partition) {
    return assigned().getOrDefault(topicId, Set.of()).contains(partition)
        || pendingRevocation().getOrDefault(topicId, Set.of()).contains(partition);
  }

  /** Stable at the target's epoch: nothing left to do. */
  public boolean isReconciledTo(int targetEpoch) {
    return state() == MemberState.STABLE && epoch() == targetEpoch;
  }
}
