package sluice.kafka;

import akka.util.ByteString;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Serves one request frame: decodes it ({@link KafkaCodec}), hands it to its API and encodes the
 * answer. The stage holds the response frame, empty for an acks=0 produce (never answered), or
 * fails with {@link ConnectionClosed} when the connection must close. Safe from any thread; the
 * listener calls it once per frame, in order, and keeps the answers in that order.
 */
final class KafkaApis {
  private final MetadataApi metadata;
  private final ProduceApi produce;
  private final InitProducerIdApi initProducerId;
  private final FetchApi fetch;
  private final ListOffsetsApi listOffsets;
  private final OffsetForLeaderEpochApi offsetForLeaderEpoch;

  KafkaApis(GatewayCalls gateway, KafkaSettings settings) {
    this.metadata = new MetadataApi(gateway, settings.adminTimeout());
    this.produce = new ProduceApi(gateway);
    this.initProducerId = new InitProducerIdApi(gateway, settings.adminTimeout());
    this.fetch = new FetchApi(gateway, new TopicIds(gateway, settings.adminTimeout()));
    this.listOffsets = new ListOffsetsApi(gateway, settings.adminTimeout());
    this.offsetForLeaderEpoch = new OffsetForLeaderEpochApi(gateway, settings.adminTimeout());
  }

  CompletionStage<Optional<ByteString>> serve(ByteString frame) {
    KafkaCodec.Decoded decoded = KafkaCodec.decode(frame.toByteBuffer());
    if (decoded instanceof KafkaCodec.Refused refused) {
      return CompletableFuture.failedFuture(new ConnectionClosed(refused.reason()));
    }
    if (decoded instanceof KafkaCodec.UnsupportedApiVersions unsupported) {
      RequestHeader header = unsupported.header();
      return CompletableFuture.completedFuture(
          Optional.of(
              KafkaCodec.encode(
                  ApiKeys.API_VERSIONS,
                  header.apiVersion(),
                  (short) 0,
                  header.correlationId(),
                  SupportedApis.apiVersions(Errors.UNSUPPORTED_VERSION))));
    }
    KafkaCodec.Request request = (KafkaCodec.Request) decoded;
    RequestHeader header = request.header();
    return switch (header.apiKey()) {
      case API_VERSIONS ->
          CompletableFuture.completedFuture(
              Optional.of(KafkaCodec.encode(header, SupportedApis.apiVersions(Errors.NONE))));
      case METADATA ->
          metadata
              .answer((MetadataRequestData) request.body().data())
              .thenApply(answer -> Optional.of(KafkaCodec.encode(header, answer)));
      case INIT_PRODUCER_ID ->
          initProducerId
              .answer((InitProducerIdRequestData) request.body().data())
              .thenApply(answer -> Optional.of(KafkaCodec.encode(header, answer)));
      case PRODUCE -> produce(header, (ProduceRequestData) request.body().data());
      case FETCH ->
          fetch
              .answer((FetchRequestData) request.body().data(), header.apiVersion())
              .thenApply(answer -> Optional.of(KafkaCodec.encode(header, answer)));
      case OFFSET_FOR_LEADER_EPOCH ->
          offsetForLeaderEpoch
              .answer((OffsetForLeaderEpochRequestData) request.body().data())
              .thenApply(answer -> Optional.of(KafkaCodec.encode(header, answer)));
      case LIST_OFFSETS ->
          listOffsets
              .answer((ListOffsetsRequestData) request.body().data(), header.apiVersion())
              .thenApply(answer -> Optional.of(KafkaCodec.encode(header, answer)));
      default ->
          CompletableFuture.failedFuture(
              new ConnectionClosed("API " + header.apiKey().name + " has no handler"));
    };
  }

  private CompletionStage<Optional<ByteString>> produce(
      RequestHeader header, ProduceRequestData request) {
    CompletionStage<ProduceResponseData> answer = produce.answer(request);
    if (!ProduceApi.unanswered(request)) {
      return answer.thenApply(response -> Optional.of(KafkaCodec.encode(header, response)));
    }
    return answer.thenApply(
        response -> {
          for (var topic : response.responses()) {
            for (var partition : topic.partitionResponses()) {
              if (partition.errorCode() != Errors.NONE.code()) {
                throw new ConnectionClosed(
                    String.format(
                        "an acks=0 produce to %s-%d failed with %s: %s",
                        topic.name(),
                        partition.index(),
                        Errors.forCode(partition.errorCode()).name(),
                        partition.errorMessage()));
              }
            }
          }
          return Optional.<ByteString>empty();
        });
  }
}
