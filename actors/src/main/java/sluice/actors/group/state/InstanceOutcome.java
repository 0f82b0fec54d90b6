package sluice.actors.group.state;

/**
 * The answer to a request about an HTTP consumer instance's record: the instance (as committed
 * after a put, as stored for a get, as it was before a delete), or why the request was refused.
 * Exactly one of the two is non-null.
 */
public record InstanceOutcome(StoredInstance instance, Refusal refusal) {
  public InstanceOutcome {
    if ((instance == null) == (refusal == null)) {
      throw new IllegalArgumentException("an instance outcome is an instance or a refusal");
    }
  }

  static InstanceOutcome of(StoredInstance instance) {
    return new InstanceOutcome(instance, null);
  }

  static InstanceOutcome refused(GroupError error, String message) {
    return new InstanceOutcome(null, new Refusal(error, message));
  }
}
