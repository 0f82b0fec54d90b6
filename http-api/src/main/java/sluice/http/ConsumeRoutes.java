package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.optionalHeaderValueByName;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.pathPrefix;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.japi.pf.PFBuilder;
import akka.pattern.Patterns;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.gateway.Gateway;

/**
 * Consume by partition, without consumer groups.
 *
 * <ul>
 *   <li>{@code GET /topics/{topic}/partitions/{p}/records?offset=&max_bytes=&timeout=}: one fetch.
 *       {@code offset} is a number, {@code earliest} (the default) or {@code latest}; {@code
 *       max_bytes} bounds the answer (at least one whole batch is returned if there is one); {@code
 *       timeout} is how many milliseconds the leader may wait for data when there is none yet. The
 *       answer is a JSON array of records (see {@link ConsumedRecords}), binary unless the {@code
 *       Accept} header asks for {@code application/vnd.kafka.json.v2+json}.
 *   <li>{@code GET /topics/{topic}/partitions/{p}/stream?offset=&max_bytes=&format=}: follows the
 *       partition until the client goes away. Each step is one fetch that the partition leader
 *       parks at the log end for up to {@code stream.fetch-max-wait} (no polling). Records are
 *       NDJSON, one per line, or Server-Sent Events ({@code id} = offset, {@code event: record})
 *       when the {@code Accept} header is {@code text/event-stream}; an SSE client reconnecting
 *       with {@code Last-Event-ID} resumes after that offset. An idle stream sends a heartbeat (an
 *       empty line, or an SSE comment). A retriable broker error is retried after {@link
 *       #RETRY_BACKOFF}; any other error is sent as a last {@code {"error_code", "message"}} (SSE
 *       {@code event: error}) and the stream ends.
 * </ul>
 */
final class ConsumeRoutes {
  /** How long a stream waits before asking again after a retriable broker error. */
  static final Duration RETRY_BACKOFF = Duration.ofMillis(500);

  private static final ByteString NEWLINE = ByteString.fromString("\n");
  private static final ContentType EVENT_STREAM = ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM);

  private final GatewayClient client;
  private final HttpSettings settings;

  ConsumeRoutes(GatewayClient client) {
    this.client = client;
    this.settings = client.settings();
  }

  Route route(String topic, int partition) {
    return concat(
        pathPrefix(
            "records", () -> pathEndOrSingleSlash(() -> get(() -> records(topic, partition)))),
        pathPrefix(
            "stream", () -> pathEndOrSingleSlash(() -> get(() -> stream(topic, partition)))));
  }

  private Route records(String topic, int partition) {
    return parameterOptional(
        "offset",
        offsetText ->
            parameterOptional(
                "max_bytes",
                maxBytesText ->
                    parameterOptional(
                        "timeout",
                        timeoutText ->
                            optionalHeaderValueByName(
                                "Accept",
                                accept -> {
                                  OffsetSpec offset = OffsetSpec.parse(offsetText);
                                  int maxBytes = maxBytes(maxBytesText);
                                  Duration timeout =
                                      Params.millis(
                                          "timeout",
                                          timeoutText,
                                          settings.requestTimeout(),
                                          settings.consumeTimeout());
                                  boolean json = ConsumedRecords.wantsJson(accept);
                                  return completeWithFuture(
                                      fetchOnce(topic, partition, offset, maxBytes, timeout, json));
                                }))));
  }

  private int maxBytes(Optional<String> text) {
    return Params.intInRange(
        "max_bytes", text, 1, settings.consumeMaxBytesLimit(), settings.consumeMaxBytes());
  }

  private CompletionStage<HttpResponse> fetchOnce(
      String topic, int partition, OffsetSpec spec, int maxBytes, Duration timeout, boolean json) {
    return startOffset(topic, partition, spec)
        .thenCompose(
            offset ->
                client
                    .fetch(topic, partition, offset, maxBytes, timeout)
                    .thenApply(
                        reply ->
                            HttpResponse.create()
                                .withEntity(
                                    HttpEntities.create(
                                        json ? Json.V2_JSON : Json.V2_BINARY,
                                        Json.bytes(
                                            ConsumedRecords.render(
                                                ConsumedRecords.from(reply, offset), json))))));
  }

  /** Checks the partition exists (40401/40402) and turns the offset spec into an offset. */
  private CompletionStage<Long> startOffset(String topic, int partition, OffsetSpec spec) {
    return client
        .topicMetadata(topic)
        .thenCompose(
            metadata -> {
              V3Routes.partitionInfo(metadata, partition);
              if (spec.offset() >= 0) {
                return CompletableFuture.completedFuture(spec.offset());
              }
              return client
                  .offsets(topic, partition)
                  .thenApply(
                      offsets ->
                          spec == OffsetSpec.EARLIEST
                              ? offsets.logStartOffset()
                              : offsets.highWatermark());
            });
  }

  private Route stream(String topic, int partition) {
    return parameterOptional(
        "offset",
        offsetText ->
            parameterOptional(
                "max_bytes",
                maxBytesText ->
                    parameterOptional(
                        "format",
                        format ->
                            optionalHeaderValueByName(
                                "Accept",
                                accept ->
                                    optionalHeaderValueByName(
                                        "Last-Event-ID",
                                        lastEventId -> {
                                          boolean sse = wantsEventStream(accept);
                                          OffsetSpec offset =
                                              sse && offsetText.isEmpty() && lastEventId.isPresent()
                                                  ? OffsetSpec.after(lastEventId.get())
                                                  : OffsetSpec.parse(offsetText);
                                          int maxBytes = maxBytes(maxBytesText);
                                          boolean json = streamFormatIsJson(format, accept);
                                          return completeWithFuture(
                                              startOffset(topic, partition, offset)
                                                  .thenApply(
                                                      start ->
                                                          streamResponse(
                                                              topic, partition, start, maxBytes,
                                                              json, sse)));
                                        })))));
  }

  private static boolean wantsEventStream(Optional<String> accept) {
    return accept.isPresent()
        && accept.get().toLowerCase(Locale.ROOT).contains("text/event-stream");
  }

  private static boolean streamFormatIsJson(Optional<String> format, Optional<String> accept) {
    if (format.isEmpty()) {
      return ConsumedRecords.wantsJson(accept);
    }
    return switch (format.get()) {
      case "binary" -> false;
      case "json" -> true;
      default ->
          throw RestException.badRequest(
              "Query parameter format must be binary or json, not '%s'.",
              Params.abbreviate(format.get()));
    };
  }

  private HttpResponse streamResponse(
      String topic, int partition, long start, int maxBytes, boolean json, boolean sse) {
    Source<ByteString, ?> events =
        Source.unfoldAsync(start, offset -> nextRecords(topic, partition, offset, maxBytes))
            .mapConcat(records -> records)
            .map(record -> event(record, json, sse))
            .keepAlive(
                settings.streamHeartbeatInterval(),
                () -> sse ? ByteString.fromString(":\n\n") : NEWLINE)
            .recover(
                new PFBuilder<Throwable, ByteString>()
                    .match(
                        Throwable.class,
                        failure -> errorEvent(ErrorHandling.toRestException(failure), sse))
                    .build());
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.createChunked(sse ? EVENT_STREAM : Json.NDJSON, events));
  }

  /** One step of a stream: the next records and the offset after them; never ends by itself. */
  private CompletionStage<Optional<Pair<Long, List<ConsumedRecord>>>> nextRecords(
      String topic, int partition, long offset, int maxBytes) {
    return client
        .fetch(topic, partition, offset, maxBytes, settings.streamFetchMaxWait())
        .thenApply(
            (Gateway.FetchReply reply) -> {
              List<ConsumedRecord> records = ConsumedRecords.from(reply, offset);
              long next = records.isEmpty() ? offset : records.get(records.size() - 1).offset() + 1;
              return Optional.of(Pair.create(next, records));
            })
        .exceptionallyCompose(
            failure -> {
              RestException error = ErrorHandling.toRestException(failure);
              if (!error.retriable()) {
                return CompletableFuture.failedFuture(error);
              }
              return Patterns.after(
                  RETRY_BACKOFF,
                  client.system(),
                  () ->
                      CompletableFuture.completedFuture(
                          Optional.of(Pair.create(offset, List.<ConsumedRecord>of()))));
            });
  }

  private static ByteString event(ConsumedRecord record, boolean json, boolean sse) {
    ByteString line = Json.bytes(ConsumedRecords.render(record, json));
    if (!sse) {
      return line.concat(NEWLINE);
    }
    return ByteString.fromString("id: " + record.offset() + "\nevent: record\ndata: ")
        .concat(line)
        .concat(ByteString.fromString("\n\n"));
  }

  private static ByteString errorEvent(RestException error, boolean sse) {
    ByteString body = Json.bytes(new Json.ErrorBody(error.errorCode(), error.getMessage()));
    if (!sse) {
      return body.concat(NEWLINE);
    }
    return ByteString.fromString("event: error\ndata: ")
        .concat(body)
        .concat(ByteString.fromString("\n\n"));
  }

  /** Where a consume starts: an offset, or the log start or the high watermark. */
  record OffsetSpec(long offset) {
    static final OffsetSpec EARLIEST = new OffsetSpec(-2);
    static final OffsetSpec LATEST = new OffsetSpec(-1);

    static OffsetSpec parse(Optional<String> text) {
      if (text.isEmpty() || text.get().equals("earliest")) {
        return EARLIEST;
      }
      if (text.get().equals("latest")) {
        return LATEST;
      }
      try {
        long offset = Long.parseLong(text.get());
        if (offset >= 0) {
          return new OffsetSpec(offset);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw RestException.badRequest(
          "Query parameter offset must be a non-negative integer, earliest or latest, not '%s'.",
          Params.abbreviate(text.get()));
    }

    /** The offset after an SSE {@code Last-Event-ID}. */
    static OffsetSpec after(String lastEventId) {
      try {
        long last = Long.parseLong(lastEventId.trim());
        if (last >= 0 && last < Long.MAX_VALUE) {
          return new OffsetSpec(last + 1);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw RestException.badRequest(
          "Header Last-Event-ID must be the offset of the last record received, not '%s'.",
          Params.abbreviate(lastEventId));
    }
  }
}
