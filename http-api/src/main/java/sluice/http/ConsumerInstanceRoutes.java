package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Query;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import sluice.actors.consumer.InstanceCommand.PartitionOffset;
import sluice.actors.consumer.InstanceConfig;
import sluice.actors.group.state.TopicPartition;

/**
 * The REST Proxy v2 consumer API under {@code /consumers/{group}}: a consumer instance's resources,
 * each one request to the instance ({@link InstanceClient}), and its live stream ({@link
 * InstanceStream}). Bodies are parsed by {@link CreateConsumerRequest} and {@link ConsumerBodies}
 * (a bad one is refused before the instance is asked) and taken as {@code
 * application/vnd.kafka.v2+json} or {@code application/json} (else 415); answers with a body are
 * {@code application/vnd.kafka.v2+json}, records in the instance's embedded format ({@link
 * ConsumerRecordsResponse}).
 *
 * <pre>
 * POST   /consumers/{group}                                   create → 200 {"instance_id", "base_uri"}
 * DELETE /consumers/{group}/instances/{i}                     → 204
 * POST   .../subscription {"topics"} | {"topic_pattern"}      → 204
 * GET    .../subscription                                     → {"topics"}
 * DELETE .../subscription                                     → 204
 * POST   .../assignments {"partitions"}                       → 204
 * GET    .../assignments                                      → {"partitions"}
 * POST   .../positions {"offsets"}                            → 204 (next offset to fetch)
 * POST   .../positions/beginning | end {"partitions"}         → 204
 * GET    .../records?timeout=&amp;max_bytes=                  → [records]
 * GET    .../records/stream                                   → NDJSON or SSE
 * POST   .../offsets [{"offsets"}]                            → 200 (posted = last consumed)
 * GET    .../offsets {"partitions"}                           → {"offsets"} (committed = next)
 * </pre>
 */
final class ConsumerInstanceRoutes {
  private static final String V2_JSON = "application/vnd.kafka.v2+json";

  private final InstanceClient client;
  private final HttpSettings settings;
  private final InstanceStream stream;

  ConsumerInstanceRoutes(InstanceClient client, HttpSettings settings, InstanceStream stream) {
    this.client = client;
    this.settings = settings;
    this.stream = stream;
  }

  Route route() {
    return pathPrefix(
        "consumers",
        () ->
            pathPrefix(
                segment(),
                group ->
                    concat(
                        pathEndOrSingleSlash(() -> post(() -> create(group))),
                        pathPrefix(
                            "instances",
                            () -> pathPrefix(segment(), instance -> instance(group, instance))))));
  }

  private Route instance(String group, String instance) {
    return concat(
        pathEndOrSingleSlash(() -> delete(() -> noContent(client.delete(group, instance)))),
        pathPrefix(
            "subscription",
            () ->
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            post(() -> withBody(body -> subscribe(group, instance, body))),
                            get(
                                () ->
                                    ok(
                                        client
                                            .subscription(group, instance)
                                            .thenApply(ConsumerBodies.SubscriptionBody::new))),
                            delete(() -> noContent(client.unsubscribe(group, instance)))))),
        pathPrefix(
            "assignments",
            () ->
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            post(
                                () ->
                                    withBody(
                                        body ->
                                            client.assign(
                                                group, instance, ConsumerBodies.partitions(body)))),
                            get(
                                () ->
                                    ok(
                                        client
                                            .assignment(group, instance)
                                            .thenApply(ConsumerBodies.AssignmentsBody::of)))))),
        pathPrefix("positions", () -> positions(group, instance)),
        pathPrefix(
            "records",
            () ->
                concat(
                    pathEndOrSingleSlash(() -> get(() -> records(group, instance))),
                    pathPrefix(
                        "stream",
                        () ->
                            pathEndOrSingleSlash(() -> get(() -> stream.route(group, instance)))))),
        pathPrefix(
            "offsets",
            () ->
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            post(() -> commit(group, instance)),
                            get(() -> committed(group, instance))))));
  }

  private Route positions(String group, String instance) {
    return concat(
        pathEndOrSingleSlash(
            () ->
                post(
                    () ->
                        withBody(
                            body ->
                                client.seek(
                                    group,
                                    instance,
                                    ConsumerBodies.positions(body).entrySet().stream()
                                        .map(
                                            e ->
                                                new PartitionOffset(e.getKey(), e.getValue(), null))
                                        .toList())))),
        pathPrefix(
            "beginning",
            () -> pathEndOrSingleSlash(() -> post(() -> seekTo(group, instance, true)))),
        pathPrefix(
            "end", () -> pathEndOrSingleSlash(() -> post(() -> seekTo(group, instance, false)))));
  }

  private Route seekTo(String group, String instance, boolean beginning) {
    return withBody(
        body -> client.seekTo(group, instance, ConsumerBodies.partitions(body), beginning));
  }

  private CompletionStage<Void> subscribe(String group, String instance, JsonNode body) {
    ConsumerBodies.Subscribe subscribe = ConsumerBodies.subscription(body);
    return client.subscribe(group, instance, subscribe.topics(), subscribe.topicPattern());
  }

  /**
   * Creates an instance: named by the body, else {@code rest-consumer-} and a random UUID; an empty
   * body takes every default. The {@code base_uri} is on the scheme, host and port the request came
   * in on, as the v3 API's links.
   */
  private Route create(String group) {
    return extractRequest(
        request ->
            bodyRoute(
                true,
                body -> {
                  CreateConsumerRequest create =
                      CreateConsumerRequest.parse(
                          body == null ? Json.MAPPER.createObjectNode() : body,
                          InstanceConfig.defaults());
                  String instance =
                      create.name().orElseGet(() -> "rest-consumer-" + UUID.randomUUID());
                  String base = request.getUri().path("").query(Query.EMPTY).toString();
                  return client
                      .create(group, instance, create.config())
                      .thenApply(
                          done ->
                              Json.response(
                                  StatusCodes.OK,
                                  Json.V2,
                                  CreateConsumerRequest.Created.of(base, group, instance)));
                }));
  }

  /**
   * One {@code GET records}: the instance's settings first, so that an {@code Accept} naming the
   * other embedded format is refused (406 / 40601) before any record is consumed; then a poll that
   * waits up to {@code timeout} ms, or the instance's {@code consumer.request.timeout.ms},
   * whichever is less, and never past {@code sluice.http.request-timeout}.
   */
  private Route records(String group, String instance) {
    return extractRequest(
        request -> {
          Query query = request.getUri().query();
          Optional<Duration> timeout =
              query.get("timeout").isEmpty()
                  ? Optional.empty()
                  : Optional.of(
                      Params.millis(
                          "timeout",
                          query.get("timeout"),
                          settings.requestTimeout(),
                          settings.requestTimeout()));
          int maxBytes =
              Params.intInRange(
                  "max_bytes",
                  query.get("max_bytes"),
                  1,
                  settings.consumeMaxBytesLimit(),
                  settings.consumeMaxBytes());
          Optional<String> accept = request.getHeader("Accept").map(HttpHeader::value);
          return completeWithFuture(
              client
                  .config(group, instance)
                  .thenCompose(
                      config -> {
                        var type = ConsumerRecordsResponse.contentType(config.format(), accept);
                        Duration wait = pollWait(config, timeout);
                        return client
                            .poll(group, instance, wait, maxBytes)
                            .thenApply(
                                records ->
                                    HttpResponse.create()
                                        .withEntity(
                                            type,
                                            ConsumerRecordsResponse.body(
                                                records, config.format())));
                      }));
        });
  }

  private Duration pollWait(InstanceConfig config, Optional<Duration> timeout) {
    Duration wait = Duration.ofMillis(config.requestTimeoutMs());
    if (timeout.isPresent() && timeout.get().compareTo(wait) < 0) {
      wait = timeout.get();
    }
    return wait.compareTo(settings.requestTimeout()) > 0 ? settings.requestTimeout() : wait;
  }

  /** {@code POST .../offsets}: with no body, commits everything fetched ({@code Commit(null)}). */
  private Route commit(String group, String instance) {
    return bodyRoute(
        true,
        body -> {
          var posted = ConsumerBodies.commit(body);
          List<PartitionOffset> lastConsumed =
              posted == null
                  ? null
                  : posted.stream()
                      .map(
                          o ->
                              new PartitionOffset(
                                  new TopicPartition(o.topic(), o.partition()),
                                  o.offset(),
                                  o.metadata()))
                      .toList();
          return client
              .commit(group, instance, lastConsumed)
              .thenApply(done -> HttpResponse.create().withStatus(StatusCodes.OK));
        });
  }

  /**
   * {@code GET .../offsets} with {@code {"partitions"}}: the committed offsets, the next to read.
   */
  private Route committed(String group, String instance) {
    return bodyRoute(
        false,
        body ->
            client
                .committed(group, instance, ConsumerBodies.partitions(body))
                .thenApply(
                    offsets ->
                        Json.response(
                            StatusCodes.OK,
                            Json.V2,
                            new ConsumerBodies.OffsetsBody(
                                offsets.stream()
                                    .map(
                                        o ->
                                            new ConsumerBodies.PartitionOffset(
                                                o.partition().topic(),
                                                o.partition().partition(),
                                                o.offset(),
                                                o.metadata()))
                                    .toList()))));
  }

  /** A request with a JSON body answered 204 once {@code action} is done. */
  private Route withBody(Function<JsonNode, CompletionStage<Void>> action) {
    return bodyRoute(
        false,
        body ->
            action
                .apply(body)
                .thenApply(done -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)));
  }

  private static Route noContent(CompletionStage<Void> done) {
    return completeWithFuture(
        done.thenApply(d -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)));
  }

  private static <T> Route ok(CompletionStage<T> body) {
    return completeWithFuture(body.thenApply(b -> Json.response(StatusCodes.OK, Json.V2, b)));
  }

  /**
   * Reads the whole body (at most {@code max-request-size}) and answers with {@code answer} of it:
   * null for an empty body when {@code mayBeEmpty}, else 400; a non-empty body of another content
   * type than JSON is 415. Parsing errors thrown by {@code answer} become their error answers.
   */
  private Route bodyRoute(
      boolean mayBeEmpty, Function<JsonNode, CompletionStage<HttpResponse>> answer) {
    return withSizeLimit(
        settings.maxRequestSize(),
        () ->
            extractRequest(
                request ->
                    extractMaterializer(
                        mat ->
                            completeWithFuture(
                                readBody(request, mat, mayBeEmpty).thenCompose(answer)))));
  }

  private CompletionStage<JsonNode> readBody(
      HttpRequest request, Materializer mat, boolean mayBeEmpty) {
    return request
        .entity()
        .toStrict(settings.requestTimeout().toMillis(), mat)
        .thenApply(
            strict -> {
              if (strict.getData().isEmpty() && mayBeEmpty) {
                return null;
              }
              String type = strict.getContentType().mediaType().toString();
              if (!strict.getData().isEmpty()
                  && !type.equals(V2_JSON)
                  && !type.equals("application/json")) {
                throw RestException.unsupportedMediaType(type, V2_JSON + " or application/json");
              }
              return Json.parse(strict.getData());
            });
  }
}
