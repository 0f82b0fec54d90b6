package sluice.actors.api;

import java.util.Objects;

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
}
