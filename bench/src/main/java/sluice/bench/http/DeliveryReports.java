package sluice.bench.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the REST Proxy v3 produce answer: a sequence of JSON objects (concatenated or one per
 * line), one delivery report per record in request order, {@code {"error_code":200, "partition_id",
 * "offset", ...}} for a written record or {@code {"error_code", "message"}} for one that was not.
 * Streams: each report is handed to the listener as soon as its closing brace arrives, so a
 * streamed answer can be timed per record. Stateless; thread-safe.
 */
public final class DeliveryReports {

  /** Receives each report in order. */
  public interface Listener {
    /**
     * One report: {@code ok} when {@code error_code} is 200 (or absent with an offset), else the
     * {@code message}.
     */
    void onReport(boolean ok, int partition, long offset, String message);
  }

  private static final JsonFactory JSON = new JsonFactory();

  private DeliveryReports() {}

  /** Reads reports until the stream ends; returns how many were read. */
  public static long read(InputStream in, Listener listener) throws IOException {
    long count = 0;
    try (JsonParser p = JSON.createParser(in)) {
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token != JsonToken.START_OBJECT) {
          throw new IOException(
              "expected a JSON object per delivery report, got " + token + " at " + location(p));
        }
        int errorCode = -1;
        int partition = -1;
        long offset = Long.MIN_VALUE;
        String message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "error_code" -> errorCode = p.getValueAsInt(-1);
            case "partition_id" -> partition = p.getValueAsInt(-1);
            case "offset" -> offset = p.getValueAsLong(Long.MIN_VALUE);
            case "message" -> message = p.getValueAsString();
            default -> {
              if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                p.skipChildren();
              }
            }
          }
        }
        boolean ok = errorCode == 200 || (errorCode == -1 && offset != Long.MIN_VALUE);
        listener.onReport(
            ok,
            partition,
            offset,
            ok ? null : (message == null ? "error_code " + errorCode : errorCode + ": " + message));
        count++;
      }
    }
    return count;
  }

  private static String location(JsonParser p) {
    return "byte " + p.currentLocation().getByteOffset();
  }
}
