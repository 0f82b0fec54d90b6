package sluice.kafka;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.gateway.Gateway;

/**
 * Produce (API key 0): every partition's batch goes, as the client built it, to the gateway's
 * {@link Gateway.AppendBatch}, all partitions at once; the answer lists them in request order. The
 * batch keeps its producer id, epoch and sequence, so the partition leader's idempotence checks
 * answer a resend with its first offsets. A transactional produce is refused whole. Safe from any
 * thread.
 */
final class ProduceApi {
  /** How much longer than the request's own timeout the gateway's answer is awaited. */
  private static final Duration ASK_MARGIN = Duration.ofSeconds(5);

  private final GatewayCalls gateway;

  ProduceApi(GatewayCalls gateway) {
    this.gateway = gateway;
  }

  /** Whether Kafka sends no answer to this request: acks=0. */
  static boolean unanswered(ProduceRequestData request) {
    return request.acks() == 0;
  }

  CompletionStage<ProduceResponseData> answer(ProduceRequestData request) {
    ApiError refusal = refusal(request);
    Acks acks = acks(request.acks());
    return PerPartition.ask(
            request.topicData(),
            TopicProduceData::partitionData,
            (topic, partition) ->
                refusal != null
                    ? CompletableFuture.completedFuture(failed(partition.index(), refusal))
                    : append(topic.name(), partition, acks, request.timeoutMs()))
        .thenApply(
            byTopic -> {
              ProduceResponseData response = new ProduceResponseData();
              int i = 0;
              for (TopicProduceData topic : request.topicData()) {
                TopicProduceResponse answer =
                    new TopicProduceResponse().setName(topic.name()).setTopicId(topic.topicId());
                answer.partitionResponses().addAll(byTopic.get(i++));
                response.responses().add(answer);
              }
              return response;
            });
  }

  /** Why the whole request is refused, or null. */
  private static ApiError refusal(ProduceRequestData request) {
    if (request.transactionalId() != null) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "Produce with transactional id '%s' refused: Sluice does not support transactions yet",
          request.transactionalId());
    }
    if (acks(request.acks()) == null) {
      return ApiError.of(
          ErrorCode.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1 (all), not %d", request.acks());
    }
    if (request.timeoutMs() < 0) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "The produce timeout must be 0 or more milliseconds, not %d",
          request.timeoutMs());
    }
    return null;
  }

  private static Acks acks(short acks) {
    return switch (acks) {
      case 0 -> Acks.NONE;
      case 1 -> Acks.LEADER;
      case -1 -> Acks.ALL;
      default -> null;
    };
  }

  private CompletionStage<PartitionProduceResponse> append(
      String topic, PartitionProduceData partition, Acks acks, int timeoutMs) {
    int index = partition.index();
    byte[] batch = bytes(partition.records());
    if (batch == null) {
      return CompletableFuture.completedFuture(
          failed(
              index,
              ApiError.of(
                  ErrorCode.INVALID_RECORD,
                  "The produce request carries no records for %s-%d",
                  topic,
                  index)));
    }
    CompletionStage<Gateway.AppendBatchReply> reply =
        gateway.ask(
            replyTo -> new Gateway.AppendBatch(topic, index, batch, acks, timeoutMs, replyTo),
            Duration.ofMillis(timeoutMs).plus(ASK_MARGIN));
    return reply.handle(
        (answer, failure) -> {
          if (failure != null) {
            return failed(
                index, ApiError.ofFailedAsk("Produce to " + topic + "-" + index, failure));
          }
          if (answer.error() != null) {
            return failed(index, answer.error());
          }
          return new PartitionProduceResponse()
              .setIndex(index)
              .setBaseOffset(answer.baseOffset())
              .setLogAppendTimeMs(answer.logAppendTime())
              .setLogStartOffset(-1L);
        });
  }

  /** The records' bytes, or null when there are none. */
  private static byte[] bytes(BaseRecords records) {
    if (!(records instanceof MemoryRecords memory) || memory.sizeInBytes() == 0) {
      return null;
    }
    ByteBuffer buffer = memory.buffer().duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static PartitionProduceResponse failed(int index, ApiError error) {
    return new PartitionProduceResponse()
        .setIndex(index)
        .setErrorCode(KafkaErrors.produceCode(error))
        .setErrorMessage(error.message())
        .setBaseOffset(-1L)
        .setLogAppendTimeMs(-1L)
        .setLogStartOffset(-1L);
  }
}
