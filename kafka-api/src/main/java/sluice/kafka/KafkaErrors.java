package sluice.kafka;

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
}
