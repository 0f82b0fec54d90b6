package sluice.storage.producer;

/**
 * What a partition remembers of one batch an idempotent producer wrote: enough to recognise the
 * batch when it is sent again and to answer that retry with the offsets it was stored at (Kafka's
 * {@code BatchMetadata}).
 *
 * @param firstSequence the batch's base sequence
 * @param lastSequence its last sequence (the base plus the last offset delta, wrapping past {@link
 *     Integer#MAX_VALUE} to 0 as Kafka's sequences do)
 * @param firstOffset the offset of its first record
 * @param lastOffset the offset of its last record
 * @param maxTimestamp its max timestamp
 */
public record BatchMetadata(
    int firstSequence, int lastSequence, long firstOffset, long lastOffset, long maxTimestamp) {}
