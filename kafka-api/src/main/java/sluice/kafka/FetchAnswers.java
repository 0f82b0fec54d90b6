package sluice.kafka;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;
import sluice.actors.api.ApiError;
import sluice.actors.gateway.Gateway;

/**
 * Builds Fetch answers from the partition leaders' replies: the stored v2 batches unchanged, cut to
 * whole batches within the request's byte limits, with the partition's offsets. Pure.
 *
 * <p>Limits, as Kafka applies them: partitions are filled in request order; each gets at most its
 * {@code partition_max_bytes} and what is left of the request's {@code max_bytes}; the first
 * partition that returns anything returns at least one whole batch even if that batch is larger, so
 * a consumer never stalls on a batch over its limits; after it, a batch that does not fit is left
 * for the next fetch.
 */
final class FetchAnswers {
  private FetchAnswers() {}

  /** The size of a batch is its length field (after base offset) plus the 12 bytes before it. */
  private static final int LENGTH_OFFSET = Records.SIZE_OFFSET;

  private static final int LOG_OVERHEAD = Records.LOG_OVERHEAD;

  /** What the fill of earlier partitions left: bytes, and whether one batch is still owed. */
  static final class Budget {
    private int left;
    private boolean firstServed;

    Budget(int maxBytes) {
      this.left = Math.max(0, maxBytes);
    }

    /** The whole batches of {@code batches} this partition may take, and takes them. */
    byte[] take(byte[] batches, int partitionMaxBytes) {
      byte[] kept = wholeBatches(batches, Math.min(left, partitionMaxBytes), !firstServed);
      if (kept.length > 0) {
        firstServed = true;
        left = Math.max(0, left - kept.length);
      }
      return kept;
    }
  }

  /**
   * The first whole batches of {@code batches} within {@code limit} bytes; with {@code atLeastOne},
   * the first batch even if it is larger. A truncated batch at the end is dropped.
   */
  static byte[] wholeBatches(byte[] batches, int limit, boolean atLeastOne) {
    int end = 0;
    while (end + LOG_OVERHEAD <= batches.length) {
      int size = LOG_OVERHEAD + ByteBuffer.wrap(batches).getInt(end + LENGTH_OFFSET);
      if (size < LOG_OVERHEAD || end + size > batches.length) {
        break;
      }
      if (end + size > limit && !(end == 0 && atLeastOne)) {
        break;
      }
      end += size;
    }
    return end == batches.length ? batches : Arrays.copyOf(batches, end);
  }

  /** A partition answered with batches (possibly none) and the leader's offsets. */
  static PartitionData served(
      int index, byte[] batches, Gateway.FetchBatchesReply reply, IsolationLevel isolation) {
    long highWatermark = reply.offsets().highWatermark();
    return new PartitionData()
        .setPartitionIndex(index)
        .setErrorCode(Errors.NONE.code())
        .setHighWatermark(highWatermark)
        .setLastStableOffset(highWatermark)
        .setLogStartOffset(reply.offsets().logStartOffset())
        .setPreferredReadReplica(-1)
        .setAbortedTransactions(isolation == IsolationLevel.READ_COMMITTED ? List.of() : null)
        .setRecords(MemoryRecords.readableRecords(ByteBuffer.wrap(batches)));
  }

  /** A partition answered with {@code error}: no records, offsets unknown (-1), as Kafka. */
  static PartitionData failed(int index, ApiError error) {
    return failed(index, KafkaErrors.code(error));
  }

  static PartitionData failed(int index, short code) {
    return new PartitionData()
        .setPartitionIndex(index)
        .setErrorCode(code)
        .setHighWatermark(-1L)
        .setLastStableOffset(-1L)
        .setLogStartOffset(-1L)
        .setPreferredReadReplica(-1)
        .setRecords(MemoryRecords.EMPTY);
  }

  /** A whole request refused for its fetch session: no partitions, session id 0. */
  static FetchResponseData sessionError(Errors error) {
    return new FetchResponseData().setErrorCode(error.code()).setSessionId(0);
  }
}
