package sluice.actors.group.state;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import sluice.actors.group.log.MemberState;
import sluice.actors.group.log.RecordValue.CurrentMemberAssignment;

/**
 * One member's next step towards its target assignment (KIP-848's reconciliation; the rules of
 * Kafka's {@code CurrentAssignmentBuilder}). A pure function of the member, the target, who holds
 * what, and what the member says it owns.
 *
 * <p>The rule that keeps a partition from having two owners: a member first keeps the part of its
 * assignment that is in its target and is asked to revoke the rest, staying at its epoch in {@link
 * MemberState#UNREVOKED_PARTITIONS} until a heartbeat's owned partitions no longer list them. Only
 * then does it move to the target's epoch and receive new partitions, and of those only the ones no
 * other member holds (assigned or being revoked); the rest it waits for in {@link
 * MemberState#UNRELEASED_PARTITIONS}, taking them at a later heartbeat once released.
 */
final class Reconciliation {

  /** Who holds a partition now, as the group's records say. */
  interface Holders {
    /** Whether a member other than {@code memberId} holds the partition. */
    boolean heldByOther(String memberId, String topicId, int partition);
  }

  private Reconciliation() {}

  /**
   * The member's next current assignment, or its present one if it cannot move.
   *
   * @param owned what the member's heartbeat says it owns, by topic id; null if it did not say
   */
  static CurrentMemberAssignment next(
      Member member,
      int targetEpoch,
      Map<String, Set<Integer>> target,
      Holders holders,
      Map<String, Set<Integer>> owned) {
    CurrentMemberAssignment current = member.assignment();
    switch (current.state()) {
      case STABLE:
        return current.memberEpoch() == targetEpoch
            ? current
            : step(member, current.memberEpoch(), targetEpoch, target, holders, owned);
      case UNREVOKED_PARTITIONS:
        if (stillOwnsAny(owned, current.partitionsPendingRevocation())) {
          return current;
        }
        return step(member, current.memberEpoch() + 1, targetEpoch, target, holders, owned);
      case UNRELEASED_PARTITIONS:
        return step(member, current.memberEpoch(), targetEpoch, target, holders, owned);
      default:
        throw new IllegalStateException("member state " + current.state());
    }
  }

  private static CurrentMemberAssignment step(
      Member member,
      int memberEpoch,
      int targetEpoch,
      Map<String, Set<Integer>> target,
      Holders holders,
      Map<String, Set<Integer>> owned) {
    Map<String, Set<Integer>> kept = new TreeMap<>();
    Map<String, Set<Integer>> revoke = new TreeMap<>();
    Map<String, Set<Integer>> receive = new TreeMap<>();
    boolean unreleased = false;
    Set<String> topics = new HashSet<>(target.keySet());
    topics.addAll(member.assigned().keySet());
    for (String topicId : topics) {
      Set<Integer> wanted = target.getOrDefault(topicId, Set.of());
      Set<Integer> assigned = member.assigned().getOrDefault(topicId, Set.of());
      for (int p : assigned) {
        (wanted.contains(p) ? kept : revoke).computeIfAbsent(topicId, t -> new TreeSet<>()).add(p);
      }
      for (int p : wanted) {
        if (assigned.contains(p)) {
          continue;
        }
        if (holders.heldByOther(member.memberId(), topicId, p)) {
          unreleased = true;
        } else {
          receive.computeIfAbsent(topicId, t -> new TreeSet<>()).add(p);
        }
      }
    }
    // The previous epoch is always the one the member had before this step (Kafka's
    // updateMemberEpoch), so a member whose answer was lost may heartbeat with it once more.
    if (!revoke.isEmpty() && stillOwnsAny(owned, revoke)) {
      return new CurrentMemberAssignment(
          memberEpoch, member.epoch(), MemberState.UNREVOKED_PARTITIONS, kept, revoke);
    }
    receive.forEach(
        (topicId, ps) -> kept.computeIfAbsent(topicId, t -> new TreeSet<>()).addAll(ps));
    return new CurrentMemberAssignment(
        targetEpoch,
        member.epoch(),
        unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
        kept,
        Map.of());
  }

  /** Whether the member still owns any of {@code revoking}; not knowing counts as owning. */
  private static boolean stillOwnsAny(
      Map<String, Set<Integer>> owned, Map<String, Set<Integer>> revoking) {
    if (owned == null) {
      return true;
    }
    for (Map.Entry<String, Set<Integer>> e : owned.entrySet()) {
      Set<Integer> pending = revoking.getOrDefault(e.getKey(), Set.of());
      for (int p : e.getValue()) {
        if (pending.contains(p)) {
          return true;
        }
      }
    }
    return false;
  }
}
