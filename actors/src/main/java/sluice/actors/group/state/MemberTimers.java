package sluice.actors.group.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sluice.actors.group.log.MemberState;

/**
 * The deadlines of a group's members: the session (a member silent past it is removed) and the
 * revocation (a member still holding partitions it was asked to revoke past it is removed). They
 * are not in any record: like Kafka's timers they are armed when a decision is made and re-armed in
 * full by a coordinator that loads the group, which gives every member a fresh session and every
 * revoking member a fresh rebalance timeout from the moment it sees the member.
 *
 * <p>A deadline is only a hint: {@link #due} checks it against the applied state, so a deadline set
 * by a decision whose records were never committed, or for a member since removed or reconciled,
 * does nothing. Not thread-safe.
 */
final class MemberTimers {
  private final Map<String, Long> sessions = new HashMap<>();
  private final Map<String, Revocation> revocations = new HashMap<>();

  private record Revocation(int epoch, long deadline) {}

  /** Why a member is due for removal. */
  enum Expiry {
    SESSION,
    REVOCATION
  }

  /** A member due for removal. */
  record Due(String memberId, Expiry reason) {}

  void heartbeat(String memberId, long deadline) {
    sessions.put(memberId, deadline);
  }

  /** The member must revoke by {@code deadline}; a deadline already set for this epoch stays. */
  void revoking(String memberId, int epoch, long deadline) {
    Revocation armed = revocations.get(memberId);
    if (armed == null || armed.epoch() != epoch) {
      revocations.put(memberId, new Revocation(epoch, deadline));
    }
  }

  void notRevoking(String memberId) {
    revocations.remove(memberId);
  }

  /**
   * The members of {@code group} whose deadline has passed at {@code now}, by member id. A member
   * with no deadline armed (a coordinator that just loaded the group) gets one from {@code now};
   * deadlines of members no longer in the group are dropped.
   */
  List<Due> due(ConsumerGroup group, long now, int sessionTimeoutMs) {
    sessions.keySet().removeIf(id -> group.member(id).isEmpty());
    revocations.keySet().removeIf(id -> group.member(id).isEmpty());
    List<Due> due = new ArrayList<>();
    for (Member member : group.members()) {
      String id = member.memberId();
      long session = sessions.computeIfAbsent(id, k -> now + sessionTimeoutMs);
      if (member.state() == MemberState.UNREVOKED_PARTITIONS) {
        revoking(id, member.epoch(), now + member.metadata().rebalanceTimeoutMs());
      } else {
        revocations.remove(id);
      }
      Revocation revocation = revocations.get(id);
      if (now >= session) {
        due.add(new Due(id, Expiry.SESSION));
      } else if (revocation != null && now >= revocation.deadline()) {
        due.add(new Due(id, Expiry.REVOCATION));
      }
    }
    return due;
  }
}
