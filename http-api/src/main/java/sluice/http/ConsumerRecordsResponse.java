package sluice.http;

import akka.http.javadsl.model.ContentType;
import akka.util.ByteString;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.consumer.InstanceConfig.Format;

/**
 * The answer to a v2 instance's {@code GET records}: a JSON array of records in the instance's
 * format ({@code application/vnd.kafka.binary.v2+json}, base64 keys and values; or {@code
 * application/vnd.kafka.json.v2+json}, embedded JSON), rendered by {@link ConsumedRecords} as the
 * partition consume does. An Accept header that asks only for another embedded format is 406 /
 * 40601, as the REST Proxy answers it.
 */
final class ConsumerRecordsResponse {
  private ConsumerRecordsResponse() {}

  /** The response's content type, or 406 / 40601 when the Accept header wants something else. */
  static ContentType contentType(Format format, Optional<String> accept) {
    ContentType type = format == Format.JSON ? Json.V2_JSON : Json.V2_BINARY;
    if (accept.isEmpty() || accept.get().isBlank()) {
      return type;
    }
    String ours = type.mediaType().toString().toLowerCase(Locale.ROOT);
    for (String range : accept.get().split(",")) {
      String media = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (media.equals(ours)
          || media.equals("*/*")
          || media.equals("application/*")
          || media.equals("application/json")
          || media.equals("application/vnd.kafka.v2+json")) {
        return type;
      }
    }
    throw ConsumerErrors.formatMismatch(format.name().toLowerCase(Locale.ROOT), accept.get());
  }

  /** The records as the body; a record not JSON in the json format is 406 / 40601. */
  static ByteString body(List<ConsumedRecord> records, Format format) {
    return Json.bytes(ConsumedRecords.render(records, format == Format.JSON));
  }
}
