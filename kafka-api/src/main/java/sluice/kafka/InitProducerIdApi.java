package sluice.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.gateway.Gateway;

/**
 * InitProducerId (API key 22) for idempotent producers, through the gateway's {@link
 * Gateway.InitProducerId}: without a current producer (-1 and -1) a new id with epoch 0; with its
 * current id and epoch (v3 and later, KIP-360) the next epoch. A transactional id is refused with
 * {@code INVALID_REQUEST} (logged with the id, since the response carries no message): Sluice has
 * no transaction coordinator yet. Safe from any thread.
 */
final class InitProducerIdApi {
  private static final Logger LOG = LoggerFactory.getLogger(InitProducerIdApi.class);

  private final GatewayCalls gateway;
  private final Duration timeout;

  InitProducerIdApi(GatewayCalls gateway, Duration timeout) {
    this.gateway = gateway;
    this.timeout = timeout;
  }

  CompletionStage<InitProducerIdResponseData> answer(InitProducerIdRequestData request) {
    if (request.transactionalId() != null) {
      LOG.info(
          "Refused InitProducerId for transactional id '{}': Sluice does not support transactions"
              + " yet (INVALID_REQUEST)",
          request.transactionalId());
      return CompletableFuture.completedFuture(failed(Errors.INVALID_REQUEST.code()));
    }
    Long producerId = request.producerId() < 0 ? null : request.producerId();
    Short producerEpoch = request.producerEpoch() < 0 ? null : request.producerEpoch();
    CompletionStage<InitProducerIdReply> reply =
        gateway.ask(
            replyTo ->
                new Gateway.InitProducerId(producerId, producerEpoch, timeout.toMillis(), replyTo),
            timeout.plusSeconds(1));
    return reply.handle(
        (answer, failure) -> {
          if (failure != null) {
            return failed(KafkaErrors.code(ApiError.ofFailedAsk("InitProducerId", failure)));
          }
          if (answer.error() != null) {
            LOG.debug("InitProducerId refused: {}", answer.error().message());
            return failed(KafkaErrors.code(answer.error()));
          }
          return new InitProducerIdResponseData()
              .setProducerId(answer.producer().producerId())
              .setProducerEpoch(answer.producer().epoch());
        });
  }

  private static InitProducerIdResponseData failed(short code) {
    return new InitProducerIdResponseData()
        .setErrorCode(code)
        .setProducerId(-1L)
        .setProducerEpoch((short) -1);
  }
}
