package sluice.actors.broker;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.journal.DataDirHealth;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;

/**
 * This broker's entry in {@link BrokersKey}: written when the broker starts, and again whenever its
 * data directory goes offline or comes back ({@link DataDirHealth}), so that the controller moves
 * leadership off a broker that cannot write and lets it back into ISRs once it can.
 *
 * <p>A change is written to every reachable replica at once ({@code WriteAll}) rather than left to
 * gossip, to shorten the time until the controller moves leadership; a replica it does not reach
 * gets it by gossip. The key is not durable, so the write never touches the failing disk. Each
 * write computes the registration from the directory's state when the replicator applies it, not
 * when it was sent, so writes sent from different threads in a quick offline-online succession
 * cannot leave a stale state behind: the last one applied reads the last state.
 *
 * <p>Thread-safe.
 */
final class Registration {
  private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

  /** How long a change's write waits for the replicas; those it misses get it by gossip. */
  private static final Duration ANNOUNCE_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<?> system;
  private final BrokerSettings settings;
  private final SelfUniqueAddress node;
  private final String address;
  private final String kafkaHost;
  private final int kafkaPort;
  private volatile DataDirHealth health;

  /**
   * @param kafkaHost where Kafka clients reach this broker, null without a Kafka listener
   * @param kafkaPort the Kafka listener's bound port, 0 without one
   */
  Registration(ActorSystem<?> system, BrokerSettings settings, String kafkaHost, int kafkaPort) {
    this.system = system;
    this.settings = settings;
    this.kafkaHost = kafkaHost;
    this.kafkaPort = kafkaPort;
    this.node = DistributedData.get(system).selfUniqueAddress();
    this.address = Cluster.get(system).selfMember().address().toString();
  }

  /** Writes the registration locally (gossip spreads it); the stage completes once written. */
  CompletionStage<Replicator.UpdateResponse<LWWMap<String, BrokerRegistration>>> register() {
    return AskPattern.ask(
        DistributedData.get(system).replicator(),
        (ActorRef<Replicator.UpdateResponse<LWWMap<String, BrokerRegistration>>> replyTo) ->
            update(Replicator.writeLocal(), replyTo),
        settings.startTimeout(),
        system.scheduler());
  }

  /**
   * From now on the registration names the offline data directory of {@code health} while it is
   * offline; written now, and again at every change of its state.
   */
  void follow(DataDirHealth health) {
    this.health = health;
    Consumer<DataDirHealth.State> onChange = state -> announce();
    health.subscribe(onChange);
    if (!health.isOnline()) {
      announce();
    }
  }

  private void announce() {
    LOG.info(
        "Announcing broker {}'s data directory {} as {}",
        settings.brokerId(),
        health.dataDir(),
        health.isOnline() ? "online" : "offline");
    DistributedData.get(system)
        .replicator()
        .tell(update(new Replicator.WriteAll(ANNOUNCE_TIMEOUT), system.ignoreRef()));
  }

  private Replicator.Update<LWWMap<String, BrokerRegistration>> update(
      Replicator.WriteConsistency consistency,
      ActorRef<Replicator.UpdateResponse<LWWMap<String, BrokerRegistration>>> replyTo) {
    return new Replicator.Update<>(
        BrokersKey.KEY,
        LWWMap.empty(),
        consistency,
        replyTo,
        map -> map.put(node, Integer.toString(settings.brokerId()), current()));
  }

  /** The registration with the directory's state now. */
  private BrokerRegistration current() {
    DataDirHealth followed = health;
    List<String> offline =
        followed == null || followed.isOnline()
            ? List.of()
            : List.of(followed.dataDir().toString());
    return new BrokerRegistration(
        settings.brokerId(),
        settings.httpHost(),
        settings.httpPort(),
        address,
        offline,
        kafkaHost,
        kafkaPort);
  }
}
