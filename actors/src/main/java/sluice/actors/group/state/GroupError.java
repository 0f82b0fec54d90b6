package sluice.actors.group.state;

/**
 * Why the state machine refused a request, by Kafka's error names (and meanings) except where
 * noted. A refused request writes nothing.
 */
public enum GroupError {
  /**
   * The member's epoch is not one the coordinator accepts: it must drop its partitions and rejoin.
   */
  FENCED_MEMBER_EPOCH,
  /** No member by that id (or that static member's instance id) is in the group. */
  UNKNOWN_MEMBER_ID,
  /** A static member joins under an instance id that a live member still holds. */
  UNRELEASED_INSTANCE_ID,
  /** The instance id belongs to another member id: this one was replaced. */
  FENCED_INSTANCE_ID,
  /** The member asked for an assignor this broker does not have. */
  UNSUPPORTED_ASSIGNOR,
  /** A field is missing or out of range; the message names it. */
  INVALID_REQUEST,
  /** The subscription regex does not compile. */
  INVALID_REGULAR_EXPRESSION,
  /** The group has {@code group.consumer.max.size} members already. */
  GROUP_MAX_SIZE_REACHED,
  /** An offset commit from a member whose epoch is not its current one. */
  STALE_MEMBER_EPOCH,
  /**
   * Sluice's own: an offset commit for a partition the member neither owns nor is revoking. Kafka's
   * coordinator checks only the epoch; a Kafka-protocol front door answers STALE_MEMBER_EPOCH.
   */
  PARTITION_NOT_OWNED,
  /** Commit metadata longer than {@code offset.metadata.max.bytes}. */
  OFFSET_METADATA_TOO_LARGE,
  /** Offsets of a topic some member subscribes to cannot be deleted. */
  GROUP_SUBSCRIBED_TO_TOPIC,
  /** The group has members, so it cannot be deleted. */
  NON_EMPTY_GROUP,
  /** No such group. */
  GROUP_ID_NOT_FOUND,
  /**
   * Sluice's own: an HTTP consumer instance of that name already exists in the group, under another
   * member id (the REST Proxy's 40902).
   */
  CONSUMER_INSTANCE_EXISTS,
  /** Sluice's own: no HTTP consumer instance of that name in the group (the REST Proxy's 40403). */
  UNKNOWN_CONSUMER_INSTANCE
}
