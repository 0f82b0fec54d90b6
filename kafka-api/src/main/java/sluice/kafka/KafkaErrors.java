package sluice.kafka;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

/**
 * Sluice's errors as Kafka error codes. {@link ErrorCode} already carries Kafka's numbers; the one
 * code of Sluice's own, {@code NO_QUORUM}, becomes {@code NOT_ENOUGH_REPLICAS} for a produce and
 * {@code REQUEST_TIMED_OUT} otherwise, both retriable as it is. Stateless.
 */
final class KafkaErrors {
  private KafkaErrors() {}

  /** The code to answer a produce with for {@code error}; {@code NONE} for null. */
  static short produceCode(ApiError error) {
    if (error == null) {
      return Errors.NONE.code();
    }
    return error.code() == ErrorCode.NO_QUORUM
        ? Errors.NOT_ENOUGH_REPLICAS.code()
        : (short) error.code().code();
  }

  /** The code to answer any other request with for {@code error}; {@code NONE} for null. */
  static short code(ApiError error) {
    if (error == null) {
      return Errors.NONE.code();
    }
    return error.code() == ErrorCode.NO_QUORUM
        ? Errors.REQUEST_TIMED_OUT.code()
        : (short) error.code().code();
  }

  /** A failed ask to the gateway: its timeout, or anything else, named. */
  static ApiError failure(String what, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof TimeoutException) {
      return ApiError.of(
          ErrorCode.REQUEST_TIMED_OUT, "%s was not answered in time: %s", what, cause.getMessage());
    }
    return ApiError.of(ErrorCode.UNKNOWN_SERVER_ERROR, "%s failed: %s", what, cause);
  }
}
