package sluice.storage.record;

import java.util.List;
import java.util.Objects;

/**
 * One decoded record with its absolute offset and effective timestamp (the batch's max timestamp
 * for {@link TimestampType#LOG_APPEND_TIME} batches). Key and value may be null (a null value is a
 * compaction tombstone). Arrays are not copied.
 */
public record Record(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
  public Record {
    headers = List.copyOf(Objects.requireNonNull(headers, "headers must not be null"));
  }
}
