package sluice.actors.partition;

import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

/**
 * The checks every fetch of a partition passes, a consumer's or a follower's: sane limits ({@code
 * maxBytes > 0}, {@code maxWaitMs >= 0}) and an offset within [log start, log end]. A follower's
 * fetch passes its own checks between the two (replica, leader epoch, divergence: {@link
 * FollowerFetches}). Public so that the gateway can refuse a request before sending it. Stateless.
 */
public final class FetchValidation {
  private FetchValidation() {}

  /**
   * {@code INVALID_REQUEST} naming the values unless {@code maxBytes > 0} and {@code maxWaitMs >=
   * 0}, else null.
   *
   * @param what how the error names the request ("A fetch", "A replica fetch")
   */
  public static ApiError limits(String what, int maxBytes, long maxWaitMs) {
    if (maxBytes > 0 && maxWaitMs >= 0) {
      return null;
    }
    return ApiError.of(
        ErrorCode.INVALID_REQUEST,
        "%s needs maxBytes > 0 and maxWaitMs >= 0, not maxBytes=%d and maxWaitMs=%d",
        what,
        maxBytes,
        maxWaitMs);
  }

  /** {@link #outOfRange} unless {@code logStart <= offset <= logEnd}, else null. */
  static ApiError range(String topicPartition, long offset, long logStart, long logEnd) {
    return offset < logStart || offset > logEnd
        ? outOfRange(topicPartition, offset, logStart, logEnd)
        : null;
  }

  /** {@code OFFSET_OUT_OF_RANGE} naming the offset, the partition and the valid range. */
  static ApiError outOfRange(String topicPartition, long offset, long logStart, long logEnd) {
    return ApiError.of(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        "Offset %d is out of range for partition %s: valid offsets are %d (log start) to %d (log"
            + " end)",
        offset,
        topicPartition,
        logStart,
        logEnd);
  }
}
