package sluice.bench.groups;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How far a group got after a change of membership (a member joined or left at {@code
 * changeNanos}), from what its members reported: the rebalance is over once every partition is
 * owned by exactly one member, the partitions are spread evenly over the {@code members} members
 * the group should have (each owns the floor or the ceiling of partitions / members, as both
 * systems' {@code uniform} assignor gives a group whose members subscribe alike), <em>and</em> each
 * partition's owner has delivered a record of it produced after the change. Its time is from the
 * change to the later of the last ownership change and the last partition's first such record.
 * Ownership is as the members last reported it (Kafka's rebalance listener; Sluice's {@code GET
 * assignments} after each poll), so a member that left must report an empty set when it leaves.
 * Pure: no clock, no I/O; immutable.
 *
 * @param partitions the topic's partitions
 * @param members the members the group should have after the change
 * @param changeNanos when the join or leave request was made
 * @param settledNanos the last ownership change at or after the change, or the change itself
 * @param owners the final owner of every partition owned by exactly one member
 * @param unowned partitions nobody owns at the end
 * @param shared partitions more than one member owns at the end
 * @param acquired by partition: when its final owner last reported getting it (before the change
 *     for a partition that stayed where it was)
 * @param firstFresh by partition: when its final owner first delivered a record of it produced
 *     after the change (partitions without one are absent)
 * @param moved partitions whose exclusive owner at the change is not their final owner
 */
public record RebalanceAnalysis(
    int partitions,
    int members,
    long changeNanos,
    long settledNanos,
    Map<Integer, String> owners,
    Set<Integer> unowned,
    Set<Integer> shared,
    Map<Integer, Long> acquired,
    Map<Integer, Long> firstFresh,
    int moved) {

  /** A member's whole ownership from {@code nanos} on. */
  public record OwnershipEvent(long nanos, String member, Set<Integer> owned) {
    public OwnershipEvent {
      owned = Set.copyOf(owned);
    }
  }

  /**
   * A record {@code member} delivered at {@code nanos}, with its producer's stamp ({@code -1} for
   * none).
   */
  public record Delivered(
      long nanos, String member, int partition, long offset, long producedNanos) {}

  public RebalanceAnalysis {
    owners = Map.copyOf(owners);
    unowned = Collections.unmodifiableSortedSet(new TreeSet<>(unowned));
    shared = Collections.unmodifiableSortedSet(new TreeSet<>(shared));
    acquired = Map.copyOf(acquired);
    firstFresh = Map.copyOf(firstFresh);
  }

  /**
   * The state of a group of {@code partitions} partitions that should have {@code members} members
   * after the change at {@code changeNanos}, from every ownership event (those before the change
   * give the ownership at the change) and the deliveries, in any order.
   */
  public static RebalanceAnalysis of(
      int partitions,
      int members,
      long changeNanos,
      List<OwnershipEvent> events,
      List<Delivered> deliveries) {
    List<OwnershipEvent> ordered = new ArrayList<>(events);
    ordered.sort(Comparator.comparingLong(OwnershipEvent::nanos));
    Map<String, Set<Integer>> owned = new TreeMap<>();
    Map<String, Map<Integer, Long>> gained = new HashMap<>(); // member -> partition -> since
    Map<Integer, String> ownersAtChange = null;
    long settled = changeNanos;
    for (OwnershipEvent e : ordered) {
      if (ownersAtChange == null && e.nanos() >= changeNanos) {
        ownersAtChange = exclusiveOwners(owned, partitions);
      }
      Set<Integer> before = owned.put(e.member(), e.owned());
      for (int p : e.owned()) {
        if (before == null || !before.contains(p)) {
          gained.computeIfAbsent(e.member(), m -> new HashMap<>()).put(p, e.nanos());
        }
      }
      boolean changed = before == null ? !e.owned().isEmpty() : !before.equals(e.owned());
      if (changed && e.nanos() >= changeNanos) {
        settled = e.nanos();
      }
    }
    if (ownersAtChange == null) {
      ownersAtChange = exclusiveOwners(owned, partitions);
    }
    Map<Integer, String> owners = exclusiveOwners(owned, partitions);
    Set<Integer> unowned = new TreeSet<>();
    Set<Integer> shared = new TreeSet<>();
    Map<Integer, Integer> holders = holders(owned);
    int moved = 0;
    for (int p = 0; p < partitions; p++) {
      int count = holders.getOrDefault(p, 0);
      if (count == 0) {
        unowned.add(p);
      } else if (count > 1) {
        shared.add(p);
      }
      if (owners.containsKey(p) && !owners.get(p).equals(ownersAtChange.get(p))) {
        moved++;
      }
    }
    Map<Integer, Long> acquired = new HashMap<>();
    owners.forEach((p, owner) -> acquired.put(p, gained.get(owner).get(p)));
    Map<Integer, Long> firstFresh = new HashMap<>();
    for (Delivered d : deliveries) {
      if (d.nanos() >= changeNanos
          && d.producedNanos() >= changeNanos
          && d.member().equals(owners.get(d.partition()))) {
        firstFresh.merge(d.partition(), d.nanos(), Math::min);
      }
    }
    return new RebalanceAnalysis(
        partitions,
        members,
        changeNanos,
        settled,
        owners,
        unowned,
        shared,
        acquired,
        firstFresh,
        moved);
  }

  private static Map<Integer, Integer> holders(Map<String, Set<Integer>> owned) {
    Map<Integer, Integer> holders = new HashMap<>();
    owned.values().forEach(set -> set.forEach(p -> holders.merge(p, 1, Integer::sum)));
    return holders;
  }

  private static Map<Integer, String> exclusiveOwners(
      Map<String, Set<Integer>> owned, int partitions) {
    Map<Integer, Integer> holders = holders(owned);
    Map<Integer, String> owners = new TreeMap<>();
    owned.forEach(
        (member, set) ->
            set.forEach(
                p -> {
                  if (p >= 0 && p < partitions && holders.get(p) == 1) {
                    owners.put(p, member);
                  }
                }));
    return owners;
  }

  /** Whether every partition is owned by exactly one member, evenly over the members. */
  public boolean ownershipComplete() {
    return unowned.isEmpty() && shared.isEmpty() && balanced();
  }

  /** Whether each of the {@code members} members owns partitions / members, rounded down or up. */
  public boolean balanced() {
    Map<String, Integer> counts = partitionsPerMember();
    int floor = partitions / members;
    int ceiling = (partitions + members - 1) / members;
    return counts.size() == members
        && counts.values().stream().allMatch(c -> c >= floor && c <= ceiling);
  }

  /** Whether the rebalance is over: ownership complete and a fresh record from every partition. */
  public boolean complete() {
    return ownershipComplete() && firstFresh.keySet().containsAll(owners.keySet());
  }

  /** When it was over (meaningful once {@link #complete()}). */
  public long doneNanos() {
    long done = settledNanos;
    for (long t : firstFresh.values()) {
      done = Math.max(done, t);
    }
    return done;
  }

  /** The rebalance time in seconds (meaningful once {@link #complete()}). */
  public double seconds() {
    return (doneNanos() - changeNanos) / 1e9;
  }

  /** Partitions per member at the end, by member name. */
  public Map<String, Integer> partitionsPerMember() {
    Map<String, Integer> counts = new TreeMap<>();
    owners.values().forEach(m -> counts.merge(m, 1, Integer::sum));
    return counts;
  }

  /** The partition whose first fresh record came last, or -1 when none came. */
  public int slowestPartition() {
    return firstFresh.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(-1);
  }

  /** One line: the time and what made it, or what is still missing. */
  public String describe() {
    if (!complete()) {
      Set<Integer> silent = new TreeSet<>(owners.keySet());
      silent.removeAll(firstFresh.keySet());
      return String.format(
          Locale.ROOT,
          "not over: unowned %s, owned by more than one member %s, partitions per member %s"
              + " (%d members expected, evenly), no record produced after the change delivered"
              + " by the owner of %s; last ownership change %.2f s after the change",
          unowned,
          shared,
          partitionsPerMember(),
          members,
          silent,
          (settledNanos - changeNanos) / 1e9);
    }
    return String.format(
        Locale.ROOT,
        "%.2f s: ownership settled after %.2f s; the last partition (%d) %s and delivered its"
            + " first record produced after the change %.2f s after it; %d partitions moved;"
            + " partitions per member %s",
        seconds(),
        (settledNanos - changeNanos) / 1e9,
        slowestPartition(),
        acquired.get(slowestPartition()) < changeNanos
            ? "stayed with " + owners.get(slowestPartition())
            : String.format(
                Locale.ROOT,
                "went to %s %.2f s after the change",
                owners.get(slowestPartition()),
                (acquired.get(slowestPartition()) - changeNanos) / 1e9),
        (firstFresh.get(slowestPartition()) - changeNanos) / 1e9,
        moved,
        partitionsPerMember());
  }
}
