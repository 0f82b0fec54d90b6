package sluice.actors.group.assign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The uniform assignment of a group whose members all subscribe to the same topics: with P
 * partitions and N members, the P mod N members that already hold the most get P / N + 1 partitions
 * and the others P / N (ties by member id), so the counts differ by at most one. Each member keeps
 * its lowest claimed partitions up to its quota and gives up the rest; the partitions left over are
 * dealt, in topic and partition order, to the members below quota in member order.
 *
 * <p>Why the largest quotas go to the largest holders: a member gives up {@code max(0, claimed -
 * quota)} partitions, and that sum is smallest when quotas follow claims. So when a member joins a
 * balanced group only the partitions the newcomer gets move, and when one leaves only its own do.
 * (Kafka's homogeneous builder hands the extra partitions out in member order instead.)
 */
final class UniformHomogeneous {
  private UniformHomogeneous() {}

  /** Owners by topic and partition, as member numbers of {@code group}. */
  static int[][] assign(SortedGroup group) {
    int members = group.memberCount();
    int[][] owners = new int[group.topicCount()][];
    int[] claimed = new int[members];
    int total = 0;
    for (int t = 0; t < group.topicCount(); t++) {
      owners[t] = new int[group.partitions(t)];
      total += owners[t].length;
      for (int p = 0; p < owners[t].length; p++) {
        owners[t][p] = group.claimant(t, p);
        if (owners[t][p] >= 0) {
          claimed[owners[t][p]]++;
        }
      }
    }
    int[] quota = quotas(claimed, total);
    int[] kept = new int[members];
    for (int[] topic : owners) {
      for (int p = 0; p < topic.length; p++) {
        int m = topic[p];
        if (m >= 0 && kept[m]++ >= quota[m]) {
          kept[m]--;
          topic[p] = -1;
        }
      }
    }
    int next = 0;
    for (int[] topic : owners) {
      for (int p = 0; p < topic.length; p++) {
        if (topic[p] == -1) {
          while (kept[next] >= quota[next]) {
            next++;
          }
          topic[p] = next;
          kept[next]++;
        }
      }
    }
    return owners;
  }

  private static int[] quotas(int[] claimed, int total) {
    int members = claimed.length;
    List<Integer> byClaims = new ArrayList<>();
    for (int m = 0; m < members; m++) {
      byClaims.add(m);
    }
    byClaims.sort(
        Comparator.comparingInt((Integer m) -> -claimed[m]).thenComparingInt(Integer::intValue));
    int[] quota = new int[members];
    for (int i = 0; i < members; i++) {
      quota[byClaims.get(i)] = total / members + (i < total % members ? 1 : 0);
    }
    return quota;
  }
}
