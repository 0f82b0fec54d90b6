package sluice.actors.api;

/**
 * A partition's offsets: consumers read from {@code logStartOffset} up to, not including, {@code
 * highWatermark}.
 */
public record PartitionOffsets(long logStartOffset, long highWatermark, long logEndOffset)
    implements CborSerializable {}
