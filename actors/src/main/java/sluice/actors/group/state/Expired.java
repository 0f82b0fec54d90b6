package sluice.actors.group.state;

import java.util.Map;
import java.util.Set;

/**
 * What an expiry pass removed, for the coordinator's log.
 *
 * @param members removed member ids, each with why: "session" (no heartbeat within the session
 *     timeout) or "revocation" (partitions not revoked within the rebalance timeout)
 * @param offsets offsets past retention
 * @param groupDeleted whether the group itself was deleted (empty, no offsets left)
 * @param instances HTTP consumer instances untouched for longer than their timeout, by name
 */
public record Expired(
    Map<String, String> members,
    Set<TopicPartition> offsets,
    boolean groupDeleted,
    Set<String> instances) {
  public Expired {
    members = Map.copyOf(members);
    offsets = Set.copyOf(offsets);
    instances = Set.copyOf(instances);
  }

  public boolean isEmpty() {
    return members.isEmpty() && offsets.isEmpty() && !groupDeleted && instances.isEmpty();
  }
}
