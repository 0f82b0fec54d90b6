package sluice.actors.group.state;

import java.util.Map;
import java.util.Set;

/**
 * The answer to a heartbeat.
 *
 * @param assignment the partitions the member should own now, by topic id; null when unchanged (or
 *     on an error, or a leave)
 * @param error null on success
 * @param message what was wrong, null on success
 */
public record HeartbeatResponse(
    String memberId,
    int memberEpoch,
    int heartbeatIntervalMs,
    Map<String, Set<Integer>> assignment,
    GroupError error,
    String message) {

  static HeartbeatResponse error(HeartbeatRequest request, GroupError error, String message) {
    return new HeartbeatResponse(
        request.memberId(), request.memberEpoch(), 0, null, error, message);
  }

  public boolean ok() {
    return error == null;
  }
}
