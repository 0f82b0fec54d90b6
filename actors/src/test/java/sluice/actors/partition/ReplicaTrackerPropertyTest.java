package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import sluice.actors.metadata.PartitionAssignment;

/**
 * Drives a {@link ReplicaTracker} with random appends, follower fetches, clock steps and ISR
 * changes and checks it against a plain model after every step; jqwik prints the seed of a failing
 * run.
 */
class ReplicaTrackerPropertyTest {
  private static final long LAG_MS = 5_000;
  private static final List<List<Integer>> ISRS =
      List.of(List.of(1), List.of(1, 2), List.of(1, 3), List.of(1, 2, 3));

  /** The model: what the tracker should know, kept the obvious way. */
  private static final class Model {
    long now;
    long leaderEnd;
    List<Integer> isr = List.of(1, 2, 3);
    List<Integer> pending;
    final Map<Integer, Long> ends = new HashMap<>(Map.of(2, -1L, 3, -1L));

    /** The last time each follower fetched at (or beyond) the leader's end at that moment. */
    final Map<Integer, Long> lastAtLeaderEnd = new HashMap<>(Map.of(2, 0L, 3, 0L));

    /** When each follower last fetched; absent before its first fetch and after leaving the ISR. */
    final Map<Integer, Long> lastFetch = new HashMap<>();

    Set<Integer> maximalIsr() {
      Set<Integer> result = new HashSet<>(isr);
      if (pending != null) {
        result.addAll(pending);
      }
      return result;
    }
  }

  @Property(tries = 500)
  void theTrackerAgreesWithTheModelAfterEveryStep(
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 99_999) Integer> steps) {
    Model model = new Model();
    ReplicaTracker tracker =
        new ReplicaTracker(
            1, new PartitionAssignment(0, List.of(1, 2, 3), 1, 0, model.isr, 0), LAG_MS, 0);
    int partitionEpoch = 0;
    for (int step : steps) {
      int kind = step % 6;
      int arg = step / 6;
      switch (kind) {
        case 0 -> model.leaderEnd += 1 + arg % 3;
        case 1, 2 -> {
          int follower = kind + 1;
          long offset = arg % (model.leaderEnd + 1);
          tracker.onFetch(follower, offset, model.leaderEnd, model.now);
          model.ends.put(follower, offset);
          model.lastFetch.put(follower, model.now);
          if (offset >= model.leaderEnd) {
            model.lastAtLeaderEnd.put(follower, model.now);
          }
        }
        case 3 -> model.now += arg % 4_000;
        case 4 -> {
          List<Integer> isr = ISRS.get(arg % ISRS.size());
          partitionEpoch++;
          tracker.apply(
              new PartitionAssignment(0, List.of(1, 2, 3), 1, 0, isr, partitionEpoch), model.now);
          // A follower that left the ISR counts as fetching again only from its next fetch.
          model.isr.stream().filter(m -> !isr.contains(m)).forEach(model.lastFetch::remove);
          model.isr = isr;
          model.pending = null;
        }
        default -> {
          List<Integer> proposal = ISRS.get(arg % ISRS.size());
          tracker.proposed(proposal);
          model.pending = proposal;
        }
      }
      check(tracker, model);
    }
  }

  private static void check(ReplicaTracker tracker, Model model) {
    long expectedHighWatermark = model.leaderEnd;
    for (int member : model.maximalIsr()) {
      if (member != 1) {
        expectedHighWatermark = Math.min(expectedHighWatermark, model.ends.get(member));
      }
    }
    assertThat(tracker.highWatermarkCandidate(model.leaderEnd))
        .as("high watermark = least log end over the maximal ISR %s", model.maximalIsr())
        .isEqualTo(expectedHighWatermark);

    List<Integer> outOfSync = tracker.outOfSync(model.leaderEnd, model.now);
    assertThat(model.isr).as("only ISR members fall out of sync").containsAll(outOfSync);
    assertThat(outOfSync).as("the leader never falls out of sync").doesNotContain(1);
    for (int follower : List.of(2, 3)) {
      boolean atLeaderEnd = model.ends.get(follower) == model.leaderEnd;
      boolean recentlyAtLeaderEnd = model.now - model.lastAtLeaderEnd.get(follower) <= LAG_MS;
      if (atLeaderEnd || recentlyAtLeaderEnd) {
        assertThat(outOfSync)
            .as("follower %d reached the leader's end within the lag time", follower)
            .doesNotContain(follower);
      }
    }

    long highWatermark = Math.max(0, expectedHighWatermark);
    for (int joiner : tracker.caughtUpOutsideIsr(highWatermark, 0, model.now)) {
      assertThat(model.maximalIsr()).as("a joiner is outside the ISR").doesNotContain(joiner);
      assertThat(model.ends.get(joiner))
          .as("a joiner reached the HW")
          .isGreaterThanOrEqualTo(highWatermark);
      assertThat(model.now - model.lastFetch.get(joiner))
          .as("a joiner fetched within the lag time")
          .isLessThanOrEqualTo(LAG_MS);
    }
    for (int follower : List.of(2, 3)) {
      boolean fetchedLately =
          model.lastFetch.containsKey(follower)
              && model.now - model.lastFetch.get(follower) <= LAG_MS;
      if (!model.maximalIsr().contains(follower)
          && model.ends.get(follower) >= highWatermark
          && fetchedLately) {
        assertThat(tracker.caughtUpOutsideIsr(highWatermark, 0, model.now)).contains(follower);
      }
    }
  }
}
