package sluice.bench.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The answer of {@code GET /topics/{t}/partitions/{p}/records}: a JSON array of records, each with
 * at least an {@code offset}. Only the count and the last offset are kept; a {@link RecordListener}
 * gets each record's offset and value (the binary embedded format's base64 text) as well.
 *
 * @param records records in the answer
 * @param lastOffset the offset of the last record, or -1 when there is none
 */
public record ConsumedBatch(int records, long lastOffset) {

  private static final JsonFactory JSON = new JsonFactory();

  /** Receives each record of an answer, in order. */
  public interface RecordListener {
    /** One record: its offset and its {@code value} field as text (null when absent or null). */
    void onRecord(long offset, String value);
  }

  /** Parses an answer body. */
  public static ConsumedBatch parse(byte[] body) throws IOException {
    return parse(body, (offset, value) -> {});
  }

  /** Parses an answer body, handing every record to {@code listener}. */
  public static ConsumedBatch parse(byte[] body, RecordListener listener) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException(
            "expected a JSON array of records, got: "
                + new String(body, 0, Math.min(200, body.length)));
      }
      int count = 0;
      long last = -1;
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String recordValue = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("offset")) {
            last = p.getValueAsLong(-1);
          } else if (field.equals("value") && value == JsonToken.VALUE_STRING) {
            recordValue = p.getText();
          } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            p.skipChildren();
          }
        }
        listener.onRecord(last, recordValue);
        count++;
      }
      return new ConsumedBatch(count, last);
    }
  }
}
