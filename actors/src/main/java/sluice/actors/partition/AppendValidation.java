package sluice.actors.partition;

import java.nio.ByteBuffer;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.DataDirHealth;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.quorum.QuorumState;
import sluice.storage.log.LogConfig;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.TimestampType;

/**
 * The checks an append passes before the leader queues it; nothing failing them is written. The
 * size check is public: the gateway applies it before sending a batch, since a batch larger than
 * the leader accepts may also be larger than a message between brokers may be. Stateless.
 */
public final class AppendValidation {
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
    ApiError tooLarge = sizeError(bytes.length, topicPartition, config.maxMessageBytes());
    if (tooLarge != null) {
      return tooLarge;
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
    if (batch.producerId() >= 0 && (batch.producerEpoch() < 0 || batch.baseSequence() < 0)) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD,
          "The batch for %s names producer %d but epoch %d and base sequence %d; an idempotent"
              + " producer's batch carries an epoch and a base sequence of 0 or more",
          topicPartition,
          batch.producerId(),
          batch.producerEpoch(),
          batch.baseSequence());
    }
    if (batch.isTransactional()) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD,
          "The batch for %s is transactional; Sluice does not support transactions yet",
          topicPartition);
    }
    if (batch.isControl()) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD,
          "The batch for %s is a control batch; only the broker writes those",
          topicPartition);
    }
    return null;
  }

  /**
   * The refusal of a batch that names a partition leader epoch other than {@code leaderEpoch}, else
   * null. A writer that stamps its batches with the epoch it was elected under (a group
   * coordinator) is fenced this way once leadership moved on: an older epoch is {@code
   * FENCED_LEADER_EPOCH}, a newer one {@code UNKNOWN_LEADER_EPOCH} (this leader has not heard of
   * it: it was deposed), Kafka's pair of answers to a stale or future epoch. Clients' batches carry
   * {@link RecordBatch#NO_PARTITION_LEADER_EPOCH} (-1) and are never refused here. Call it after
   * {@link #check}, on a batch known to be whole.
   */
  static ApiError epochError(Append append, String topicPartition, int leaderEpoch) {
    int named = RecordBatch.wrap(ByteBuffer.wrap(append.batch())).partitionLeaderEpoch();
    if (named < 0 || named == leaderEpoch) {
      return null;
    }
    return ApiError.of(
        named < leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
        "The batch for %s was written for leader epoch %d, but the leader's epoch is %d; nothing"
            + " was written",
        topicPartition,
        named,
        leaderEpoch);
  }

  /**
   * {@code NO_QUORUM} if this broker does not see a quorum of the configured brokers, else null. A
   * leader cut off from the majority may be deposed there already; a write it acknowledged, at any
   * acks level, could be lost when it rejoins, so it writes nothing.
   */
  static ApiError quorumError(QuorumState quorum, String topicPartition) {
    return quorum.present()
        ? null
        : quorum.error(String.format("The batch for %s was not written", topicPartition));
  }

  /**
   * {@code KAFKA_STORAGE_ERROR} (retriable: leadership moves to a replica on another broker) while
   * this broker's data directory is offline, naming the broker, the directory and why; else null.
   */
  static ApiError storageError(DataDirHealth.State state, int brokerId, java.nio.file.Path dir) {
    if (!(state instanceof DataDirHealth.Offline offline)) {
      return null;
    }
    return ApiError.of(
        ErrorCode.KAFKA_STORAGE_ERROR,
        "Broker %d cannot write its data directory %s (KAFKA_STORAGE_ERROR, offline since %s: %s);"
            + " retry: leadership moves to an in-sync replica on another broker, or writes resume"
            + " here once the directory takes writes again",
        brokerId,
        dir,
        offline.since(),
        offline.cause());
  }

  /**
   * {@code MESSAGE_TOO_LARGE} naming the size, the partition and the limit if a batch of {@code
   * batchBytes} exceeds the topic's {@code max.message.bytes}, else null.
   */
  public static ApiError sizeError(long batchBytes, String topicPartition, int maxMessageBytes) {
    if (batchBytes <= maxMessageBytes) {
      return null;
    }
    return ApiError.of(
        ErrorCode.MESSAGE_TOO_LARGE,
        "The batch of %d bytes for %s exceeds max.message.bytes=%d",
        batchBytes,
        topicPartition,
        maxMessageBytes);
  }

  /** Whether the topic stamps batches with the broker's clock (message.timestamp.type). */
  static boolean logAppendTime(LogConfig config) {
    return config.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
  }
}
