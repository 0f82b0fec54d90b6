package sluice.kafka;

import akka.util.ByteString;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * The wire codec: a request frame (without its 4-byte length) becomes a header and a parsed
 * request, with kafka-clients' own parsers; a response becomes a frame, written here because
 * Kafka's {@code serializeWithHeader} is not public. A response frame is the 4-byte big-endian
 * size, the response header (version from {@link ApiKeys#responseHeaderVersion}: 0, or 1 with
 * tagged fields for flexible versions, but always 0 for ApiVersions) and the body at the request's
 * version.
 *
 * <p>These are kafka-clients internals (not public API): the version is pinned in the root pom and
 * the contract tests parse our frames back with the client's own response parser. Stateless.
 */
public final class KafkaCodec {
  private KafkaCodec() {}

  /** What a request frame holds. */
  public sealed interface Decoded {}

  /** A request of a served API and version. */
  public record Request(RequestHeader header, AbstractRequest body) implements Decoded {}

  /**
   * An ApiVersions request of a version this listener does not serve: answered, not closed on, so
   * that a newer client learns the versions it may use (KIP-511).
   */
  public record UnsupportedApiVersions(RequestHeader header) implements Decoded {}

  /** A request the connection is closed on, as Kafka does: {@code reason} says why. */
  public record Refused(String reason) implements Decoded {}

  /** Decodes one request frame; never throws. */
  public static Decoded decode(ByteBuffer frame) {
    if (frame.remaining() < 4) {
      return new Refused("a request of " + frame.remaining() + " bytes has no header");
    }
    short apiKey = frame.getShort(frame.position());
    short version = frame.getShort(frame.position() + 2);
    if (!ApiKeys.hasId(apiKey)) {
      return new Refused("unknown API key " + apiKey + " (version " + version + ")");
    }
    ApiKeys key = ApiKeys.forId(apiKey);
    var range = SupportedApis.range(key);
    if (range.isEmpty()) {
      return new Refused("API " + key.name + " (key " + apiKey + ") is not served by Sluice");
    }
    RequestHeader header;
    try {
      header = RequestHeader.parse(frame);
    } catch (RuntimeException e) {
      return new Refused("a malformed " + key.name + " v" + version + " header: " + e.getMessage());
    }
    if (!range.get().contains(version)) {
      if (key == ApiKeys.API_VERSIONS) {
        return new UnsupportedApiVersions(header);
      }
      return new Refused(
          String.format(
              "%s v%d is not served (versions %d to %d are)",
              key.name, version, range.get().min(), range.get().max()));
    }
    try {
      AbstractRequest body =
          AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(frame)).request;
      return new Request(header, body);
    } catch (RuntimeException e) {
      return new Refused("a malformed " + key.name + " v" + version + " body: " + e);
    }
  }

  /** The response frame, length first, answering the request {@code header} with {@code body}. */
  public static ByteString encode(RequestHeader header, ApiMessage body) {
    return encode(header.apiKey(), header.apiVersion(), header.correlationId(), body);
  }

  /**
   * The response frame to a request of {@code key} at {@code version}; {@code body} is written at
   * {@code bodyVersion} (an UNSUPPORTED_VERSION ApiVersions answer is written at v0).
   */
  public static ByteString encode(ApiKeys key, short version, int correlationId, ApiMessage body) {
    return encode(key, version, version, correlationId, body);
  }

  static ByteString encode(
      ApiKeys key, short headerFor, short bodyVersion, int correlationId, ApiMessage body) {
    ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
    short headerVersion = key.responseHeaderVersion(headerFor);
    ObjectSerializationCache cache = new ObjectSerializationCache();
    int size = header.size(cache, headerVersion) + body.size(cache, bodyVersion);
    ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES + size);
    buffer.putInt(size);
    ByteBufferAccessor out = new ByteBufferAccessor(buffer);
    header.write(out, cache, headerVersion);
    body.write(out, cache, bodyVersion);
    if (buffer.hasRemaining()) {
      throw new IllegalStateException(
          "A "
              + key.name
              + " v"
              + bodyVersion
              + " response was sized "
              + size
              + " bytes but "
              + buffer.remaining()
              + " were left unwritten");
    }
    buffer.flip();
    return ByteString.fromByteBuffer(buffer);
  }
}
