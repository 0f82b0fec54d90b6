package sluice.actors.group.coordinator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import sluice.actors.api.ApiError;
import sluice.actors.group.log.GroupRecord;

/**
 * The writes of one coordinator: at most one append in flight per group, and the requests of a
 * group that wait for it, in arrival order. A group's next decision is made only once its previous
 * records are committed and replayed, because a decision on a state that lacks records already
 * handed out would compute the same epoch twice (the state machine's contract); groups do not wait
 * for each other. Not thread-safe: the coordinator actor owns it.
 *
 * @param <W> what waits: the coordinator's requests
 */
final class GroupWrites<W> {

  /**
   * An append in flight: its records, replayed once committed, and what to do then (answer the
   * request, or log an expiry) or if it fails (refuse the request with the error).
   */
  record InFlight(List<GroupRecord> records, Runnable onCommitted, Consumer<ApiError> onFailed) {}

  private final Map<String, InFlight> inFlight = new HashMap<>();
  private final Map<String, Deque<W>> waiting = new HashMap<>();

  boolean busy(String groupId) {
    return inFlight.containsKey(groupId);
  }

  void start(String groupId, InFlight append) {
    if (inFlight.putIfAbsent(groupId, append) != null) {
      throw new IllegalStateException("group " + groupId + " already has an append in flight");
    }
  }

  /** Queues {@code request} behind the group's append in flight. */
  void await(String groupId, W request) {
    if (!busy(groupId)) {
      throw new IllegalStateException("group " + groupId + " has no append to wait for");
    }
    waiting.computeIfAbsent(groupId, id -> new ArrayDeque<>()).add(request);
  }

  /** Ends the group's append in flight and hands it back. */
  InFlight finish(String groupId) {
    InFlight done = inFlight.remove(groupId);
    if (done == null) {
      throw new IllegalStateException("group " + groupId + " has no append in flight");
    }
    return done;
  }

  /** The next request waiting for the group, once it has no append in flight. */
  Optional<W> next(String groupId) {
    Deque<W> queue = waiting.get(groupId);
    if (busy(groupId) || queue == null) {
      return Optional.empty();
    }
    W request = queue.poll();
    if (queue.isEmpty()) {
      waiting.remove(groupId);
    }
    return Optional.ofNullable(request);
  }

  /** Everything waiting, all groups, emptied: the coordinator refuses them when it reloads. */
  List<W> drainWaiting() {
    List<W> all = new ArrayList<>();
    waiting.values().forEach(all::addAll);
    waiting.clear();
    return all;
  }

  /** The appends in flight, emptied: their answers are dropped when the coordinator reloads. */
  List<InFlight> drainInFlight() {
    List<InFlight> appends = new ArrayList<>(inFlight.values());
    inFlight.clear();
    return appends;
  }
}
