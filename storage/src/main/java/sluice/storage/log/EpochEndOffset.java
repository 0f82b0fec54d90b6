package sluice.storage.log;

/**
 * The answer to "where does leader epoch N end?" (Kafka's OffsetsForLeaderEpoch response, KIP-101
 * and KIP-279): the largest epoch at or below the one asked and the offset where it ends, or {@link
 * #UNDEFINED} when the log knows no such epoch.
 *
 * @param epoch the epoch the answer is about, {@link #UNDEFINED_EPOCH} if undefined
 * @param endOffset the offset after that epoch's last batch, {@link #UNDEFINED_EPOCH_OFFSET} if
 *     undefined
 */
public record EpochEndOffset(int epoch, long endOffset) {
  /** "No epoch": the wire value of Kafka's {@code UNDEFINED_EPOCH}. */
  public static final int UNDEFINED_EPOCH = -1;

  /** "No offset": the wire value of Kafka's {@code UNDEFINED_EPOCH_OFFSET}. */
  public static final long UNDEFINED_EPOCH_OFFSET = -1;

  public static final EpochEndOffset UNDEFINED =
      new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);

  /** True if the answer names no epoch or no offset. */
  public boolean isUndefined() {
    return epoch < 0 || endOffset < 0;
  }
}
