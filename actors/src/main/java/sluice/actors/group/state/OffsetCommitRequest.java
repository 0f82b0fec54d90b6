package sluice.actors.group.state;

import java.util.Map;
import java.util.Objects;

/**
 * An offset commit (Kafka's {@code OffsetCommit}).
 *
 * @param memberId the committing member; null for a client outside the group's membership
 * @param memberEpoch the member's epoch; negative for a client outside the membership, which may
 *     commit only while the group has no members
 * @param offsets what to commit, per partition
 */
public record OffsetCommitRequest(
    String groupId, String memberId, int memberEpoch, Map<TopicPartition, Offset> offsets) {

  public OffsetCommitRequest {
    Objects.requireNonNull(groupId, "groupId");
    offsets = Map.copyOf(offsets);
  }

  /**
   * One partition's commit.
   *
   * @param offset the next offset to read
   * @param leaderEpoch the leader epoch of the last record consumed, or -1
   * @param metadata the client's string; null is taken as empty
   */
  public record Offset(long offset, int leaderEpoch, String metadata) {
    public static Offset of(long offset) {
      return new Offset(offset, -1, "");
    }
  }
}
