package sluice.actors.consumer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import sluice.actors.consumer.InstanceConfig.OffsetReset;
import sluice.actors.group.state.TopicPartition;

/**
 * The position (next offset to return) of each partition an instance reads, and how an unknown
 * position is found: first the group's committed offset, then {@code auto.offset.reset}. A lookup
 * is asked for once; an answer counts only while the partition still waits for it, so a seek made
 * meanwhile wins. Not thread-safe (one instance, one driver).
 */
final class Positions {

  enum State {
    /** Waiting for the committed offset. */
    COMMITTED,
    /** Waiting for the earliest or latest offset. */
    RESET,
    KNOWN,
    /** No committed offset and {@code auto.offset.reset=none}. */
    NO_OFFSET
  }

  /** One partition: its state, the offset once known, the reset to look up, a lookup asked for. */
  record Position(State state, long offset, OffsetReset reset, boolean asked) {
    static Position known(long offset) {
      return new Position(State.KNOWN, offset, null, false);
    }

    static Position reset(OffsetReset reset) {
      return reset == OffsetReset.NONE
          ? new Position(State.NO_OFFSET, -1, null, false)
          : new Position(State.RESET, -1, reset, false);
    }

    Position markAsked() {
      return new Position(state, offset, reset, true);
    }
  }

  private final OffsetReset defaultReset;
  private final SortedMap<TopicPartition, Position> positions = new TreeMap<>();

  Positions(OffsetReset defaultReset) {
    this.defaultReset = defaultReset;
  }

  /** Partitions newly read: their positions come from the committed offsets. */
  void add(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      positions.putIfAbsent(tp, new Position(State.COMMITTED, -1, null, false));
    }
  }

  void remove(Collection<TopicPartition> partitions) {
    partitions.forEach(positions::remove);
  }

  void clear() {
    positions.clear();
  }

  void seek(TopicPartition tp, long offset) {
    positions.put(tp, Position.known(offset));
  }

  void seekTo(TopicPartition tp, OffsetReset reset) {
    positions.put(tp, Position.reset(reset));
  }

  /** The committed offsets arrived; a partition with none starts at {@code auto.offset.reset}. */
  void committedFetched(Map<TopicPartition, Long> committed) {
    positions.replaceAll(
        (tp, p) -> {
          if (p.state() != State.COMMITTED || !p.asked()) {
            return p;
          }
          Long offset = committed.get(tp);
          return offset != null ? Position.known(offset) : Position.reset(defaultReset);
        });
  }

  void offsetsListed(Map<TopicPartition, Long> offsets) {
    positions.replaceAll(
        (tp, p) ->
            p.state() == State.RESET && p.asked() && offsets.containsKey(tp)
                ? Position.known(offsets.get(tp))
                : p);
  }

  /**
   * Records of {@code tp} fetched from {@code from} up to {@code next} (one past the last record
   * returned): the position moves on, unless it moved since the fetch began (a seek).
   */
  void fetched(TopicPartition tp, long from, long next) {
    Position p = positions.get(tp);
    if (p != null && p.state() == State.KNOWN && p.offset() == from && next > from) {
      positions.put(tp, Position.known(next));
    }
  }

  /**
   * The fetch found {@code from} out of the log's range: start again per {@code auto.offset.reset}.
   */
  void outOfRange(TopicPartition tp, long from) {
    Position p = positions.get(tp);
    if (p != null && p.state() == State.KNOWN && p.offset() == from) {
      positions.put(tp, Position.reset(defaultReset));
    }
  }

  /**
   * The lookups not yet asked for (committed offsets, then earliest or latest offsets), as effects;
   * marks them asked.
   */
  List<Effect> lookups() {
    List<Effect> effects = new ArrayList<>();
    List<TopicPartition> committed = askCommitted();
    if (!committed.isEmpty()) {
      effects.add(new Effect.FetchCommitted(Set.copyOf(committed)));
    }
    Map<TopicPartition, OffsetReset> resets = askResets();
    if (!resets.isEmpty()) {
      effects.add(new Effect.ListOffsets(Map.copyOf(resets)));
    }
    return effects;
  }

  /** Partitions waiting for a committed offset not yet asked for; marks them asked. */
  private List<TopicPartition> askCommitted() {
    List<TopicPartition> ask = new ArrayList<>();
    positions.replaceAll(
        (tp, p) -> {
          if (p.state() == State.COMMITTED && !p.asked()) {
            ask.add(tp);
            return p.markAsked();
          }
          return p;
        });
    return ask;
  }

  /** Partitions waiting for an earliest/latest lookup not yet asked for; marks them asked. */
  private Map<TopicPartition, OffsetReset> askResets() {
    Map<TopicPartition, OffsetReset> ask = new LinkedHashMap<>();
    positions.replaceAll(
        (tp, p) -> {
          if (p.state() == State.RESET && !p.asked()) {
            ask.put(tp, p.reset());
            return p.markAsked();
          }
          return p;
        });
    return ask;
  }

  List<TopicPartition> withoutOffset() {
    return positions.entrySet().stream()
        .filter(e -> e.getValue().state() == State.NO_OFFSET)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The known positions, by partition: what a commit of everything fetched commits. */
  SortedMap<TopicPartition, Long> known() {
    SortedMap<TopicPartition, Long> known = new TreeMap<>();
    positions.forEach(
        (tp, p) -> {
          if (p.state() == State.KNOWN) {
            known.put(tp, p.offset());
          }
        });
    return known;
  }
}
