package sluice.actors.consumer;

import java.util.ArrayList;
import java.util.List;
import sluice.actors.group.state.TopicPartition;

/**
 * What one {@code GET records} does: the effects to carry out first (an auto-commit, lookups of
 * unknown positions, a heartbeat to rejoin), the fetches to make, or the error to answer instead of
 * records. A partition whose position is still being looked up is not fetched in this poll; the
 * driver may poll again within the request's timeout once the lookups are answered.
 */
public record PollPlan(List<Effect> effects, List<Effect.Fetch> fetches, Rejection error) {

  public PollPlan {
    effects = List.copyOf(effects);
    fetches = List.copyOf(fetches);
  }

  /**
   * Splits {@code maxBytes} evenly over {@code partitions} (sorted), the remainder one byte each to
   * the first, starting at {@code rotation} so that, poll after poll, every partition gets its turn
   * first; a partition whose share would be 0 bytes is left for a later poll.
   */
  static List<Effect.Fetch> split(
      List<TopicPartition> partitions, List<Long> offsets, int maxBytes, int rotation) {
    int n = partitions.size();
    List<Effect.Fetch> fetches = new ArrayList<>(n);
    if (n == 0 || maxBytes <= 0) {
      return fetches;
    }
    int base = maxBytes / n;
    int extra = maxBytes % n;
    int start = Math.floorMod(rotation, n);
    for (int i = 0; i < n; i++) {
      int k = (start + i) % n;
      int bytes = base + (i < extra ? 1 : 0);
      if (bytes > 0) {
        fetches.add(new Effect.Fetch(partitions.get(k), offsets.get(k), bytes));
      }
    }
    return fetches;
  }
}
