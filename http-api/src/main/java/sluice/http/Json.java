package sluice.http;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaType;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.util.ByteString;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON in and out of the HTTP API, and the REST Proxy's media types. Response bodies are records
 * whose camelCase components are written in snake_case ({@code errorCode} → {@code error_code}),
 * nulls included, as the REST Proxy writes them. Thread-safe.
 */
final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .serializationInclusion(JsonInclude.Include.ALWAYS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          // byte[] and binary nodes: the standard alphabet with padding, as java.util.Base64
          .defaultBase64Variant(Base64Variants.MIME_NO_LINEFEEDS)
          .build();

  /** {@code application/vnd.kafka.v2+json}: v2 responses without embedded records. */
  static final ContentType V2 = fixed("vnd.kafka.v2+json");

  /** {@code application/vnd.kafka.binary.v2+json}: keys and values as base64 strings. */
  static final ContentType V2_BINARY = fixed("vnd.kafka.binary.v2+json");

  /** {@code application/vnd.kafka.json.v2+json}: keys and values as embedded JSON. */
  static final ContentType V2_JSON = fixed("vnd.kafka.json.v2+json");

  /** {@code application/x-ndjson}: one JSON object per line. */
  static final ContentType NDJSON = fixed("x-ndjson");

  private Json() {}

  private static ContentType fixed(String subType) {
    MediaType.WithFixedCharset type =
        MediaTypes.applicationWithFixedCharset(subType, HttpCharsets.UTF_8);
    return akka.http.javadsl.model.ContentTypes.create(type);
  }

  static ByteString bytes(Object value) {
    try {
      return ByteString.fromArrayUnsafe(MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getName(), e);
    }
  }

  /** The JSON text of a parsed tree, as a key or value to store. */
  static byte[] text(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a parsed JSON tree", e);
    }
  }

  static HttpResponse response(StatusCode status, ContentType type, Object body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(HttpEntities.create(type, bytes(body)));
  }

  static HttpResponse ok(Object body) {
    return response(StatusCodes.OK, ContentTypes.APPLICATION_JSON, body);
  }

  static HttpResponse error(RestException e) {
    return response(
        e.status(), ContentTypes.APPLICATION_JSON, new ErrorBody(e.errorCode(), e.getMessage()));
  }

  /** The REST Proxy's error body. */
  record ErrorBody(int errorCode, String message) {}

  /** Parses exactly one JSON value; a syntax error becomes a 400 that says where. */
  static JsonNode parse(ByteString body) {
    if (body.isEmpty()) {
      throw RestException.badRequest("The request body is empty; a JSON object is expected.");
    }
    try {
      return MAPPER.readTree(body.toArrayUnsafe());
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new IllegalStateException("reading JSON from memory failed", e);
    }
  }

  /**
   * Parses a body of concatenated JSON values (whitespace or newlines between them), as the v3
   * produce endpoint takes them.
   */
  static List<JsonNode> parseConcatenated(ByteString body) {
    List<JsonNode> values = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        MAPPER
            .readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .readValues(body.toArrayUnsafe())) {
      while (it.hasNextValue()) {
        values.add(it.nextValue());
      }
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      throw new IllegalStateException("reading JSON from memory failed", e);
    }
    return values;
  }

  static RestException malformed(JsonProcessingException e) {
    var location = e.getLocation();
    String where =
        location == null
            ? ""
            : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    return RestException.badRequest("Malformed JSON%s: %s", where, e.getOriginalMessage());
  }
}
