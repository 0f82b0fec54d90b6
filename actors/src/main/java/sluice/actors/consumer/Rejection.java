package sluice.actors.consumer;

import java.util.Objects;

/** Why the instance refused a request; nothing changed. The message names what was wrong. */
public record Rejection(Kind kind, String message) {

  public enum Kind {
    /**
     * Subscribing by topics, by pattern and assigning by hand are mutually exclusive (Kafka's
     * {@code IllegalStateException}; the REST Proxy answers 409 / 40903).
     */
    SUBSCRIPTION_CONFLICT,
    /** A seek or commit of a partition the instance is not assigned (Kafka's IllegalState). */
    NOT_ASSIGNED,
    /** A poll met a partition with no committed offset and {@code auto.offset.reset=none}. */
    NO_OFFSET
  }

  public Rejection {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }
}
