package sluice.actors.group.log;

/**
 * A key or value read from {@code __consumer_offsets} that is not a record Sluice writes: an
 * unknown type or version, a field cut short, bytes after the last field, a value a record refuses.
 * The message names the record kind, the field and the values found.
 */
public class CorruptGroupRecordException extends RuntimeException {
  public CorruptGroupRecordException(String message) {
    super(message);
  }

  public CorruptGroupRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
