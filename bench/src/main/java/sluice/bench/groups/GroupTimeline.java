package sluice.bench.groups;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import sluice.bench.groups.RebalanceAnalysis.Delivered;
import sluice.bench.groups.RebalanceAnalysis.OwnershipEvent;

/**
 * What the members of one group reported, stamped with the bench's clock as it arrives: ownership
 * changes (only real changes are kept) and the deliveries of stamped records, which {@link
 * RebalanceAnalysis} reads. Thread-safe: every member's thread reports into it.
 */
public final class GroupTimeline implements GroupMember.OwnershipListener {

  private final LongSupplier clock;
  private final List<OwnershipEvent> events = new ArrayList<>();
  private final Map<String, Set<Integer>> current = new HashMap<>();
  private final List<Delivered> deliveries = new ArrayList<>();

  /** A timeline on {@code clock} ({@code System::nanoTime} in the bench). */
  public GroupTimeline(LongSupplier clock) {
    this.clock = clock;
  }

  /** The clock's reading now. */
  public long now() {
    return clock.getAsLong();
  }

  @Override
  public synchronized void owned(String member, Set<Integer> partitions) {
    Set<Integer> before = current.get(member);
    if (before == null ? partitions.isEmpty() : before.equals(partitions)) {
      return;
    }
    OwnershipEvent event = new OwnershipEvent(clock.getAsLong(), member, partitions);
    current.put(member, event.owned());
    events.add(event);
  }

  /** {@code member}'s poll returned {@code records}, now. */
  public synchronized void delivered(String member, List<GroupMember.Delivery> records) {
    long nanos = clock.getAsLong();
    for (GroupMember.Delivery d : records) {
      deliveries.add(new Delivered(nanos, member, d.partition(), d.offset(), d.producedNanos()));
    }
  }

  /**
   * The analysis of the change at {@code changeNanos} after which the group should have {@code
   * members} members, from everything reported so far.
   */
  public RebalanceAnalysis analyse(int partitions, int members, long changeNanos) {
    List<OwnershipEvent> eventsNow;
    List<Delivered> deliveriesNow;
    synchronized (this) {
      eventsNow = List.copyOf(events);
      deliveriesNow = List.copyOf(deliveries);
    }
    return RebalanceAnalysis.of(partitions, members, changeNanos, eventsNow, deliveriesNow);
  }
}
