package sluice.actors.partition;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.storage.log.FetchSlice;
import sluice.storage.log.OffsetOutOfRangeException;
import sluice.storage.log.PartitionLog;

/**
 * Whole batches read from a partition log for one fetch, a consumer's or a follower's, or why they
 * could not be read: {@code OFFSET_OUT_OF_RANGE} (retention removed the offset meanwhile) or {@code
 * KAFKA_STORAGE_ERROR} (logged). Exactly one of {@code batches} and {@code error} is non-null. Made
 * on the fetch dispatcher; immutable.
 */
record LogRead(byte[] batches, ApiError error) {
  private static final Logger LOG = LoggerFactory.getLogger(LogRead.class);

  /**
   * Reads from {@code offset}, at most {@code maxBytes} (or one larger first batch), below {@code
   * upTo}; {@code logEnd} only names the valid range in an error.
   */
  static LogRead of(
      PartitionLog log, String topicPartition, long offset, int maxBytes, long upTo, long logEnd) {
    try {
      FetchSlice slice = log.read(offset, maxBytes, upTo);
      ByteBuffer buffer = slice.readFully();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return new LogRead(bytes, null);
    } catch (OffsetOutOfRangeException e) {
      return new LogRead(
          null, FetchValidation.outOfRange(topicPartition, offset, log.logStartOffset(), logEnd));
    } catch (RuntimeException e) {
      LOG.error("Reading {} at offset {} failed", topicPartition, offset, e);
      return new LogRead(
          null,
          ApiError.of(
              ErrorCode.KAFKA_STORAGE_ERROR,
              "Reading %s at offset %d failed: %s",
              topicPartition,
              offset,
              e.getMessage()));
    }
  }
}
