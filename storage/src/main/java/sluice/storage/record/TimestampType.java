package sluice.storage.record;

/**
 * Where the timestamps of a batch come from, stored in bit 3 of the batch attributes: the
 * producer's create time (0) or the broker's log append time (1). In a {@code LOG_APPEND_TIME}
 * batch every record's timestamp is the batch's max timestamp.
 */
public enum TimestampType {
  CREATE_TIME,
  LOG_APPEND_TIME
}
