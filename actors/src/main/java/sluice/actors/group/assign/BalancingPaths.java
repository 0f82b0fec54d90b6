package sluice.actors.group.assign;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Who owns which partition while the uniform assignor balances a heterogeneous group, and the
 * balancing itself: chains of moves {@code m0 -> m1 -> ... -> mk}, where each member gives one
 * partition of a topic the next one subscribes to, so only {@code m0} loses a partition and only
 * {@code mk} gains one. A chain helps when {@code m0} holds at least two more than {@code mk}: the
 * sum of the squared counts falls by at least two, so balancing ends. When no chain helps, that sum
 * is at its minimum over all assignments the subscriptions allow.
 *
 * <p>Chains are searched breadth first from the most loaded members down, over members in member
 * order and topics in name order, so the result is deterministic; the shortest helpful chain from
 * the first source that has one is applied. Each search costs O(members x topics x subscribers).
 * Not thread-safe; one per assignment.
 */
final class BalancingPaths {
  private final SortedGroup group;
  private final int[][] owners;
  private final int[] counts;
  private final int[][] perTopic;

  BalancingPaths(SortedGroup group) {
    this.group = group;
    owners = new int[group.topicCount()][];
    counts = new int[group.memberCount()];
    perTopic = new int[group.memberCount()][group.topicCount()];
    for (int t = 0; t < group.topicCount(); t++) {
      owners[t] = new int[group.partitions(t)];
      for (int p = 0; p < owners[t].length; p++) {
        owners[t][p] = -1;
        int claimant = group.claimant(t, p);
        if (claimant >= 0) {
          give(t, p, claimant);
        }
      }
    }
  }

  int owner(int t, int p) {
    return owners[t][p];
  }

  int count(int m) {
    return counts[m];
  }

  int[][] owners() {
    return owners;
  }

  /** Makes {@code m} the owner of partition {@code p} of topic {@code t}. */
  void give(int t, int p, int m) {
    int previous = owners[t][p];
    if (previous >= 0) {
      counts[previous]--;
      perTopic[previous][t]--;
    }
    owners[t][p] = m;
    counts[m]++;
    perTopic[m][t]++;
  }

  /** Applies helpful chains until there is none. */
  void balance() {
    while (applyOneChain()) {
      // each chain lowers the sum of squared counts, so this ends
    }
  }

  private boolean applyOneChain() {
    int least = Arrays.stream(counts).min().orElse(0);
    for (int source : byCountDescending()) {
      if (counts[source] - least < 2) {
        return false;
      }
      if (searchFrom(source)) {
        return true;
      }
    }
    return false;
  }

  private List<Integer> byCountDescending() {
    List<Integer> members = new ArrayList<>();
    for (int m = 0; m < counts.length; m++) {
      members.add(m);
    }
    members.sort(Comparator.comparingInt((Integer m) -> -counts[m]).thenComparingInt(m -> m));
    return members;
  }

  /** Breadth first from {@code source}; applies the first helpful chain found. */
  private boolean searchFrom(int source) {
    int[] cameFrom = new int[counts.length];
    int[] viaTopic = new int[counts.length];
    Arrays.fill(cameFrom, -2);
    cameFrom[source] = -1;
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(source);
    while (!queue.isEmpty()) {
      int giver = queue.poll();
      for (int t = 0; t < group.topicCount(); t++) {
        if (perTopic[giver][t] == 0) {
          continue;
        }
        for (int taker : group.subscribers(t)) {
          if (cameFrom[taker] != -2) {
            continue;
          }
          cameFrom[taker] = giver;
          viaTopic[taker] = t;
          if (counts[taker] <= counts[source] - 2) {
            applyChainEndingAt(taker, cameFrom, viaTopic);
            return true;
          }
          queue.add(taker);
        }
      }
    }
    return false;
  }

  private void applyChainEndingAt(int taker, int[] cameFrom, int[] viaTopic) {
    for (int m = taker; cameFrom[m] >= 0; m = cameFrom[m]) {
      int t = viaTopic[m];
      give(t, partitionToGiveUp(cameFrom[m], t), m);
    }
  }

  /**
   * The partition of topic {@code t} that {@code m} gives up: the highest one it did not claim
   * before this assignment, else its highest.
   */
  private int partitionToGiveUp(int m, int t) {
    int highest = -1;
    for (int p = owners[t].length - 1; p >= 0; p--) {
      if (owners[t][p] == m) {
        if (group.claimant(t, p) != m) {
          return p;
        }
        if (highest == -1) {
          highest = p;
        }
      }
    }
    if (highest == -1) {
      throw new IllegalStateException("member " + m + " owns no partition of topic " + t);
    }
    return highest;
  }
}
