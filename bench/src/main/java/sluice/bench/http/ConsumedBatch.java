package sluice.bench.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The answer of {@code GET /topics/{t}/partitions/{p}/records}: a JSON array of records, each with
 * at least an {@code offset}. Only the count and the last offset are kept.
 *
 * @param records records in the answer
 * @param lastOffset the offset of the last record, or -1 when there is none
 */
public record ConsumedBatch(int records, long lastOffset) {

  private static final JsonFactory JSON = new JsonFactory();

  /** Parses an answer body. */
  public static ConsumedBatch parse(byte[] body) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException(
            "expected a JSON array of records, got: "
                + new String(body, 0, Math.min(200, body.length)));
      }
      int count = 0;
      long last = -1;
      while (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("offset")) {
            last = p.getValueAsLong(-1);
          } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            p.skipChildren();
          }
        }
        count++;
      }
      return new ConsumedBatch(count, last);
    }
  }
}
