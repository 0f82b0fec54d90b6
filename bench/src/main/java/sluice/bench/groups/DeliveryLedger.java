package sluice.bench.groups;

import java.util.BitSet;

/**
 * Which records of a topic were delivered, to count the distinct ones and those delivered more than
 * once (at-least-once consumers re-deliver what was polled but not committed when a partition moves
 * or a member leaves). A record is its partition and offset; one bit per offset. Thread-safe: every
 * member's thread records into one ledger.
 */
public final class DeliveryLedger {

  private final BitSet[] seen;
  private long distinct;
  private long duplicates;

  /** A ledger of a topic of {@code partitions} partitions. */
  public DeliveryLedger(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    seen = new BitSet[partitions];
    for (int p = 0; p < partitions; p++) {
      seen[p] = new BitSet();
    }
  }

  /** Records one delivery; true when it is the record's first. */
  public synchronized boolean record(int partition, long offset) {
    if (partition < 0 || partition >= seen.length) {
      throw new IllegalArgumentException(
          "partition " + partition + " is not one of the topic's " + seen.length);
    }
    if (offset < 0 || offset > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "offset " + offset + " of partition " + partition + " is outside [0, 2^31)");
    }
    if (seen[partition].get((int) offset)) {
      duplicates++;
      return false;
    }
    seen[partition].set((int) offset);
    distinct++;
    return true;
  }

  /** Records delivered at least once. */
  public synchronized long distinct() {
    return distinct;
  }

  /** Deliveries of a record already delivered (a record delivered three times counts two). */
  public synchronized long duplicates() {
    return duplicates;
  }
}
