package sluice.storage.log;

/**
 * A read or lookup at an offset outside {@code [logStartOffset, logEndOffset]}; carries the
 * requested offset and the valid range so a fetch can answer with it.
 */
public class OffsetOutOfRangeException extends RuntimeException {
  private final long offset;
  private final long logStartOffset;
  private final long logEndOffset;

  public OffsetOutOfRangeException(long offset, long logStartOffset, long logEndOffset) {
    super(
        "Offset "
            + offset
            + " is out of range: the log holds offsets ["
            + logStartOffset
            + ", "
            + logEndOffset
            + ")");
    this.offset = offset;
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }

  public long offset() {
    return offset;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return logEndOffset;
  }
}
