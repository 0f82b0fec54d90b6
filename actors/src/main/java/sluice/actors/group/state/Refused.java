package sluice.actors.group.state;

/**
 * A request the state machine refuses, thrown inside a decision and turned into the response's
 * error at its edge; the decision's draft, and so every record it had, is dropped.
 */
final class Refused extends RuntimeException {
  private final GroupError error;

  Refused(GroupError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  GroupError error() {
    return error;
  }
}
