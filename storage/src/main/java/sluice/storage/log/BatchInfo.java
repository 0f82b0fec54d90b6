package sluice.storage.log;

/**
 * What the log knows about one batch from its header alone, with the batch's sequence number in the
 * partition (1 for the first batch ever appended, or since the log last restarted empty, +1 per
 * batch). The akka-persistence journal replays these instead of payloads.
 */
public record BatchInfo(
    long sequence,
    long baseOffset,
    long lastOffset,
    int leaderEpoch,
    long maxTimestamp,
    long producerId,
    short producerEpoch,
    int baseSequence,
    int recordCount,
    int sizeInBytes) {}
