package sluice.kafka;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.gateway.Gateway;

/**
 * ListOffsets (API key 2): per partition, the offset a timestamp names, with the timestamp and
 * leader epoch Kafka answers with.
 *
 * <ul>
 *   <li>earliest (-2) and earliest-local (-4, the same without tiered storage): the log start
 *       offset, from the gateway's {@code GetOffsets};
 *   <li>latest (-1): the high watermark (read_committed is the same while Sluice has no
 *       transactions);
 *   <li>a timestamp: the first offset whose timestamp is at or after it, from {@code
 *       OffsetForTime}, with that record's timestamp; offset -1 if no record is that recent;
 *   <li>latest-tiered (-5): offset -1, as Kafka answers without tiered storage;
 *   <li>max-timestamp (-3): {@code UNSUPPORTED_VERSION}, as the leader keeps no such index yet.
 * </ul>
 *
 * <p>The leader epoch (v4+) is that of the batch holding the answered offset (for latest, of the
 * last batch below the high watermark), read from the batch itself; -1 for an empty log. Safe from
 * any thread.
 */
final class ListOffsetsApi {
  private static final Logger LOG = LoggerFactory.getLogger(ListOffsetsApi.class);

  private final GatewayCalls gateway;
  private final Duration timeout;

  ListOffsetsApi(GatewayCalls gateway, Duration timeout) {
    this.gateway = gateway;
    this.timeout = timeout;
  }

  /** An answered offset: -1s for "none". */
  record Found(long offset, long timestamp, int leaderEpoch) {
    static final Found NONE = new Found(-1L, -1L, RecordBatch.NO_PARTITION_LEADER_EPOCH);
  }

  CompletionStage<ListOffsetsResponseData> answer(ListOffsetsRequestData request, short version) {
    return PerPartition.ask(
            request.topics(),
            ListOffsetsTopic::partitions,
            (topic, partition) ->
                lookUp(topic.name(), partition.partitionIndex(), partition.timestamp())
                    .thenApply(found -> answered(partition.partitionIndex(), found, version))
                    .exceptionally(
                        failure ->
                            failed(
                                partition.partitionIndex(),
                                code(topic.name() + "-" + partition.partitionIndex(), failure))))
        .thenApply(
            byTopic -> {
              ListOffsetsResponseData response = new ListOffsetsResponseData();
              for (int i = 0; i < request.topics().size(); i++) {
                ListOffsetsTopicResponse topic =
                    new ListOffsetsTopicResponse().setName(request.topics().get(i).name());
                topic.partitions().addAll(byTopic.get(i));
                response.topics().add(topic);
              }
              return response;
            });
  }

  /** A partition's refusal (the gateway's, or this API's), carried as the stage's failure. */
  private static final class Refused extends RuntimeException {
    final short code;

    Refused(ApiError error) {
      this(KafkaErrors.code(error), error.message());
    }

    Refused(short code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** The error code a failed look-up of {@code partition} is answered with. */
  private static short code(String partition, Throwable failure) {
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof Refused refused) {
      LOG.debug("ListOffsets of {} refused: {}", partition, refused.getMessage());
      return refused.code;
    }
    ApiError error = ApiError.ofFailedAsk("ListOffsets of " + partition, failure);
    LOG.warn(error.message());
    return KafkaErrors.code(error);
  }

  private CompletionStage<Found> lookUp(String topic, int partition, long timestamp) {
    if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
        || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
      return offsets(topic, partition)
          .thenCompose(
              o ->
                  o.logStartOffset() < o.highWatermark()
                      ? at(topic, partition, o.logStartOffset(), false)
                      : CompletableFuture.completedFuture(
                          new Found(
                              o.logStartOffset(), -1L, RecordBatch.NO_PARTITION_LEADER_EPOCH)));
    }
    if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
      return offsets(topic, partition)
          .thenCompose(
              o ->
                  o.logStartOffset() < o.highWatermark()
                      ? at(topic, partition, o.highWatermark() - 1, false)
                          .thenApply(last -> new Found(o.highWatermark(), -1L, last.leaderEpoch()))
                      : CompletableFuture.completedFuture(
                          new Found(
                              o.highWatermark(), -1L, RecordBatch.NO_PARTITION_LEADER_EPOCH)));
    }
    if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
      return offsets(topic, partition).thenApply(o -> Found.NONE);
    }
    if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
      return CompletableFuture.failedFuture(
          new Refused(
              Errors.UNSUPPORTED_VERSION.code(),
              "ListOffsets by max timestamp is not served by Sluice yet"));
    }
    if (timestamp < 0) {
      LOG.warn(
          "ListOffsets of {}-{} with timestamp {}: not a timestamp Kafka defines",
          topic,
          partition,
          timestamp);
      return CompletableFuture.failedFuture(
          new Refused(
              ApiError.of(
                  ErrorCode.INVALID_REQUEST,
                  "%d is not a timestamp ListOffsets knows",
                  timestamp)));
    }
    CompletionStage<Gateway.OffsetForTimeReply> reply =
        gateway.ask(
            replyTo -> new Gateway.OffsetForTime(topic, partition, timestamp, replyTo), timeout);
    return reply.thenCompose(
        r -> {
          if (r.error() != null) {
            throw new Refused(r.error());
          }
          return r.offset() < 0
              ? CompletableFuture.completedFuture(Found.NONE)
              : at(topic, partition, r.offset(), true);
        });
  }

  private CompletionStage<PartitionOffsets> offsets(String topic, int partition) {
    CompletionStage<Gateway.OffsetsReply> reply =
        gateway.ask(replyTo -> new Gateway.GetOffsets(topic, partition, replyTo), timeout);
    return reply.thenApply(
        r -> {
          if (r.error() != null) {
            throw new Refused(r.error());
          }
          return r.offsets();
        });
  }

  /**
   * {@code offset} with its batch's leader epoch and, with {@code timestamped}, its record's
   * timestamp (-1 otherwise), read from the batch that holds it.
   */
  private CompletionStage<Found> at(String topic, int partition, long offset, boolean timestamped) {
    CompletionStage<Gateway.FetchBatchesReply> reply =
        gateway.ask(
            replyTo -> new Gateway.FetchBatches(topic, null, partition, -1, offset, 1, 0L, replyTo),
            timeout);
    return reply.thenApply(
        r -> {
          if (r.error() != null) {
            throw new Refused(r.error());
          }
          return find(
              MemoryRecords.readableRecords(ByteBuffer.wrap(r.batches())), offset, timestamped);
        });
  }

  /** {@code offset} found in {@code records}; without it there, the offset alone. */
  static Found find(MemoryRecords records, long offset, boolean timestamped) {
    for (RecordBatch batch : records.batches()) {
      if (batch.lastOffset() < offset) {
        continue;
      }
      long timestamp = -1L;
      if (timestamped) {
        for (Record record : batch) {
          if (record.offset() == offset) {
            timestamp = record.timestamp();
            break;
          }
        }
      }
      return new Found(offset, timestamp, batch.partitionLeaderEpoch());
    }
    return new Found(offset, -1L, RecordBatch.NO_PARTITION_LEADER_EPOCH);
  }

  static ListOffsetsPartitionResponse answered(int index, Found found, short version) {
    var answer =
        new ListOffsetsPartitionResponse()
            .setPartitionIndex(index)
            .setErrorCode(Errors.NONE.code())
            .setOffset(found.offset())
            .setTimestamp(found.timestamp());
    return version >= 4 ? answer.setLeaderEpoch(found.leaderEpoch()) : answer;
  }

  static ListOffsetsPartitionResponse failed(int index, short code) {
    return new ListOffsetsPartitionResponse()
        .setPartitionIndex(index)
        .setErrorCode(code)
        .setOffset(-1L)
        .setTimestamp(-1L);
  }
}
