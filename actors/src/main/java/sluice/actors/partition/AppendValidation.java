package sluice.actors.partition;

import java.nio.ByteBuffer;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.storage.log.LogConfig;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.TimestampType;

/** The checks an append passes before the leader queues it; nothing failing them is written. */
final class AppendValidation {
  private AppendValidation() {}

  /** The reason {@code append} is refused, or null if it may be written. */
  static ApiError check(Append append, String topicPartition, LogConfig config) {
    if (append.acks() == null) {
      return ApiError.of(
          ErrorCode.INVALID_REQUIRED_ACKS,
          "An append to %s needs acks 0, 1 or all",
          topicPartition);
    }
    if (append.timeoutMs() < 0) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "Append timeout must be 0 (none) or positive milliseconds, not %d",
          append.timeoutMs());
    }
    byte[] bytes = append.batch();
    if (bytes == null || bytes.length == 0) {
      return ApiError.of(ErrorCode.INVALID_REQUEST, "An append to %s has no batch", topicPartition);
    }
    if (bytes.length > config.maxMessageBytes()) {
      return ApiError.of(
          ErrorCode.MESSAGE_TOO_LARGE,
          "The batch of %d bytes for %s exceeds max.message.bytes=%d",
          bytes.length,
          topicPartition,
          config.maxMessageBytes());
    }
    RecordBatch batch;
    try {
      batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
      batch.ensureValid();
    } catch (CorruptRecordException | IllegalArgumentException e) {
      return ApiError.of(
          ErrorCode.CORRUPT_MESSAGE,
          "The batch for %s is not one valid record batch: %s",
          topicPartition,
          e.getMessage());
    }
    if (batch.recordCount() <= 0) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD, "The batch for %s holds no records", topicPartition);
    }
    if (batch.lastOffsetDelta() != batch.recordCount() - 1) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD,
          "The batch for %s holds %d records but its last offset delta is %d; offsets must be"
              + " consecutive",
          topicPartition,
          batch.recordCount(),
          batch.lastOffsetDelta());
    }
    if (batch.isControl()) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD,
          "The batch for %s is a control batch; only the broker writes those",
          topicPartition);
    }
    return null;
  }

  /** Whether the topic stamps batches with the broker's clock (message.timestamp.type). */
  static boolean logAppendTime(LogConfig config) {
    return config.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
  }
}
