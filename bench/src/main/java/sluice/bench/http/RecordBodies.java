package sluice.bench.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Request bodies for the REST Proxy v3 produce endpoint: each record is one JSON object {@code
 * {"partition_id":P,"value":{"type":"BINARY","data":"<base64>"}}} ending with a newline (so a body
 * of several is both concatenated JSON and NDJSON). Values are {@code recordBytes} random bytes
 * (fixed seed), no key, no headers — the records Kafka's ProducerPerformance sends. Immutable;
 * thread-safe.
 */
public final class RecordBodies {

  private final String[] values;

  /** {@code distinct} different random values of {@code recordBytes} bytes each. */
  public RecordBodies(int recordBytes, int distinct, long seed) {
    if (recordBytes < 1 || distinct < 1) {
      throw new IllegalArgumentException(
          "recordBytes and distinct must be >= 1, got " + recordBytes + " and " + distinct);
    }
    SplittableRandom random = new SplittableRandom(seed);
    values = new String[distinct];
    byte[] value = new byte[recordBytes];
    for (int i = 0; i < distinct; i++) {
      random.nextBytes(value);
      values[i] = Base64.getEncoder().encodeToString(value);
    }
  }

  /** One record's JSON object and its newline. */
  public String record(int partition, int index) {
    return json(partition, values[Math.floorMod(index, values.length)]);
  }

  /** One record's JSON object and its newline, with the given value. */
  public static String record(int partition, byte[] value) {
    return json(partition, Base64.getEncoder().encodeToString(value));
  }

  private static String json(int partition, String base64Value) {
    return "{\"partition_id\":"
        + partition
        + ",\"value\":{\"type\":\"BINARY\",\"data\":\""
        + base64Value
        + "\"}}\n";
  }

  /** {@code count} records for {@code partition}, starting at value {@code firstIndex}. */
  public byte[] records(int partition, int firstIndex, int count) {
    StringBuilder body = new StringBuilder(count * 180);
    for (int i = 0; i < count; i++) {
      body.append(record(partition, firstIndex + i));
    }
    return body.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
