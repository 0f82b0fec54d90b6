package sluice.http;

import akka.http.javadsl.model.StatusCodes;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.consumer.Rejection;

/**
 * The REST Proxy's errors of its v2 consumer API, and the mapping of a consumer instance's {@link
 * Rejection}s and of its entity's {@link Failure}s onto them. Codes and statuses are the REST
 * Proxy's (its {@code Errors} class) except where noted; {@code docs/http-api.md}, "Consumer
 * instances", lists them.
 *
 * <pre>
 *   404 / 40403  consumer instance not found
 *   406 / 40601  the Accept header asks for another embedded format than the instance's
 *   409 / 40902  a consumer instance of that name exists in the group
 *   409 / 40903  illegal state: subscription kinds mixed, a partition not assigned, no offset,
 *                a commit the coordinator refused (ours: stale member epoch, partition not owned)
 *   400 / 40002  a request the instance found invalid as sent (an offset, a regex)
 *   422 / 42204  invalid consumer configuration (REST Proxy answers 40001 for fetch.min.bytes and
 *                422 for an unknown format; we use 42204 for every invalid setting)
 * </pre>
 */
final class ConsumerErrors {
  static final int INSTANCE_NOT_FOUND = 40403;
  static final int ALREADY_EXISTS = 40902;
  static final int ILLEGAL_STATE = 40903;
  static final int INVALID_CONFIG = 42204;

  private ConsumerErrors() {}

  static RestException instanceNotFound(String group, String instance) {
    return new RestException(
        StatusCodes.NOT_FOUND,
        INSTANCE_NOT_FOUND,
        String.format(
            "Consumer instance not found: group '%s' has no instance '%s'.",
            Params.abbreviate(group), Params.abbreviate(instance)));
  }

  static RestException alreadyExists(String group, String instance) {
    return new RestException(
        StatusCodes.CONFLICT,
        ALREADY_EXISTS,
        String.format(
            "Consumer with specified consumer ID already exists in the specified consumer group:"
                + " '%s' in group '%s'.",
            Params.abbreviate(instance), Params.abbreviate(group)));
  }

  static RestException invalidConfig(String format, Object... args) {
    return new RestException(
        StatusCodes.UNPROCESSABLE_ENTITY,
        INVALID_CONFIG,
        "Invalid consumer configuration: " + String.format(format, args));
  }

  static RestException formatMismatch(String instanceFormat, String accepted) {
    return new RestException(
        StatusCodes.NOT_ACCEPTABLE,
        RestException.FORMAT_MISMATCH,
        String.format(
            "The requested embedded data format does not match the deserializer for this consumer"
                + " instance: it was created with format %s, the Accept header asks for '%s'.",
            instanceFormat, Params.abbreviate(accepted)));
  }

  /**
   * A request the instance refused. Kafka's consumer throws IllegalStateException for each of
   * these, which the REST Proxy answers 409 / 40903; a poll without offset (Kafka's
   * NoOffsetForPartitionException, a 500 / 50002 from the REST Proxy) is 40903 too, our choice: the
   * client fixes it with a seek.
   */
  static RestException fromRejection(Rejection rejection) {
    return new RestException(
        StatusCodes.CONFLICT, ILLEGAL_STATE, "Illegal state: " + rejection.message());
  }

  /**
   * The error for what the instance entity answered instead of doing a request of {@code instance}
   * of {@code group}. {@code creating}: the request was a create, whose only invalid part can be a
   * setting (42204); any other request's {@code INVALID} is 400 / 40002, as the broker's other
   * refusals of an invalid request. A commit the coordinator refused is 409 / 40903, our choice
   * (Kafka's consumer throws CommitFailedException, which the REST Proxy answers 500 / 50002): the
   * partitions moved to another member, and the client recovers by polling again. A broker error is
   * answered as the rest of the API answers it ({@link RestException#fromApiError}).
   */
  static RestException fromFailure(
      Failure failure, String group, String instance, boolean creating) {
    return switch (failure.kind()) {
      case UNKNOWN_INSTANCE -> instanceNotFound(group, instance);
      case ALREADY_EXISTS -> alreadyExists(group, instance);
      case ILLEGAL_STATE, NO_OFFSET ->
          new RestException(
              StatusCodes.CONFLICT, ILLEGAL_STATE, "Illegal state: " + failure.message());
      case COMMIT_REFUSED ->
          new RestException(
              StatusCodes.CONFLICT, ILLEGAL_STATE, "Commit refused: " + failure.message());
      case INVALID ->
          creating
              ? invalidConfig("%s", failure.message())
              : new RestException(
                  StatusCodes.BAD_REQUEST, RestException.KAFKA_BAD_REQUEST, failure.message());
      case BROKER ->
          failure.apiError() != null
              ? RestException.fromApiError(failure.apiError(), false)
              : new RestException(
                  StatusCodes.INTERNAL_SERVER_ERROR, RestException.KAFKA_ERROR, failure.message());
    };
  }
}
