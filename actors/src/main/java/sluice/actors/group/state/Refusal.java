package sluice.actors.group.state;

import java.util.Objects;

/** Why one partition of a request was refused, and what was wrong, in words. */
public record Refusal(GroupError error, String message) {
  public Refusal {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(message, "message");
  }
}
