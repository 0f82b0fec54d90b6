package sluice.actors.quorum;

import akka.actor.setup.Setup;

/**
 * A quorum view driven by hand instead of by the cluster: put it in the actor system's {@code
 * ActorSystemSetup} and {@link BrokerQuorum} follows {@link #set} rather than membership, so a test
 * can take a broker's quorum away and give it back without cutting a network. Extensions take no
 * arguments, so this comes with the system, as {@code LogsSetup} does. Thread-safe.
 */
public final class QuorumSetup extends Setup {
  private volatile QuorumState state;
  private volatile BrokerQuorum bound;

  private QuorumSetup(QuorumState initial) {
    this.state = initial;
  }

  /** A view that starts at {@code initial}. */
  public static QuorumSetup manual(QuorumState initial) {
    return new QuorumSetup(initial);
  }

  /** Makes the broker see {@code next}, as if membership had changed. */
  public void set(QuorumState next) {
    state = next;
    BrokerQuorum quorum = bound;
    if (quorum != null) {
      quorum.update(next);
    }
  }

  QuorumState bind(BrokerQuorum quorum) {
    bound = quorum;
    return state;
  }
}
