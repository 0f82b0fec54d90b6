package sluice.storage.record;

/**
 * A batch or record whose bytes do not follow the v2 format or whose CRC does not match. The
 * message names what is wrong with the values found; callers that know the file and position
 * (recovery, reads) wrap or rethrow with them.
 */
public class CorruptRecordException extends RuntimeException {
  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
