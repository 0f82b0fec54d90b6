package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.extractRequest;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.pattern.Patterns;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.consumer.InstanceConfig;

/**
 * {@code GET /consumers/{group}/instances/{instance}/records/stream}: follows a consumer instance
 * until the client goes away. Each step is one poll of the instance that waits up to {@code
 * stream.fetch-max-wait}; the instance decides what it reads (its subscription, rebalances, its
 * positions), so a stream keeps reading through rebalances and a reconnecting client continues
 * where the instance is. Records are in the instance's format, framed as NDJSON or Server-Sent
 * Events ({@link StreamFraming}; SSE events carry no id, the instance being where a stream
 * resumes). An unknown instance is answered 404 / 40403 before the stream starts. A retriable error
 * is polled again after {@link ConsumeRoutes#RETRY_BACKOFF}; any other (the instance deleted, a
 * record not JSON for a json instance, an illegal state) is sent as a last error and the stream
 * ends.
 */
final class InstanceStream {
  private final InstanceClient client;
  private final HttpSettings settings;
  private final ActorSystem<?> system;

  InstanceStream(InstanceClient client, HttpSettings settings, ActorSystem<?> system) {
    this.client = client;
    this.settings = settings;
    this.system = system;
  }

  Route route(String group, String instance) {
    return extractRequest(
        request -> {
          StreamFraming framing =
              StreamFraming.forAccept(request.getHeader("Accept").map(HttpHeader::value));
          int maxBytes =
              Params.intInRange(
                  "max_bytes",
                  request.getUri().query().get("max_bytes"),
                  1,
                  settings.consumeMaxBytesLimit(),
                  settings.consumeMaxBytes());
          return completeWithFuture(
              client
                  .config(group, instance)
                  .thenApply(
                      config -> {
                        boolean json = config.format() == InstanceConfig.Format.JSON;
                        Source<ByteString, ?> events =
                            Source.unfoldAsync(
                                    0L, step -> nextRecords(group, instance, maxBytes, step))
                                .mapConcat(records -> records)
                                .map(record -> framing.record(record, json, false));
                        return framing.response(events, settings.streamHeartbeatInterval());
                      }));
        });
  }

  /** One poll; the state is only a step count, the instance keeping the positions. */
  private CompletionStage<Optional<Pair<Long, List<ConsumedRecord>>>> nextRecords(
      String group, String instance, int maxBytes, long step) {
    return client
        .poll(group, instance, settings.streamFetchMaxWait(), maxBytes)
        .thenApply(records -> Optional.of(Pair.create(step + 1, records)))
        .exceptionallyCompose(
            failure -> {
              RestException error = ErrorHandling.toRestException(failure);
              if (!error.retriable()) {
                return CompletableFuture.failedFuture(error);
              }
              return Patterns.after(
                  ConsumeRoutes.RETRY_BACKOFF,
                  system,
                  () ->
                      CompletableFuture.completedFuture(
                          Optional.of(Pair.create(step + 1, List.<ConsumedRecord>of()))));
            });
  }
}
