package sluice.actors.consumer;

import java.util.List;

/**
 * What a request to the instance did: refused (nothing changed, no effects), or accepted with the
 * effects the driver must carry out now.
 */
public record Outcome(Rejection rejection, List<Effect> effects) {

  public Outcome {
    effects = List.copyOf(effects);
  }

  static Outcome accepted(List<Effect> effects) {
    return new Outcome(null, effects);
  }

  static Outcome refused(Rejection.Kind kind, String message) {
    return new Outcome(new Rejection(kind, message), List.of());
  }

  public boolean ok() {
    return rejection == null;
  }
}
