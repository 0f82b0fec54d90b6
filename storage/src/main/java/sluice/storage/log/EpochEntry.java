package sluice.storage.log;

/**
 * One entry of the leader-epoch cache: the first offset written in a leader epoch (Kafka's {@code
 * EpochEntry}, KIP-101).
 *
 * @param epoch the leader epoch, 0 or more
 * @param startOffset the offset of the first batch written in that epoch (or, for the first entry
 *     after retention, the log start offset)
 */
public record EpochEntry(int epoch, long startOffset) {
  public EpochEntry {
    if (epoch < 0 || startOffset < 0) {
      throw new IllegalArgumentException(
          "Invalid leader epoch entry: epoch "
              + epoch
              + " and start offset "
              + startOffset
              + " must both be 0 or more");
    }
  }
}
