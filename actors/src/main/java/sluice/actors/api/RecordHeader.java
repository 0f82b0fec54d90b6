package sluice.actors.api;

import java.util.Objects;

/** One record header: a string key and a byte value, which may be null. */
public record RecordHeader(String key, byte[] value) implements CborSerializable {
  public RecordHeader {
    Objects.requireNonNull(key, "header key");
  }
}
