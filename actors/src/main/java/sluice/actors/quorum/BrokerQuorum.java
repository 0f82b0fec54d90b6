package sluice.actors.quorum;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.actor.typed.eventstream.EventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's view of its quorum ({@link QuorumState}), the one every actor of the broker reads
 * before it changes metadata or acknowledges a write: a volatile read, no message. It follows
 * membership and reachability through {@link QuorumWatcher}, or a test's {@link QuorumSetup} if the
 * system has one. Every change is published on the system's event stream, so an actor that must act
 * when the quorum returns (the controller's elections) subscribes with {@link #subscribe}. Losing
 * and regaining the quorum is logged once each, with the counts.
 *
 * <p>The number of configured brokers is {@link ConfiguredBrokers#count()}. See {@code
 * docs/control-plane.md}, "The quorum rule".
 *
 * <p>Thread-safe.
 */
public final class BrokerQuorum implements Extension {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerQuorum.class);

  public static final ExtensionId<BrokerQuorum> ID = new Id();

  private static final class Id extends ExtensionId<BrokerQuorum> {
    @Override
    public BrokerQuorum createExtension(ActorSystem<?> system) {
      return new BrokerQuorum(system);
    }
  }

  public static BrokerQuorum get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final ActorSystem<?> system;
  private volatile QuorumState state;

  private BrokerQuorum(ActorSystem<?> system) {
    this.system = system;
    int configured = ConfiguredBrokers.fromConfig(system.settings().config()).count();
    var manual = system.settings().setup().get(QuorumSetup.class);
    if (manual.isPresent()) {
      this.state = manual.get().bind(this);
    } else {
      // Until the watcher has the membership: no one is counted, so N > 1 has no quorum yet.
      this.state = new QuorumState(configured, 0, 1);
      system.systemActorOf(QuorumWatcher.create(this, configured), "sluice-quorum", Props.empty());
    }
  }

  /** What this broker sees now. */
  public QuorumState current() {
    return state;
  }

  /** Sends {@code subscriber} every later change; read {@link #current()} for the state now. */
  public void subscribe(ActorRef<QuorumState> subscriber) {
    system.eventStream().tell(new EventStream.Subscribe<>(QuorumState.class, subscriber));
  }

  void update(QuorumState next) {
    QuorumState previous = state;
    if (next.equals(previous)) {
      return;
    }
    state = next;
    if (previous.present() && !next.present()) {
      LOG.warn(
          "Quorum lost: this broker sees {}; it changes no metadata and acknowledges no write"
              + " until it sees a quorum again",
          next.describe());
    } else if (!previous.present() && next.present()) {
      LOG.info("Quorum regained: this broker sees {}", next.describe());
    } else {
      LOG.debug("Quorum view: {}, {} members", next.describe(), next.members());
    }
    system.eventStream().tell(new EventStream.Publish<>(next));
  }
}
