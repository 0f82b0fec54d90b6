package sluice.actors.quorum;

import akka.cluster.MemberStatus;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which brokers this broker counts toward its quorum, from the membership and reachability it has
 * been told: itself and every other member whose status is {@code Up} and that is not unreachable
 * as far as this broker's gossip says (its own failure detector and the observations of the members
 * it hears from). Counted against the configured brokers ({@link QuorumState#needed()}), never
 * against the current members: an island of one is a majority of itself.
 *
 * <p>Why only {@code Up}: a member is {@code WeaklyUp} only while the cluster cannot converge,
 * which is while some member is unreachable, the moment to be strict; Distributed Data does not
 * write to such members either. A member that is joining, leaving, exiting, down or removed does
 * not count, nor does this broker unless it is {@code Up} itself (a downed broker has no quorum).
 *
 * <p>Members are known by address string. Not thread-safe: one actor feeds it.
 */
final class QuorumRule {

  private final int configured;
  private final String self;
  private final Map<String, MemberStatus> statuses = new HashMap<>();
  private final Set<String> unreachable = new HashSet<>();

  /**
   * @param configured N, the configured brokers (at least 1)
   * @param self this broker's member address
   */
  QuorumRule(int configured, String self) {
    if (configured < 1) {
      throw new IllegalArgumentException("At least one broker is configured, not " + configured);
    }
    this.configured = configured;
    this.self = self;
  }

  /** A member's status changed (removed members are forgotten). */
  void member(String address, MemberStatus status) {
    if (status.equals(MemberStatus.removed())) {
      statuses.remove(address);
      unreachable.remove(address);
    } else {
      statuses.put(address, status);
    }
  }

  /** A member became unreachable, or reachable again. */
  void reachability(String address, boolean reachable) {
    if (reachable) {
      unreachable.remove(address);
    } else {
      unreachable.add(address);
    }
  }

  /** What this broker sees now. */
  QuorumState state() {
    int together = 0;
    int members = 0;
    for (var entry : statuses.entrySet()) {
      MemberStatus status = entry.getValue();
      boolean up = status.equals(MemberStatus.up());
      if (up || status.equals(MemberStatus.leaving())) {
        members++;
      }
      if (up && !unreachable.contains(entry.getKey())) {
        together++;
      }
    }
    // This broker is not in the cluster (yet, or any more): it counts as one member, no quorum.
    if (!statuses.containsKey(self)) {
      members++;
    }
    return new QuorumState(configured, together, members);
  }

  String self() {
    return self;
  }
}
