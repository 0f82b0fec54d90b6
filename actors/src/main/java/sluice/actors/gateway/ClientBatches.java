package sluice.actors.gateway;

import java.nio.ByteBuffer;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;

/**
 * The checks a batch built by a client (a Kafka producer, through {@link Gateway.AppendBatch})
 * passes at the gateway before it goes to its partition leader: what the leader's own checks
 * ({@code AppendValidation}: CRC, record count, producer fields, no transactions or control
 * batches) do not cover because the gateway's own batches are right by construction. Kafka's
 * produce request from version 3 on carries exactly one v2 batch per partition, with offsets
 * relative to 0; the leader assigns the real ones. Stateless.
 */
final class ClientBatches {
  private ClientBatches() {}

  /** Why {@code bytes} cannot be appended to {@code topicPartition} as it is, or null. */
  static ApiError check(String topicPartition, byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD, "The produce request holds no batch for %s", topicPartition);
    }
    if (bytes.length > RecordBatch.MAGIC_OFFSET && bytes[RecordBatch.MAGIC_OFFSET] != 2) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD,
          "The batch for %s has magic %d; only v2 record batches (magic 2) are accepted",
          topicPartition,
          bytes[RecordBatch.MAGIC_OFFSET]);
    }
    RecordBatch batch;
    try {
      batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
    } catch (CorruptRecordException | IllegalArgumentException e) {
      return ApiError.of(
          ErrorCode.CORRUPT_MESSAGE,
          "The batch for %s is not a record batch: %s",
          topicPartition,
          e.getMessage());
    }
    if (batch.sizeInBytes() != bytes.length) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD,
          "The records for %s hold more than one batch (the first is %d of %d bytes); a produce"
              + " request carries exactly one batch per partition",
          topicPartition,
          batch.sizeInBytes(),
          bytes.length);
    }
    if (batch.baseOffset() != 0) {
      return ApiError.of(
          ErrorCode.INVALID_RECORD,
          "The batch for %s has base offset %d; a producer's batch starts at offset 0 (the leader"
              + " assigns offsets)",
          topicPartition,
          batch.baseOffset());
    }
    return null;
  }
}
