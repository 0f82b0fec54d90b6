package sluice.actors.controller;

import java.util.Collection;
import sluice.actors.metadata.ControllerClaimsKey;

/**
 * Whether a controller holds the epoch it claimed, from the claims it read back from a quorum
 * ({@link ControllerClaimsKey}): not if another node claimed the same epoch or a higher one. Both
 * claimers of one epoch may give up (each then claims a higher one after a random pause); never
 * both hold it. Stateless.
 */
final class EpochClaims {
  private EpochClaims() {}

  /** The first claim that contests {@code node}'s claim of {@code epoch}, or null if none does. */
  static String contest(Collection<String> claims, int epoch, String node) {
    for (String claim : claims) {
      if (ControllerClaimsKey.epoch(claim) >= epoch
          && !ControllerClaimsKey.node(claim).equals(node)) {
        return claim;
      }
    }
    return null;
  }
}
