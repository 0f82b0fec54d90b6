package sluice.actors.group.state;

/** A consumer group's state, as Kafka names them ({@code kafka-consumer-groups --describe}). */
public enum GroupState {
  /** No members (offsets may remain). */
  EMPTY,
  /** The group epoch moved past the target assignment's: a new target is due. */
  ASSIGNING,
  /** Some member has not reached the target assignment yet. */
  RECONCILING,
  /** Every member owns its target assignment at the target's epoch. */
  STABLE,
  /** The group does not exist (never did, or was deleted). */
  DEAD;
}
