package sluice.actors.quorum;

import akka.actor.NoSerializationVerificationNeeded;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

/**
 * Whether a broker sees a quorum of the configured brokers at one moment, with the counts that
 * decide it, so that a refusal can say how far the broker is from one. Immutable; published on the
 * local event stream only, never sent to another broker.
 *
 * @param configured N, the brokers the cluster is configured with ({@code
 *     sluice.cluster.contact-points}; 1 when none are listed)
 * @param reachable the brokers this one sees together with itself: itself and the other members
 *     that are {@code Up} and reachable ({@link QuorumRule})
 * @param members the cluster members Distributed Data writes to: {@code Up} or {@code Leaving},
 *     reachable or not, this broker included
 */
public record QuorumState(int configured, int reachable, int members)
    implements NoSerializationVerificationNeeded {

  public QuorumState {
    if (configured < 1 || reachable < 0 || members < 0) {
      throw new IllegalArgumentException(
          "A quorum state needs configured >= 1 and counts >= 0, not configured="
              + configured
              + ", reachable="
              + reachable
              + ", members="
              + members);
    }
  }

  /** A broker configured on its own: always its own quorum. */
  public static QuorumState alone() {
    return new QuorumState(1, 1, 1);
  }

  /** N/2 + 1, rounded down: the fewest configured brokers that make a majority of them. */
  public int needed() {
    return configured / 2 + 1;
  }

  /**
   * Whether this broker may change metadata and acknowledge writes. A broker configured alone
   * always may: it has no one to be cut off from.
   */
  public boolean present() {
    return configured == 1 || reachable >= needed();
  }

  /**
   * How many replicas a metadata write or read must reach ({@code WriteTo}/{@code ReadFrom}): a
   * quorum of the configured brokers, and never fewer than a majority of the current members (what
   * {@code WriteMajority} asked before), so two such writes always meet on one broker.
   */
  public int replicasToReach() {
    return Math.max(needed(), members / 2 + 1);
  }

  /**
   * The retriable {@link ErrorCode#NO_QUORUM} for a request this broker cannot serve now.
   *
   * @param refused what was not done, as a sentence, e.g. "Topic 'x' was not created"
   */
  public ApiError error(String refused) {
    return ApiError.of(
        ErrorCode.NO_QUORUM,
        "%s (NO_QUORUM): this broker sees %d of the %d configured brokers, %d are needed for a"
            + " quorum; retry once the brokers are back together",
        refused,
        reachable,
        configured,
        needed());
  }

  /** For logs: "2 of 3 configured brokers (2 needed)". */
  public String describe() {
    return String.format(
        "%d of %d configured brokers (%d needed)", reachable, configured, needed());
  }
}
