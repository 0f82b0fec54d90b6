package sluice.actors.replica;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Duration;
import sluice.actors.lease.WriteLease;
import sluice.actors.lease.WriteLeases;

/**
 * Where this broker's {@link ReplicaManager} is found; it is also the broker's write-lease granter,
 * which {@link WriteLeases} finds through {@link Leases} (named in {@code
 * sluice.replication.lease-granter}). Local only; nothing crosses the network.
 *
 * <p>The broker starts the manager ({@link #start()}) before partition leaders can start; if a
 * leader asks for a lease first (a test that starts leaders alone), the manager is started then.
 * Tests that need a manager with stand-in leaders start it with {@link #startWith} before anything
 * asks. The broker's coordinated shutdown stops it with its followers before the logs close.
 * Thread-safe.
 */
public final class LocalReplicaManager implements Extension {

  /** The extension's id; {@code LocalReplicaManager.get(system)} is the usual way in. */
  public static final ExtensionId<LocalReplicaManager> ID = new Id();

  private static final String NAME = "replica-manager";

  /** How long the shutdown waits for the followers' writes in flight. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private ActorRef<WriteLease.GranterMessage> manager; // guarded by this

  private static final class Id extends ExtensionId<LocalReplicaManager> {
    @Override
    public LocalReplicaManager createExtension(ActorSystem<?> system) {
      return new LocalReplicaManager(system);
    }
  }

  /** The broker's lease granter for {@link WriteLeases}: this broker's manager. */
  public static final class Leases implements WriteLeases.Granter {
    @Override
    public ActorRef<WriteLease.GranterMessage> granter(ActorSystem<?> system) {
      return get(system).leases();
    }
  }

  public static LocalReplicaManager get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private LocalReplicaManager(ActorSystem<?> system) {
    this.system = system;
  }

  /** Starts the broker's manager (followers fetch from the sharded leaders) unless it runs. */
  public synchronized ActorRef<ReplicaManager.Command> start() {
    if (manager == null) {
      spawn(ReplicaManager.create(system));
    }
    return manager.narrow();
  }

  /**
   * Starts {@code behavior} as the broker's manager.
   *
   * @throws IllegalStateException if a manager runs already
   */
  public synchronized ActorRef<ReplicaManager.Command> startWith(
      Behavior<WriteLease.GranterMessage> behavior) {
    if (manager != null) {
      throw new IllegalStateException(
          "The replica manager of " + system.name() + " is running already: " + manager);
    }
    return spawn(behavior).narrow();
  }

  /**
   * Spawns the manager and stops it in the coordinated shutdown phase {@code
   * cluster-sharding-shutdown-region}, beside the partition leaders and before {@link
   * sluice.actors.journal.Logs} closes the logs, so no follower writes a closed log.
   */
  private ActorRef<WriteLease.GranterMessage> spawn(Behavior<WriteLease.GranterMessage> behavior) {
    ActorRef<WriteLease.GranterMessage> ref = system.systemActorOf(behavior, NAME, Props.empty());
    manager = ref;
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseClusterShardingShutdownRegion(),
            "sluice-stop-followers",
            () ->
                AskPattern.<WriteLease.GranterMessage, Done>ask(
                    ref, ReplicaManager.Stop::new, STOP_TIMEOUT, system.scheduler()));
    return ref;
  }

  /** The manager, started now if it is not running yet. */
  public ActorRef<ReplicaManager.Command> manager() {
    return start();
  }

  /** The manager as the broker's write-lease granter, started now if it is not running yet. */
  public synchronized ActorRef<WriteLease.GranterMessage> leases() {
    start();
    return manager.narrow();
  }
}
