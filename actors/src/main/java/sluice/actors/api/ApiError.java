package sluice.actors.api;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * An error in a reply: the code and a message that names what was wrong, with the values (the
 * topic, the offset and the valid range, the size and the limit).
 */
public record ApiError(ErrorCode code, String message) implements CborSerializable {
  public ApiError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    if (code == ErrorCode.NONE) {
      throw new IllegalArgumentException("an ApiError needs a code other than NONE");
    }
  }

  public static ApiError of(ErrorCode code, String format, Object... args) {
    return new ApiError(code, String.format(format, args));
  }

  /**
   * The error of an ask to {@code who} that failed with {@code failure}: {@code REQUEST_TIMED_OUT}
   * when it was not answered in time (retriable, as Kafka's clients take it), {@code
   * UNKNOWN_SERVER_ERROR} naming the cause otherwise.
   */
  public static ApiError ofFailedAsk(String who, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof TimeoutException) {
      return of(
          ErrorCode.REQUEST_TIMED_OUT, "%s did not answer in time: %s", who, cause.getMessage());
    }
    return of(ErrorCode.UNKNOWN_SERVER_ERROR, "%s failed: %s", who, cause);
  }
}
