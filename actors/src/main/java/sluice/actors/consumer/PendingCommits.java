package sluice.actors.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import sluice.actors.group.state.OffsetCommitRequest;
import sluice.actors.group.state.PartitionResults;
import sluice.actors.group.state.TopicPartition;

/**
 * A consumer instance's offsets as its group's coordinator has them: the commits sent and not yet
 * answered, with what each is to do once answered (give revoked partitions back, leave), and the
 * offsets last seen committed, so that only positions that moved are committed again. Pure; not
 * thread-safe: one {@link ConsumerInstance}'s.
 */
final class PendingCommits {

  /** What to do once a commit is answered. */
  record Pending(
      SortedMap<TopicPartition, Long> offsets, Set<TopicPartition> revokes, boolean leave) {}

  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<Long, Pending> pending = new HashMap<>();
  private long nextId = 1;

  /** The offsets last seen committed (fetched or acknowledged). */
  Map<TopicPartition, Long> committed() {
    return Map.copyOf(committed);
  }

  /** Offsets read from the coordinator. */
  void fetched(Map<TopicPartition, Long> offsets) {
    committed.putAll(offsets);
  }

  /** {@code positions} without those equal to what was last seen committed. */
  SortedMap<TopicPartition, Long> uncommitted(SortedMap<TopicPartition, Long> positions) {
    positions.entrySet().removeIf(e -> e.getValue().equals(committed.get(e.getKey())));
    return positions;
  }

  /**
   * A new commit of {@code offsets} (the next to read), each with its {@code metadata} (absent:
   * empty), by member {@code memberId} at {@code epoch} (null and -1 outside the group).
   */
  Effect.Commit commit(
      String groupId,
      String memberId,
      int epoch,
      SortedMap<TopicPartition, Long> offsets,
      Map<TopicPartition, String> metadata,
      Set<TopicPartition> revokes,
      boolean leave) {
    Map<TopicPartition, OffsetCommitRequest.Offset> request = new TreeMap<>();
    offsets.forEach(
        (tp, offset) ->
            request.put(
                tp, new OffsetCommitRequest.Offset(offset, -1, metadata.getOrDefault(tp, ""))));
    long id = nextId++;
    pending.put(id, new Pending(offsets, Set.copyOf(revokes), leave));
    return new Effect.Commit(id, new OffsetCommitRequest(groupId, memberId, epoch, request));
  }

  /** Commit {@code id} was answered: its accepted partitions are committed. Null if unknown. */
  Pending answered(long id, PartitionResults results) {
    Pending done = pending.remove(id);
    if (done != null) {
      results.accepted().forEach(tp -> committed.put(tp, done.offsets().get(tp)));
    }
    return done;
  }

  /** Commit {@code id} got no answer. Null if unknown. */
  Pending failed(long id) {
    return pending.remove(id);
  }
}
