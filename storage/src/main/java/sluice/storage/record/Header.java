package sluice.storage.record;

import java.util.Objects;

/**
 * One record header: a UTF-8 string key and a byte value, which may be null (Kafka allows null
 * header values). The array is not copied.
 */
public record Header(String key, byte[] value) {
  public Header {
    Objects.requireNonNull(key, "header key must not be null");
  }
}
