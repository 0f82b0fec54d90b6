package sluice.actors.group.state;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A consumer as KIP-848 clients behave: it joins with epoch 0, heartbeats with its epoch and what
 * it owns, takes the assignment it is sent (revoking what is no longer in it at once, unless told
 * to hold on), and after a fencing error forgets its partitions and epoch.
 */
final class ScriptedMember {
  final String memberId;
  final String instanceId;
  private final GroupHarness harness;
  private List<String> topics;
  int epoch;
  Map<String, Set<Integer>> owned = new HashMap<>();

  /** The last assignment the coordinator sent: what the member reconciles to when it may. */
  Map<String, Set<Integer>> assigned = new HashMap<>();

  HeartbeatResponse last;
  int rebalanceTimeoutMs = 30_000;
  String assignor;

  ScriptedMember(GroupHarness harness, String memberId, String instanceId, List<String> topics) {
    this.harness = harness;
    this.memberId = memberId;
    this.instanceId = instanceId;
    this.topics = topics;
  }

  HeartbeatResponse join() {
    epoch = 0;
    owned = new HashMap<>();
    assigned = new HashMap<>();
    return send(request(0, rebalanceTimeoutMs, topics, Map.of()), true);
  }

  /**
   * A heartbeat after the member took its last assignment (revoking what is not in it), which
   * reports what it owns and takes what it is sent; after a fencing it rejoins, as clients do.
   */
  HeartbeatResponse heartbeat() {
    if (epoch == 0) {
      return join();
    }
    owned = copy(assigned);
    return send(request(epoch, null, null, copy(owned)), true);
  }

  /** A heartbeat that keeps reporting its partitions and ignores any revocation. */
  HeartbeatResponse heartbeatWithoutRevoking() {
    return send(request(epoch, null, null, copy(owned)), false);
  }

  HeartbeatResponse subscribe(List<String> newTopics) {
    topics = newTopics;
    owned = copy(assigned);
    return send(request(epoch, null, newTopics, copy(owned)), true);
  }

  HeartbeatResponse leave() {
    return send(request(Member.LEAVE_EPOCH, null, null, null), true);
  }

  HeartbeatResponse leaveTemporarily() {
    return send(request(Member.STATIC_LEAVE_EPOCH, null, null, null), true);
  }

  HeartbeatResponse send(HeartbeatRequest request, boolean revoke) {
    last = harness.heartbeat(request);
    if (!last.ok()) {
      if (last.error() == GroupError.FENCED_MEMBER_EPOCH
          || last.error() == GroupError.UNKNOWN_MEMBER_ID) {
        owned = new HashMap<>();
        assigned = new HashMap<>();
        epoch = 0;
      }
      return last;
    }
    if (request.memberEpoch() < 0) {
      owned = new HashMap<>();
      assigned = new HashMap<>();
      return last;
    }
    epoch = last.memberEpoch();
    if (last.assignment() != null) {
      assigned = copy(last.assignment());
      Map<String, Set<Integer>> next = copy(assigned);
      if (!revoke) {
        owned.forEach((t, ps) -> next.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
      }
      owned = next;
    }
    return last;
  }

  HeartbeatRequest request(
      int epoch, Integer rebalanceTimeoutMs, List<String> names, Map<String, Set<Integer>> owned) {
    return new HeartbeatRequest(
        GroupHarness.GROUP,
        memberId,
        epoch,
        instanceId,
        null,
        rebalanceTimeoutMs,
        names,
        null,
        assignor,
        owned,
        "client-" + memberId,
        "/10.0.0.1");
  }

  int ownedCount() {
    return owned.values().stream().mapToInt(Set::size).sum();
  }

  static Map<String, Set<Integer>> copy(Map<String, Set<Integer>> partitions) {
    Map<String, Set<Integer>> copy = new HashMap<>();
    partitions.forEach((t, ps) -> copy.put(t, new TreeSet<>(ps)));
    return copy;
  }
}
