package sluice.actors.group.state;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A consumer's heartbeat (Kafka's {@code ConsumerGroupHeartbeat}). Nullable fields are null when
 * the member did not send them: a heartbeat after the first may send only what changed.
 *
 * @param memberId chosen by the client (KIP-1082), never empty
 * @param memberEpoch 0 to join, its current epoch to heartbeat, {@link Member#LEAVE_EPOCH} to
 *     leave, {@link Member#STATIC_LEAVE_EPOCH} for a static member leaving for a while
 * @param instanceId {@code group.instance.id} of a static member; nullable
 * @param rackId nullable
 * @param rebalanceTimeoutMs how long the member may take to revoke; nullable after joining
 * @param subscribedTopicNames nullable; giving it clears a regex
 * @param subscribedTopicRegex nullable; giving it clears the names
 * @param serverAssignor nullable: the group's choice
 * @param ownedPartitions what the member owns now, by topic id; nullable
 */
public record HeartbeatRequest(
    String groupId,
    String memberId,
    int memberEpoch,
    String instanceId,
    String rackId,
    Integer rebalanceTimeoutMs,
    List<String> subscribedTopicNames,
    String subscribedTopicRegex,
    String serverAssignor,
    Map<String, Set<Integer>> ownedPartitions,
    String clientId,
    String clientHost) {

  /**
   * Kafka's "full request", which a member sends when it joins or after an error: it is answered
   * with the whole assignment even if nothing changed.
   */
  public boolean isFull() {
    return memberEpoch == Member.JOIN_EPOCH
        || (rebalanceTimeoutMs != null
            && (subscribedTopicNames != null || subscribedTopicRegex != null)
            && ownedPartitions != null);
  }
}
