package sluice.bench.failover;

import java.util.BitSet;

/**
 * Whether every acknowledged record is in the partition after a failover: the sequence numbers
 * acknowledged to the producer against those read back from the partition's start to its end.
 *
 * @param acknowledged distinct sequence numbers acknowledged
 * @param readBack records read back (duplicates included)
 * @param lost acknowledged sequence numbers that were not read back: must be 0
 * @param duplicates records read back whose sequence number was read before (a retried send that
 *     was written twice; at-least-once, not a loss)
 * @param firstLost the lowest lost sequence number, -1 if none
 */
public record DeliveryCheck(
    long acknowledged, long readBack, long lost, long duplicates, long firstLost) {

  /** Compares the {@code acknowledged} set with the sequence numbers {@code read} in log order. */
  public static DeliveryCheck of(BitSet acknowledged, long[] read) {
    BitSet seen = new BitSet();
    long duplicates = 0;
    for (long seq : read) {
      if (seq < 0 || seq > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("sequence number out of range: " + seq);
      }
      if (seen.get((int) seq)) {
        duplicates++;
      } else {
        seen.set((int) seq);
      }
    }
    BitSet lost = (BitSet) acknowledged.clone();
    lost.andNot(seen);
    return new DeliveryCheck(
        acknowledged.cardinality(),
        read.length,
        lost.cardinality(),
        duplicates,
        lost.nextSetBit(0));
  }

  /** No acknowledged record is missing. */
  public boolean noLoss() {
    return lost == 0;
  }
}
