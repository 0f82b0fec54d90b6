package sluice.http;

import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import sluice.actors.api.ApiError;

/**
 * An error answered as the Confluent REST Proxy answers it: an HTTP status and a body {@code
 * {"error_code": <int>, "message": "..."}}. REST Proxy codes are the HTTP status times 100 plus a
 * sub-code (40401 topic not found) or the bare HTTP status when the proxy has no specific code.
 *
 * <p>The codes used, and how the broker's {@link sluice.actors.api.ErrorCode}s map onto them:
 *
 * <pre>
 *   400 / 400    malformed JSON, bad base64, bad field types, bad query parameters, bad acks
 *   400 / 40002  the broker refused the request as invalid: topic name, partitions, replication
 *                factor, configs, topic exists, invalid record/timestamp/request
 *   404 / 404    unknown endpoint, unknown cluster id or broker
 *   404 / 40401  unknown topic (known before anything was sent to the partition)
 *   404 / 40402  unknown partition of a known topic
 *   404 / 40403  the broker answered UNKNOWN_TOPIC_OR_PARTITION for a partition
 *   405 / 405    method not allowed on the endpoint
 *   406 / 40601  the records cannot be rendered in the requested embedded format
 *   408 / 408    the broker answered REQUEST_TIMED_OUT (retriable)
 *   413 / 413    request body or a record larger than allowed (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE)
 *   415 / 415    wrong Content-Type
 *   416 / 416    OFFSET_OUT_OF_RANGE (the message carries the valid range)
 *   500 / 50002  any other broker error
 *   503 / 50003  a retriable broker error (not leader, no leader, not enough replicas, storage)
 *   409 / 40904  an idempotent request's sequence does not follow the partition's last (Sluice)
 *   409 / 40905  an idempotent request's producer epoch was superseded (Sluice)
 *   503 / 50302  the broker did not answer within sluice.http.request-timeout (retriable)
 * </pre>
 */
public final class RestException extends RuntimeException {
  public static final int BAD_REQUEST = 400;
  public static final int KAFKA_BAD_REQUEST = 40002;
  public static final int NOT_FOUND = 404;
  public static final int TOPIC_NOT_FOUND = 40401;
  public static final int PARTITION_NOT_FOUND = 40402;
  public static final int UNKNOWN_TOPIC_OR_PARTITION = 40403;
  public static final int FORMAT_MISMATCH = 40601;

  /** Sluice: an idempotent request's sequence does not follow the partition's last. */
  public static final int OUT_OF_ORDER_SEQUENCE = 40904;

  /** Sluice: an idempotent request's producer epoch was superseded. */
  public static final int PRODUCER_FENCED = 40905;

  public static final int KAFKA_ERROR = 50002;
  public static final int KAFKA_RETRIABLE_ERROR = 50003;
  public static final int BROKER_NOT_AVAILABLE = 50302;

  private final StatusCode status;
  private final int errorCode;

  public RestException(StatusCode status, int errorCode, String message) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
  }

  public StatusCode status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  /** Whether the same request may succeed later. */
  public boolean retriable() {
    return status.intValue() == 408 || status.intValue() == 503;
  }

  public static RestException badRequest(String format, Object... args) {
    return new RestException(StatusCodes.BAD_REQUEST, BAD_REQUEST, String.format(format, args));
  }

  public static RestException notFound(String format, Object... args) {
    return new RestException(StatusCodes.NOT_FOUND, NOT_FOUND, String.format(format, args));
  }

  public static RestException partitionNotFound(String topic, int partition, int partitions) {
    return new RestException(
        StatusCodes.NOT_FOUND,
        PARTITION_NOT_FOUND,
        String.format(
            "Partition %d of topic '%s' not found: the topic has %d partition%s (0 to %d).",
            partition, topic, partitions, partitions == 1 ? "" : "s", partitions - 1));
  }

  public static RestException tooLarge(String format, Object... args) {
    return new RestException(StatusCodes.PAYLOAD_TOO_LARGE, 413, String.format(format, args));
  }

  public static RestException unsupportedMediaType(String actual, String allowed) {
    return new RestException(
        StatusCodes.UNSUPPORTED_MEDIA_TYPE,
        415,
        "Content-Type '" + actual + "' is not supported here; use " + allowed + ".");
  }

  public static RestException noAnswer(String what, java.time.Duration timeout) {
    return new RestException(
        StatusCodes.SERVICE_UNAVAILABLE,
        BROKER_NOT_AVAILABLE,
        "The broker did not answer " + what + " within " + timeout.toMillis() + " ms; retry.");
  }

  /**
   * The REST error for an error the broker answered.
   *
   * @param partitionLevel whether the request addressed one partition, which decides how
   *     UNKNOWN_TOPIC_OR_PARTITION reads (40403 rather than 40401)
   */
  public static RestException fromApiError(ApiError error, boolean partitionLevel) {
    String message = error.message();
    return switch (error.code()) {
      case UNKNOWN_TOPIC_OR_PARTITION ->
          partitionLevel
              ? new RestException(StatusCodes.NOT_FOUND, UNKNOWN_TOPIC_OR_PARTITION, message)
              : new RestException(StatusCodes.NOT_FOUND, TOPIC_NOT_FOUND, message);
      case OFFSET_OUT_OF_RANGE ->
          new RestException(StatusCodes.RANGE_NOT_SATISFIABLE, 416, message);
      case REQUEST_TIMED_OUT -> new RestException(StatusCodes.REQUEST_TIMEOUT, 408, message);
      case OUT_OF_ORDER_SEQUENCE_NUMBER ->
          new RestException(StatusCodes.CONFLICT, OUT_OF_ORDER_SEQUENCE, message);
      case INVALID_PRODUCER_EPOCH ->
          new RestException(StatusCodes.CONFLICT, PRODUCER_FENCED, message);
      case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE ->
          new RestException(StatusCodes.PAYLOAD_TOO_LARGE, 413, message);
      case INVALID_TOPIC_EXCEPTION,
              TOPIC_ALREADY_EXISTS,
              INVALID_PARTITIONS,
              INVALID_REPLICATION_FACTOR,
              INVALID_CONFIG,
              INVALID_REQUEST,
              INVALID_REQUIRED_ACKS,
              INVALID_TIMESTAMP,
              INVALID_RECORD ->
          new RestException(StatusCodes.BAD_REQUEST, KAFKA_BAD_REQUEST, message);
      default ->
          error.code().retriable()
              ? new RestException(StatusCodes.SERVICE_UNAVAILABLE, KAFKA_RETRIABLE_ERROR, message)
              : new RestException(StatusCodes.INTERNAL_SERVER_ERROR, KAFKA_ERROR, message);
    };
  }
}
