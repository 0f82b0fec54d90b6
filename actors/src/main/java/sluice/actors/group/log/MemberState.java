package sluice.actors.group.log;

import java.util.Optional;

/**
 * Where a member is in its reconciliation to the target assignment, as KIP-848 names the states and
 * with Kafka's int8 codes, stored in {@link RecordValue.CurrentMemberAssignment}.
 */
public enum MemberState {
  /** The member owns exactly its target assignment. */
  STABLE(0),
  /** The member must revoke partitions before it may move to the next epoch. */
  UNREVOKED_PARTITIONS(1),
  /**
   * The member is at the latest epoch but waits for partitions their previous owners still hold.
   */
  UNRELEASED_PARTITIONS(2);

  private final byte code;

  MemberState(int code) {
    this.code = (byte) code;
  }

  /** The int8 this state is stored as. */
  public byte code() {
    return code;
  }

  /** The state stored as {@code code}, or empty if there is none. */
  public static Optional<MemberState> of(byte code) {
    for (MemberState state : values()) {
      if (state.code == code) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }
}
