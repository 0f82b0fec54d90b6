package sluice.http;

import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.RecordHeader;
import sluice.actors.gateway.Gateway;

/**
 * Consumed records as JSON: the REST Proxy v2 consumer record ({@code topic, key, value, partition,
 * offset}) plus what the REST Proxy leaves out: {@code timestamp} (epoch milliseconds), {@code
 * timestamp_type} ({@code CREATE_TIME} or {@code LOG_APPEND_TIME}) and {@code headers} ({@code
 * [{"name", "value"}]}, values base64 or null). In the binary format keys and values are base64
 * strings; in the JSON format they are the JSON they hold, and a record whose key or value is not
 * JSON fails the request with 406 / 40601.
 */
final class ConsumedRecords {
  static final String JSON_FORMAT = "application/vnd.kafka.json.v2+json";

  private ConsumedRecords() {}

  /** A header; Jackson writes {@code value} as base64, or null. */
  record Header(String name, byte[] value) {}

  record Rendered(
      String topic,
      JsonNode key,
      JsonNode value,
      int partition,
      long offset,
      long timestamp,
      String timestampType,
      List<Header> headers) {}

  /** Whether an {@code Accept} header asks for the JSON embedded format. */
  static boolean wantsJson(Optional<String> accept) {
    if (accept.isEmpty()) {
      return false;
    }
    for (String range : accept.get().split(",")) {
      String type = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (type.equals(JSON_FORMAT)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The records of a fetch from {@code offset}. A fetch returns whole batches, so the first batch
   * may begin before the offset asked for; those records are dropped here.
   */
  static List<ConsumedRecord> from(Gateway.FetchReply reply, long offset) {
    List<ConsumedRecord> records = reply.records();
    if (records.isEmpty() || records.get(0).offset() >= offset) {
      return records;
    }
    return records.stream().filter(r -> r.offset() >= offset).toList();
  }

  static List<Rendered> render(List<ConsumedRecord> records, boolean json) {
    return records.stream().map(r -> render(r, json)).toList();
  }

  static Rendered render(ConsumedRecord record, boolean json) {
    return new Rendered(
        record.topic(),
        payload(record, record.key(), "key", json),
        payload(record, record.value(), "value", json),
        record.partition(),
        record.offset(),
        record.timestamp(),
        record.logAppendTime() ? "LOG_APPEND_TIME" : "CREATE_TIME",
        record.headers().stream().map(ConsumedRecords::header).toList());
  }

  private static Header header(RecordHeader header) {
    return new Header(header.key(), header.value());
  }

  private static JsonNode payload(ConsumedRecord record, byte[] bytes, String what, boolean json) {
    if (bytes == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (!json) {
      // written straight out as base64 by the generator, with no String in between
      return JsonNodeFactory.instance.binaryNode(bytes);
    }
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (node != null && !node.isMissingNode()) {
        return node;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new RestException(
        StatusCodes.NOT_ACCEPTABLE,
        RestException.FORMAT_MISMATCH,
        String.format(
            "The %s of the record at offset %d of %s-%d is not JSON, so it cannot be sent as %s;"
                + " ask for application/vnd.kafka.binary.v2+json.",
            what, record.offset(), record.topic(), record.partition(), JSON_FORMAT));
  }
}
