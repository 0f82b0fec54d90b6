package sluice.http;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.japi.pf.PFBuilder;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import sluice.actors.api.ConsumedRecord;

/**
 * How the live streams (a partition's, {@link ConsumeRoutes}; a consumer instance's, {@link
 * InstanceStream}) frame what they send: NDJSON, one record per line, or Server-Sent Events ({@code
 * event: record}, optionally {@code id: offset}) when the {@code Accept} header asks for {@code
 * text/event-stream}. An idle stream sends a heartbeat (an empty line, or an SSE comment); a
 * failure is sent as a last {@code {"error_code", "message"}} (SSE {@code event: error}) and the
 * stream ends.
 */
final class StreamFraming {
  private static final ByteString NEWLINE = ByteString.fromString("\n");
  private static final ContentType EVENT_STREAM = ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM);

  private final boolean sse;

  private StreamFraming(boolean sse) {
    this.sse = sse;
  }

  /** Server-Sent Events when {@code accept} names {@code text/event-stream}, else NDJSON. */
  static StreamFraming forAccept(Optional<String> accept) {
    return new StreamFraming(
        accept.isPresent() && accept.get().toLowerCase(Locale.ROOT).contains("text/event-stream"));
  }

  boolean sse() {
    return sse;
  }

  /**
   * A 200 whose chunked body is {@code events}, with heartbeats every {@code heartbeat} while idle
   * and any failure sent as the last event.
   */
  HttpResponse response(Source<ByteString, ?> events, Duration heartbeat) {
    Source<ByteString, ?> framed =
        events
            .keepAlive(heartbeat, () -> sse ? ByteString.fromString(":\n\n") : NEWLINE)
            .recover(
                new PFBuilder<Throwable, ByteString>()
                    .match(
                        Throwable.class, failure -> error(ErrorHandling.toRestException(failure)))
                    .build());
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.createChunked(sse ? EVENT_STREAM : Json.NDJSON, framed));
  }

  /**
   * One record as a line or an event ({@code withId}: the offset as the SSE id); a record that is
   * not JSON in the json format fails with 406 / 40601.
   */
  ByteString record(ConsumedRecord record, boolean json, boolean withId) {
    ByteString line = Json.bytes(ConsumedRecords.render(record, json));
    if (!sse) {
      return line.concat(NEWLINE);
    }
    String head =
        withId ? "id: " + record.offset() + "\nevent: record\ndata: " : "event: record\ndata: ";
    return ByteString.fromString(head).concat(line).concat(ByteString.fromString("\n\n"));
  }

  ByteString error(RestException error) {
    ByteString body = Json.bytes(new Json.ErrorBody(error.errorCode(), error.getMessage()));
    if (!sse) {
      return body.concat(NEWLINE);
    }
    return ByteString.fromString("event: error\ndata: ")
        .concat(body)
        .concat(ByteString.fromString("\n\n"));
  }
}
