package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import java.util.concurrent.CompletionStage;

/**
 * Sluice's {@code POST /v3/clusters/{cluster_id}/producers} (the REST Proxy has nothing like it):
 * hands out a producer id and epoch, Kafka's {@code InitProducerId} without a transactional id, so
 * that an HTTP client can opt in to idempotent produce. The body ({@link InitProducerRequest}) is
 * empty or {@code {}} for a new id with epoch 0, a new one every time, or the producer's current
 * {@code {"producer_id", "producer_epoch"}} for the same id with the next epoch (a new id once the
 * epoch is exhausted). Answered 200 with {@code {"kind": "KafkaProducer", "producer_id",
 * "producer_epoch"}}. A bad body is 400 before anything is asked of the broker; an id the cluster
 * never allocated is 400 / 40002; no id within the request timeout (the broker is waiting for a
 * block from the controller, or there is no quorum) is a retriable 503.
 */
final class V3ProducerRoutes {
  private static final String JSON = "application/json";

  private final GatewayClient client;
  private final HttpSettings settings;

  /** The answer, as a REST Proxy v3 resource would name its fields. */
  record ProducerData(String kind, long producerId, short producerEpoch) {}

  V3ProducerRoutes(GatewayClient client) {
    this.client = client;
    this.settings = client.settings();
  }

  Route route(String clusterId) {
    return post(
        () ->
            withSizeLimit(
                settings.maxRequestSize(),
                () ->
                    extractRequest(
                        request ->
                            extractMaterializer(
                                mat -> completeWithFuture(init(request, mat, clusterId))))));
  }

  private CompletionStage<HttpResponse> init(
      HttpRequest request, Materializer mat, String clusterId) {
    return request
        .entity()
        .toStrict(settings.requestTimeout().toMillis(), mat)
        .thenApply(V3ProducerRoutes::body)
        .thenCompose(
            body ->
                client
                    .checkClusterId(clusterId)
                    .thenCompose(
                        id -> client.initProducerId(body.producerId(), body.producerEpoch())))
        .thenApply(
            producer ->
                Json.ok(
                    new ProducerData("KafkaProducer", producer.producerId(), producer.epoch())));
  }

  /** An empty body, whatever its Content-Type, asks for a new producer; JSON otherwise. */
  private static InitProducerRequest body(HttpEntity.Strict entity) {
    if (entity.getData().isEmpty()) {
      return InitProducerRequest.NEW;
    }
    String type = entity.getContentType().mediaType().toString();
    if (!type.equals(JSON)) {
      throw RestException.unsupportedMediaType(type, JSON);
    }
    return InitProducerRequest.parse(Json.parse(entity.getData()));
  }
}
