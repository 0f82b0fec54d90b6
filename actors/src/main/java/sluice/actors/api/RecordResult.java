package sluice.actors.api;

/**
 * The delivery report of one produced record.
 *
 * @param offset the record's offset, or -1 when not known (acks=0) or on error
 * @param timestamp the timestamp stored with the record (LogAppendTime if the topic says so)
 * @param error null on success
 */
public record RecordResult(String topic, int partition, long offset, long timestamp, ApiError error)
    implements CborSerializable {}
