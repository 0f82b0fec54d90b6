package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.pathPrefix;

import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Query;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.pattern.Patterns;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;
import java.util.List;
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
 *       {@code offset} is a number, {@code earliest} (the default) or {@code latest}, or instead
 *       {@code timestamp} starts at the first record at or after a time (see {@link StartOffset});
 *       {@code max_bytes} bounds the answer (at least one whole batch is returned if there is one);
 *       {@code timeout} is how many milliseconds the leader may wait for data when there is none
 *       yet. The answer is a JSON array of records (see {@link ConsumedRecords}), binary unless the
 *       {@code Accept} header asks for {@code application/vnd.kafka.json.v2+json}.
 *   <li>{@code GET /topics/{topic}/partitions/{p}/stream?offset=&timestamp=&max_bytes=&format=}:
 *       follows the partition until the client goes away. Each step is one fetch that the partition
 *       leader parks at the log end for up to {@code stream.fetch-max-wait} (no polling). Records
 *       are NDJSON, one per line, or Server-Sent Events ({@code id} = offset, {@code event:
 *       record}) when the {@code Accept} header is {@code text/event-stream}; an SSE client
 *       reconnecting with {@code Last-Event-ID} resumes after that offset. An idle stream sends a
 *       heartbeat (an empty line, or an SSE comment). A retriable broker error is retried after
 *       {@link #RETRY_BACKOFF}; any other error is sent as a last {@code {"error_code", "message"}}
 *       (SSE {@code event: error}) and the stream ends.
 * </ul>
 */
final class ConsumeRoutes {
  /** How long a stream waits before asking again after a retriable broker error. */
  static final Duration RETRY_BACKOFF = Duration.ofMillis(500);

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
    return extractRequest(
        request -> {
          Query query = request.getUri().query();
          StartOffset start = StartOffset.parse(query.get("offset"), query.get("timestamp"));
          int maxBytes = maxBytes(query.get("max_bytes"));
          Duration timeout =
              Params.millis(
                  "timeout",
                  query.get("timeout"),
                  settings.requestTimeout(),
                  settings.consumeTimeout());
          boolean json = ConsumedRecords.wantsJson(header(request, "Accept"));
          return completeWithFuture(fetchOnce(topic, partition, start, maxBytes, timeout, json));
        });
  }

  private static Optional<String> header(HttpRequest request, String name) {
    return request.getHeader(name).map(HttpHeader::value);
  }

  private int maxBytes(Optional<String> text) {
    return Params.intInRange(
        "max_bytes", text, 1, settings.consumeMaxBytesLimit(), settings.consumeMaxBytes());
  }

  private CompletionStage<HttpResponse> fetchOnce(
      String topic,
      int partition,
      StartOffset start,
      int maxBytes,
      Duration timeout,
      boolean json) {
    return resolve(topic, partition, start)
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

  /** Checks the partition exists (40401/40402) and turns where to start into an offset. */
  private CompletionStage<Long> resolve(String topic, int partition, StartOffset start) {
    return client
        .topicMetadataCovering(topic, partition)
        .thenCompose(
            metadata -> {
              V3Routes.partitionInfo(metadata, partition);
              return switch (start.kind()) {
                case OFFSET -> CompletableFuture.completedFuture(start.value());
                case EARLIEST ->
                    client.offsets(topic, partition).thenApply(o -> o.logStartOffset());
                case LATEST -> client.offsets(topic, partition).thenApply(o -> o.highWatermark());
                case TIMESTAMP ->
                    client
                        .offsetForTime(topic, partition, start.value())
                        .thenCompose(
                            offset ->
                                offset >= 0
                                    ? CompletableFuture.completedFuture(offset)
                                    : client
                                        .offsets(topic, partition)
                                        .thenApply(o -> o.highWatermark()));
              };
            });
  }

  private Route stream(String topic, int partition) {
    return extractRequest(
        request -> {
          Query query = request.getUri().query();
          Optional<String> accept = header(request, "Accept");
          StreamFraming framing = StreamFraming.forAccept(accept);
          boolean sse = framing.sse();
          Optional<String> lastEventId = header(request, "Last-Event-ID");
          StartOffset start =
              sse
                      && lastEventId.isPresent()
                      && query.get("offset").isEmpty()
                      && query.get("timestamp").isEmpty()
                  ? StartOffset.after(lastEventId.get())
                  : StartOffset.parse(query.get("offset"), query.get("timestamp"));
          int maxBytes = maxBytes(query.get("max_bytes"));
          boolean json = streamFormatIsJson(query.get("format"), accept);
          return completeWithFuture(
              resolve(topic, partition, start)
                  .thenApply(
                      offset -> streamResponse(topic, partition, offset, maxBytes, json, framing)));
        });
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
      String topic, int partition, long start, int maxBytes, boolean json, StreamFraming framing) {
    Source<ByteString, ?> events =
        Source.unfoldAsync(start, offset -> nextRecords(topic, partition, offset, maxBytes))
            .mapConcat(records -> records)
            .map(record -> framing.record(record, json, true));
    return framing.response(events, settings.streamHeartbeatInterval());
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

  /**
   * Where a consume starts: {@code ?offset=} a number, {@code earliest} (the log start, the
   * default) or {@code latest} (the high watermark), or {@code ?timestamp=} (epoch milliseconds or
   * ISO-8601): the first record with a timestamp at or after it, else the high watermark.
   */
  record StartOffset(Kind kind, long value) {
    enum Kind {
      OFFSET,
      EARLIEST,
      LATEST,
      TIMESTAMP
    }

    static StartOffset parse(Optional<String> offset, Optional<String> timestamp) {
      if (timestamp.isPresent()) {
        if (offset.isPresent()) {
          throw RestException.badRequest(
              "Give query parameter offset or timestamp, not both (offset '%s', timestamp '%s').",
              Params.abbreviate(offset.get()), Params.abbreviate(timestamp.get()));
        }
        return new StartOffset(Kind.TIMESTAMP, Params.timestamp("timestamp", timestamp.get()));
      }
      if (offset.isEmpty() || offset.get().equals("earliest")) {
        return new StartOffset(Kind.EARLIEST, -1);
      }
      if (offset.get().equals("latest")) {
        return new StartOffset(Kind.LATEST, -1);
      }
      try {
        long value = Long.parseLong(offset.get());
        if (value >= 0) {
          return new StartOffset(Kind.OFFSET, value);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw RestException.badRequest(
          "Query parameter offset must be a non-negative integer, earliest or latest, not '%s'.",
          Params.abbreviate(offset.get()));
    }

    /** The offset after an SSE {@code Last-Event-ID}. */
    static StartOffset after(String lastEventId) {
      try {
        long last = Long.parseLong(lastEventId.trim());
        if (last >= 0 && last < Long.MAX_VALUE) {
          return new StartOffset(Kind.OFFSET, last + 1);
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
