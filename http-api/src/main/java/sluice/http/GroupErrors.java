package sluice.http;

import akka.http.javadsl.model.StatusCodes;

/**
 * The errors of the consumer-group resources ({@link V3GroupRoutes}):
 *
 * <pre>
 *   404 / 40405  no such consumer group (the REST Proxy's CONSUMER_GROUP_ID_NOT_FOUND_ERROR_CODE)
 *   404 / 404    no such consumer in the group, no such assignment, no lag for the partition
 *   409 / 40903  the group has members: it cannot be deleted or have its offsets reset
 * </pre>
 */
final class GroupErrors {
  static final int GROUP_NOT_FOUND = 40405;

  private GroupErrors() {}

  static RestException groupNotFound(String group) {
    return new RestException(
        StatusCodes.NOT_FOUND,
        GROUP_NOT_FOUND,
        String.format("Consumer group '%s' not found.", Params.abbreviate(group)));
  }

  static RestException hasMembers(String group, String what, int members) {
    return new RestException(
        StatusCodes.CONFLICT,
        ConsumerErrors.ILLEGAL_STATE,
        String.format(
            "Consumer group '%s' has %s; %s only a group without members (stop its consumers"
                + " first).",
            Params.abbreviate(group),
            members < 0 ? "members" : members + (members == 1 ? " member" : " members"),
            what));
  }
}
