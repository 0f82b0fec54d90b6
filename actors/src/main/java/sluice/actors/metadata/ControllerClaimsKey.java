package sluice.actors.metadata;

import akka.cluster.ddata.GSet;
import akka.cluster.ddata.GSetKey;
import akka.cluster.ddata.Key;

/**
 * The Distributed Data key of controller epoch claims: every starting controller adds "{@code
 * <epoch> <node>}" before it raises {@link ControllerEpochKey}, and reads the claims back from a
 * quorum after; it holds the epoch only if no other node claimed it or a higher one. The epoch
 * register alone cannot tell two claimers of one epoch apart (its merge keeps one of them and both
 * writes succeed); of two claimers that each write then read a quorum, at least one sees the
 * other's claim, because quorums intersect. Grow-only and durable: one short entry per controller
 * start.
 */
public final class ControllerClaimsKey {
  public static final Key<GSet<String>> KEY = GSetKey.create("sluice-controller-claims");

  private ControllerClaimsKey() {}

  /** The claim of {@code epoch} by {@code node}. */
  public static String claim(int epoch, String node) {
    return epoch + " " + node;
  }

  /** The epoch of a claim. */
  public static int epoch(String claim) {
    return Integer.parseInt(claim.substring(0, claim.indexOf(' ')));
  }

  /** The node of a claim. */
  public static String node(String claim) {
    return claim.substring(claim.indexOf(' ') + 1);
  }
}
