package sluice.actors.lease;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;

/**
 * Where a partition leader starting on this broker finds the broker's write-lease granter ({@link
 * WriteLease}). The granter is whatever {@code sluice.replication.lease-granter} names: a class
 * with a public no-argument constructor implementing {@link Granter} (by default the replica
 * manager's, {@code sluice.actors.replica.LocalReplicaManager$Leases}), the way Akka names its
 * journal plugins, so that this package and the partition leader never import the replica package.
 * The granter is asked on every call, so it may start on first use (a test that starts partition
 * leaders alone).
 *
 * <p>Thread-safe.
 */
public final class WriteLeases implements Extension {

  /** The extension's id; {@code WriteLeases.get(system)} is the usual way in. */
  public static final ExtensionId<WriteLeases> ID = new Id();

  private static final String GRANTER_KEY = "sluice.replication.lease-granter";

  /** Finds (or starts) the lease granter of a broker. */
  public interface Granter {
    /** This broker's lease granter, started if it is not running yet. */
    ActorRef<WriteLease.GranterMessage> granter(ActorSystem<?> system);
  }

  private static final class Id extends ExtensionId<WriteLeases> {
    @Override
    public WriteLeases createExtension(ActorSystem<?> system) {
      return new WriteLeases(system);
    }
  }

  private final ActorSystem<?> system;
  private final Granter granter;

  public static WriteLeases get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private WriteLeases(ActorSystem<?> system) {
    this.system = system;
    String className = system.settings().config().getString(GRANTER_KEY);
    try {
      this.granter =
          Class.forName(className, true, system.dynamicAccess().classLoader())
              .asSubclass(Granter.class)
              .getConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          GRANTER_KEY + " = " + className + " is not a class implementing " + Granter.class, e);
    }
  }

  /** This broker's lease granter, started if it is not running yet. */
  public ActorRef<WriteLease.GranterMessage> granter() {
    return granter.granter(system);
  }
}
