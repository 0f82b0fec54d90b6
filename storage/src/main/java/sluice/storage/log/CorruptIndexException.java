package sluice.storage.log;

/** An index file whose contents break its invariants; the log rebuilds it from the segment. */
public class CorruptIndexException extends RuntimeException {
  public CorruptIndexException(String message) {
    super(message);
  }
}
