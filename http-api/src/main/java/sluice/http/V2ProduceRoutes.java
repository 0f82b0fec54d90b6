package sluice.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequestEntity;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.Acks;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;

/**
 * REST Proxy v2 produce: {@code POST /topics/{topic}} and {@code POST
 * /topics/{topic}/partitions/{partition}}, with {@code ?acks=0|1|all}.
 *
 * <p>Content types: {@code application/vnd.kafka.binary.v2+json} (keys and values are base64
 * strings) and {@code application/vnd.kafka.json.v2+json} (keys and values are any JSON, stored as
 * JSON text); anything else is 415. The body is {@code {"records": [{"key", "value", "partition"},
 * ...]}}; to a partition's URL the records carry no partition (or the same one). Every record is
 * checked before anything is sent, so one bad record writes nothing. The answer is {@code
 * {"offsets": [{"partition", "offset", "error_code", "error"}], "key_schema_id": null,
 * "value_schema_id": null}}, one offset per record in order; a record the broker refused carries
 * error code 50003 (retriable) or 50002, as the REST Proxy reports producer errors.
 */
final class V2ProduceRoutes {
  private static final String BINARY = "application/vnd.kafka.binary.v2+json";
  private static final String JSON = "application/vnd.kafka.json.v2+json";
  private static final Set<String> BODY_FIELDS =
      Set.of("records", "key_schema", "key_schema_id", "value_schema", "value_schema_id");
  private static final Set<String> RECORD_FIELDS = Set.of("key", "value", "partition");

  private final GatewayClient client;
  private final HttpSettings settings;

  V2ProduceRoutes(GatewayClient client) {
    this.client = client;
    this.settings = client.settings();
  }

  record Offset(Integer partition, Long offset, Integer errorCode, String error) {}

  record ProduceResponse(List<Offset> offsets, Integer keySchemaId, Integer valueSchemaId) {}

  /** The route for a topic; {@code partition} is null for {@code /topics/{topic}}. */
  Route route(String topic, Integer partition) {
    return post(
        () ->
            parameterOptional(
                "acks",
                acksText ->
                    withSizeLimit(
                        settings.maxRequestSize(),
                        () ->
                            extractRequestEntity(
                                entity ->
                                    extractMaterializer(
                                        mat ->
                                            completeWithFuture(
                                                produce(
                                                    entity,
                                                    mat,
                                                    topic,
                                                    partition,
                                                    Params.acks(acksText, settings.acks()))))))));
  }

  private CompletionStage<HttpResponse> produce(
      RequestEntity entity, Materializer mat, String topic, Integer partition, Acks acks) {
    boolean binary = embeddedFormatIsBinary(entity);
    return entity
        .toStrict(settings.requestTimeout().toMillis(), mat)
        .thenApply(strict -> parse(strict.getData(), binary, partition))
        .thenCompose(
            records ->
                client
                    .topicMetadataCovering(topic, ProduceChecks.highestPartition(records))
                    .thenCompose(
                        metadata -> {
                          int max =
                              ProduceChecks.maxMessageBytes(
                                  metadata, settings.defaultMaxMessageBytes());
                          for (int i = 0; i < records.size(); i++) {
                            ProduceChecks.check(
                                metadata, records.get(i), max, "records[" + i + "]");
                          }
                          return client.produce(topic, records, acks);
                        }))
        .thenApply(
            results ->
                Json.response(
                    StatusCodes.OK,
                    Json.V2,
                    new ProduceResponse(
                        results.stream().map(V2ProduceRoutes::offset).toList(), null, null)));
  }

  private static boolean embeddedFormatIsBinary(RequestEntity entity) {
    String type = entity.getContentType().mediaType().toString();
    return switch (type) {
      case BINARY -> true;
      case JSON -> false;
      default -> throw RestException.unsupportedMediaType(type, BINARY + " or " + JSON);
    };
  }

  private static Offset offset(RecordResult result) {
    if (result.error() == null) {
      return new Offset(result.partition(), result.offset(), null, null);
    }
    int code =
        result.error().code().retriable()
            ? RestException.KAFKA_RETRIABLE_ERROR
            : RestException.KAFKA_ERROR;
    return new Offset(null, null, code, result.error().message());
  }

  private static List<ProduceRecord> parse(ByteString body, boolean binary, Integer partition) {
    JsonNode root = Json.parse(body);
    JsonFields.requireObject(root, "The request body");
    JsonFields.onlyFields(root, "The request body", BODY_FIELDS);
    for (String schemaField :
        List.of("key_schema", "key_schema_id", "value_schema", "value_schema_id")) {
      if (!JsonFields.absentOrNull(root.get(schemaField))) {
        throw RestException.badRequest(
            "%s is not supported: Sluice has no Schema Registry; use the binary or json embedded"
                + " format.",
            schemaField);
      }
    }
    JsonNode recordsNode = root.get("records");
    if (recordsNode == null || !recordsNode.isArray() || recordsNode.isEmpty()) {
      throw RestException.badRequest(
          "records must be a non-empty array of records, not %s.",
          JsonFields.describe(recordsNode));
    }
    List<ProduceRecord> records = new ArrayList<>(recordsNode.size());
    for (int i = 0; i < recordsNode.size(); i++) {
      records.add(record(recordsNode.get(i), "records[" + i + "]", binary, partition));
    }
    return records;
  }

  private static ProduceRecord record(
      JsonNode node, String path, boolean binary, Integer urlPartition) {
    JsonFields.requireObject(node, path);
    JsonFields.onlyFields(node, path, RECORD_FIELDS);
    JsonNode partitionNode = node.get("partition");
    Integer partition = urlPartition;
    if (!JsonFields.absentOrNull(partitionNode)) {
      int own = JsonFields.intInRange(partitionNode, path + ".partition", 0, Integer.MAX_VALUE);
      if (urlPartition != null && own != urlPartition) {
        throw RestException.badRequest(
            "%s.partition is %d but the request is for partition %d.", path, own, urlPartition);
      }
      partition = own;
    }
    byte[] key = payload(node.get("key"), path + ".key", binary);
    byte[] value = payload(node.get("value"), path + ".value", binary);
    return new ProduceRecord(partition, key, value, List.of(), null);
  }

  private static byte[] payload(JsonNode node, String path, boolean binary) {
    if (JsonFields.absentOrNull(node)) {
      return null;
    }
    return binary ? JsonFields.base64(node, path) : Json.text(node);
  }
}
