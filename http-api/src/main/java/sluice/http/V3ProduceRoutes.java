package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.extractRequestEntity;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;
import static akka.http.javadsl.server.Directives.withoutSizeLimit;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.japi.pf.PFBuilder;
import akka.stream.Materializer;
import akka.stream.javadsl.JsonFraming;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import sluice.actors.api.Acks;
import sluice.actors.api.IdempotentProduce;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.actors.api.TopicDescription;

/**
 * {@code POST /v3/clusters/{cluster_id}/topics/{topic}/records[?acks=0|1|all]}: the REST Proxy v3
 * produce, in its two shapes.
 *
 * <ul>
 *   <li><b>With a Content-Length</b>: the body holds one or more records as concatenated JSON
 *       (whitespace or newlines between them). Every record is parsed and checked against the topic
 *       first; one bad record fails the request with its 4xx and nothing is written. Otherwise all
 *       records go to the broker in one produce, and the answer is one delivery report per record,
 *       in order, each followed by a newline. With a single record whose delivery failed, the HTTP
 *       status is that error's.
 *   <li><b>Chunked</b> ({@code Transfer-Encoding: chunked}): a stream of records for as long as the
 *       client keeps sending. The answer, status 200, streams one delivery report per record in
 *       record order as soon as each is known. A bad record gets an error report and the stream
 *       goes on; records arriving while earlier produces are in flight go to the broker together
 *       ({@code stream.produce-batch-max}), up to {@code stream.produce-parallelism} produces in
 *       flight. A framing error (not a JSON object, an object over {@code max-request-size}) ends
 *       the stream with a last error report.
 * </ul>
 *
 * The streamed answer starts before the request ends, which HTTP/1.1 allows and the REST Proxy does
 * too: Akka HTTP logs a warning about this "early response" once per streamed request and closes
 * the connection after it. Such a connection is subject to {@code akka.http.server.idle-timeout}
 * (60 s by default) while the client sends nothing.
 *
 * <p>A delivery report is {@code {"error_code": 200, "cluster_id", "topic_name", "partition_id",
 * "offset", "timestamp", "key": {"type", "size"}, "value": {"type", "size"}}}, or {@code
 * {"error_code", "message"}} for a record that was not written. With acks=0 the offset is -1.
 */
final class V3ProduceRoutes {
  private static final String JSON = "application/json";
  private static final String NDJSON = "application/x-ndjson";
  private static final ByteString NEWLINE = ByteString.fromString("\n");

  private final GatewayClient client;
  private final HttpSettings settings;

  V3ProduceRoutes(GatewayClient client) {
    this.client = client;
    this.settings = client.settings();
  }

  /** The delivery report of a written record, as the REST Proxy's {@code ProduceResponse}. */
  record DeliveryReport(
      int errorCode,
      String clusterId,
      String topicName,
      int partitionId,
      long offset,
      String timestamp,
      V3Records.Data key,
      V3Records.Data value) {}

  /** A record of a streamed request: parsed and checked, or the error that stops it. */
  private record Item(V3Records.Parsed parsed, RestException error) {}

  Route route(String clusterId, String topic) {
    return post(
        () ->
            parameterOptional(
                "acks",
                acksText ->
                    extractRequest(
                        request -> {
                          Acks acks = Params.acks(acksText, settings.acks());
                          checkContentType(request.entity());
                          RequestEntity entity = request.entity();
                          IdempotentProduce idempotent =
                              IdempotenceParams.from(request.getUri().query()).orElse(null);
                          boolean stream = entity.isChunked() || entity.isIndefiniteLength();
                          if (stream && idempotent != null) {
                            throw RestException.badRequest(
                                "An idempotent produce request has a Content-Length: a streamed"
                                    + " request cannot be resent whole");
                          }
                          return stream
                              ? withoutSizeLimit(() -> streamed(clusterId, topic, acks))
                              : withSizeLimit(
                                  settings.maxRequestSize(),
                                  () -> strict(clusterId, topic, acks, idempotent));
                        })));
  }

  private static void checkContentType(RequestEntity entity) {
    String type = entity.getContentType().mediaType().toString();
    if (!type.equals(JSON) && !type.equals(NDJSON)) {
      throw RestException.unsupportedMediaType(type, JSON + " or " + NDJSON);
    }
  }

  private Route strict(String clusterId, String topic, Acks acks, IdempotentProduce idempotent) {
    return extractRequestEntity(
        entity ->
            extractMaterializer(
                mat ->
                    completeWithFuture(
                        produceStrict(entity, mat, clusterId, topic, acks, idempotent))));
  }

  private CompletionStage<HttpResponse> produceStrict(
      RequestEntity entity,
      Materializer mat,
      String clusterId,
      String topic,
      Acks acks,
      IdempotentProduce idempotent) {
    return entity
        .toStrict(settings.requestTimeout().toMillis(), mat)
        .thenApply(strict -> parseAll(strict.getData()))
        .thenCompose(
            parsed ->
                client
                    .checkClusterId(clusterId)
                    .thenCompose(
                        id ->
                            client.topicMetadataCovering(
                                topic,
                                ProduceChecks.highestPartition(
                                    parsed.stream().map(V3Records.Parsed::record).toList())))
                    .thenCompose(
                        metadata -> {
                          int max =
                              ProduceChecks.maxMessageBytes(
                                  metadata, settings.defaultMaxMessageBytes());
                          List<ProduceRecord> records = new ArrayList<>(parsed.size());
                          for (int i = 0; i < parsed.size(); i++) {
                            ProduceRecord record = parsed.get(i).record();
                            ProduceChecks.check(metadata, record, max, "record " + i);
                            records.add(record);
                          }
                          return client
                              .produce(topic, records, acks, idempotent)
                              .thenApply(results -> strictResponse(clusterId, parsed, results));
                        }));
  }

  private static List<V3Records.Parsed> parseAll(ByteString body) {
    List<JsonNode> nodes = Json.parseConcatenated(body);
    if (nodes.isEmpty()) {
      throw RestException.badRequest(
          "The request body holds no record; send one or more JSON objects.");
    }
    List<V3Records.Parsed> parsed = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      parsed.add(V3Records.parse(nodes.get(i), "record " + i));
    }
    return parsed;
  }

  private static HttpResponse strictResponse(
      String clusterId, List<V3Records.Parsed> parsed, List<RecordResult> results) {
    StatusCode status = StatusCodes.OK;
    ByteString body = ByteString.emptyByteString();
    for (int i = 0; i < results.size(); i++) {
      RecordResult result = results.get(i);
      if (results.size() == 1 && result.error() != null) {
        status = RestException.fromApiError(result.error(), true).status();
      }
      body = body.concat(report(clusterId, parsed.get(i), result)).concat(NEWLINE);
    }
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private static ByteString report(String clusterId, V3Records.Parsed parsed, RecordResult result) {
    if (result.error() != null) {
      return errorReport(RestException.fromApiError(result.error(), true));
    }
    String timestamp =
        result.timestamp() < 0 ? null : Instant.ofEpochMilli(result.timestamp()).toString();
    return Json.bytes(
        new DeliveryReport(
            200,
            clusterId,
            result.topic(),
            result.partition(),
            result.offset(),
            timestamp,
            parsed.key(),
            parsed.value()));
  }

  private static ByteString errorReport(RestException e) {
    return Json.bytes(new Json.ErrorBody(e.errorCode(), e.getMessage()));
  }

  private Route streamed(String clusterId, String topic, Acks acks) {
    return extractRequestEntity(
        entity ->
            completeWithFuture(
                client
                    .checkClusterId(clusterId)
                    .thenCompose(id -> client.topicMetadata(topic))
                    .thenApply(
                        metadata ->
                            HttpResponse.create()
                                .withEntity(
                                    HttpEntities.createChunked(
                                        ContentTypes.APPLICATION_JSON,
                                        reports(entity, clusterId, metadata, acks))))));
  }

  private Source<ByteString, Object> reports(
      RequestEntity entity, String clusterId, TopicDescription metadata, Acks acks) {
    AtomicReference<TopicDescription> known = new AtomicReference<>(metadata);
    int maxObject = (int) Math.min(Integer.MAX_VALUE, settings.maxRequestSize());
    return entity
        .getDataBytes()
        .via(JsonFraming.objectScanner(maxObject))
        .zipWithIndex()
        .mapAsync(1, frame -> item(frame, known))
        .batch(
            settings.produceBatchMax(),
            first -> {
              List<Item> batch = new ArrayList<>();
              batch.add(first);
              return batch;
            },
            (batch, next) -> {
              batch.add(next);
              return batch;
            })
        .mapAsync(
            settings.produceParallelism(), batch -> produceBatch(clusterId, metadata, batch, acks))
        .mapConcat(reports -> reports)
        .recover(
            new PFBuilder<Throwable, ByteString>()
                .match(
                    Throwable.class,
                    failure ->
                        errorReport(
                                RestException.badRequest(
                                    "The record stream broke off: %s", failure.getMessage()))
                            .concat(NEWLINE))
                .build());
  }

  /**
   * Parses and checks one streamed record against the topic as {@code known} so far; a record
   * naming a partition beyond it has the topic described again first (partitions may have been
   * added since the stream started), and the answer is known from then on.
   */
  private CompletionStage<Item> item(
      Pair<ByteString, Long> frame, AtomicReference<TopicDescription> known) {
    String path = "record " + frame.second();
    V3Records.Parsed parsed;
    try {
      parsed = V3Records.parse(Json.parse(frame.first()), path);
    } catch (RestException e) {
      return CompletableFuture.completedFuture(new Item(null, e));
    }
    Integer partition = parsed.record().partition();
    TopicDescription current = known.get();
    CompletionStage<TopicDescription> metadata =
        partition == null || partition < current.partitions().size()
            ? CompletableFuture.completedFuture(current)
            : client
                .topicMetadataCovering(current.name(), partition)
                .thenApply(
                    fresh -> {
                      known.set(fresh);
                      return fresh;
                    });
    return metadata.handle(
        (topic, failure) -> {
          try {
            if (failure != null) {
              throw ErrorHandling.toRestException(failure);
            }
            int max = ProduceChecks.maxMessageBytes(topic, settings.defaultMaxMessageBytes());
            ProduceChecks.check(topic, parsed.record(), max, path);
            return new Item(parsed, null);
          } catch (RestException e) {
            return new Item(null, e);
          }
        });
  }

  private CompletionStage<List<ByteString>> produceBatch(
      String clusterId, TopicDescription metadata, List<Item> batch, Acks acks) {
    List<ProduceRecord> records = new ArrayList<>(batch.size());
    for (Item item : batch) {
      if (item.parsed() != null) {
        records.add(item.parsed().record());
      }
    }
    CompletionStage<List<RecordResult>> produced =
        records.isEmpty()
            ? CompletableFuture.completedFuture(List.of())
            : client.produce(metadata.name(), records, acks);
    return produced.handle(
        (results, failure) -> {
          RestException batchError =
              failure == null ? null : ErrorHandling.toRestException(failure);
          List<ByteString> reports = new ArrayList<>(batch.size());
          int next = 0;
          for (Item item : batch) {
            ByteString report;
            if (item.error() != null) {
              report = errorReport(item.error());
            } else if (batchError != null) {
              report = errorReport(batchError);
            } else {
              report = report(clusterId, item.parsed(), results.get(next++));
            }
            reports.add(report.concat(NEWLINE));
          }
          return reports;
        });
  }
}
