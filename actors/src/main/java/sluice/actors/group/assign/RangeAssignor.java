package sluice.actors.group.assign;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The {@code range} assignor, with the semantics of Kafka's server-side {@code RangeAssignor}
 * (since its rewrite in KAFKA-16944): for each topic, its subscribers in a fixed order split the
 * partitions into contiguous ranges, and the first {@code partitions mod subscribers} of them get
 * one more. The order is static members first, by {@code group.instance.id}, then dynamic members
 * by member id (ties by member id), so topics with the same partition count and subscribers are
 * co-partitioned: a member gets the same partition numbers of each, which joins of streams need.
 *
 * <p>It does not look at the current assignment. Its stickiness is the order: a static member that
 * rejoins under a new member id keeps its place and so its ranges, as long as the members, their
 * subscriptions and the partition counts stay the same.
 */
public final class RangeAssignor implements Assignor {
  public static final String NAME = "range";

  private static final Comparator<AssignmentMember> ORDER =
      Comparator.comparing((AssignmentMember member) -> member.instanceId().isPresent() ? 0 : 1)
          .thenComparing(member -> member.instanceId().orElse(""))
          .thenComparing(AssignmentMember::memberId);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TargetAssignment assign(GroupSpec spec) {
    SortedGroup group = new SortedGroup(spec);
    int[][] owners = new int[group.topicCount()][];
    for (int t = 0; t < group.topicCount(); t++) {
      List<Integer> subscribers =
          IntStream.of(group.subscribers(t))
              .boxed()
              .sorted(Comparator.comparing(group::member, ORDER))
              .toList();
      owners[t] = ranges(group.partitions(t), subscribers);
    }
    return group.toAssignment(owners);
  }

  private static int[] ranges(int partitions, List<Integer> subscribers) {
    int[] owners = new int[partitions];
    int base = partitions / subscribers.size();
    int extra = partitions % subscribers.size();
    int start = 0;
    for (int i = 0; i < subscribers.size(); i++) {
      int end = start + base + (i < extra ? 1 : 0);
      for (int p = start; p < end; p++) {
        owners[p] = subscribers.get(i);
      }
      start = end;
    }
    return owners;
  }
}
