package sluice.actors.api;

import java.util.List;

/** A record as a consumer reads it. */
public record ConsumedRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    boolean logAppendTime,
    byte[] key,
    byte[] value,
    List<RecordHeader> headers)
    implements CborSerializable {}
