package sluice.actors.group.assign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The uniform assignment of a group whose members subscribe to different topics, in three steps:
 *
 * <ol>
 *   <li>every member keeps the partitions it claims that still hold;
 *   <li>the unclaimed partitions go, one at a time, to the least loaded subscriber of their topic
 *       (fewest partitions, then member order), topics with the most partitions per subscriber
 *       first, as Kafka's heterogeneous builder orders them;
 *   <li>while some chain of moves would take a partition from a member to one holding at least two
 *       fewer, the shortest such chain is applied ({@link BalancingPaths}).
 * </ol>
 *
 * <p>The result is as balanced as the subscriptions allow: no chain of moves lowers the sum of the
 * squared member counts, which is the optimum. Kafka's builder moves partitions only within one
 * topic and stops after 16 rounds, so with overlapping subscriptions it may leave, say, counts 9,
 * 10 and 11 where 10, 10, 10 is possible; a chain of two moves fixes that here. Each step of a
 * chain gives up, where it can, a partition its member received in this assignment rather than one
 * it already owned.
 */
final class UniformHeterogeneous {
  private UniformHeterogeneous() {}

  /** Owners by topic and partition, as member numbers of {@code group}. */
  static int[][] assign(SortedGroup group) {
    BalancingPaths paths = new BalancingPaths(group);
    fillUnclaimed(group, paths);
    paths.balance();
    return paths.owners();
  }

  private static void fillUnclaimed(SortedGroup group, BalancingPaths paths) {
    for (int t : fillOrder(group)) {
      int[] subscribers = group.subscribers(t);
      for (int p = 0; p < group.partitions(t); p++) {
        if (paths.owner(t, p) == -1) {
          int least = subscribers[0];
          for (int m : subscribers) {
            if (paths.count(m) < paths.count(least)) {
              least = m;
            }
          }
          paths.give(t, p, least);
        }
      }
    }
  }

  /** Most partitions per subscriber first, then fewest subscribers, then name. */
  private static List<Integer> fillOrder(SortedGroup group) {
    List<Integer> order = new ArrayList<>();
    for (int t = 0; t < group.topicCount(); t++) {
      order.add(t);
    }
    Comparator<Integer> perSubscriber =
        (a, b) ->
            Long.compare(
                (long) group.partitions(b) * group.subscribers(a).length,
                (long) group.partitions(a) * group.subscribers(b).length);
    order.sort(
        perSubscriber
            .thenComparingInt((Integer t) -> group.subscribers(t).length)
            .thenComparingInt(Integer::intValue));
    return order;
  }
}
