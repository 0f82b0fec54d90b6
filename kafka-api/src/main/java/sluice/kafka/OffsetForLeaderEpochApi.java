package sluice.kafka;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import sluice.actors.api.ApiError;
import sluice.actors.gateway.Gateway;

/**
 * OffsetForLeaderEpoch (API key 23): per partition, where the asked leader epoch ends in the
 * leader's log, from the gateway's {@link Gateway.EpochEnd} (the leader's epoch cache, its current
 * epoch checked against the request's {@code current_leader_epoch}). A consumer asks it to validate
 * its position after a leader change (KIP-320): an end offset below its position means the log was
 * truncated under it. Safe from any thread.
 */
final class OffsetForLeaderEpochApi {
  private final GatewayCalls gateway;
  private final Duration timeout;

  OffsetForLeaderEpochApi(GatewayCalls gateway, Duration timeout) {
    this.gateway = gateway;
    this.timeout = timeout;
  }

  CompletionStage<OffsetForLeaderEpochResponseData> answer(
      OffsetForLeaderEpochRequestData request) {
    return PerPartition.ask(
            request.topics(),
            OffsetForLeaderTopic::partitions,
            (topic, partition) -> epochEnd(topic.topic(), partition))
        .thenApply(
            byTopic -> {
              var response = new OffsetForLeaderEpochResponseData();
              int i = 0;
              for (OffsetForLeaderTopic topic : request.topics()) {
                var result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
                result.partitions().addAll(byTopic.get(i++));
                response.topics().add(result);
              }
              return response;
            });
  }

  private CompletionStage<EpochEndOffset> epochEnd(String topic, OffsetForLeaderPartition asked) {
    int index = asked.partition();
    CompletionStage<Gateway.EpochEndReply> reply =
        gateway.ask(
            replyTo ->
                new Gateway.EpochEnd(
                    topic, index, asked.currentLeaderEpoch(), asked.leaderEpoch(), replyTo),
            timeout);
    return reply.handle(
        (answer, failure) -> {
          if (failure != null) {
            ApiError error =
                ApiError.ofFailedAsk("OffsetForLeaderEpoch of " + topic + "-" + index, failure);
            return failed(index, KafkaErrors.code(error));
          }
          if (answer.error() != null) {
            return failed(index, KafkaErrors.code(answer.error()));
          }
          return new EpochEndOffset()
              .setPartition(index)
              .setErrorCode(Errors.NONE.code())
              .setLeaderEpoch(answer.leaderEpoch())
              .setEndOffset(answer.endOffset());
        });
  }

  static EpochEndOffset failed(int index, short code) {
    return new EpochEndOffset()
        .setPartition(index)
        .setErrorCode(code)
        .setLeaderEpoch(-1)
        .setEndOffset(-1L);
  }
}
