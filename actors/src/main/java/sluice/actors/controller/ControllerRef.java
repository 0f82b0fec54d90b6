package sluice.actors.controller;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;

/**
 * Where actors on this broker reach the controller singleton: its proxy, set once by the broker
 * when it starts the controller ({@link Controller#init}), or a test probe in tests. Partition
 * leaders send their ISR changes ({@link Controller.AlterPartition}) through it. Thread-safe.
 */
public final class ControllerRef implements Extension {

  /** The extension's id; {@code ControllerRef.get(system)} is the usual way in. */
  public static final ExtensionId<ControllerRef> ID = new Id();

  private volatile ActorRef<Controller.Command> ref;

  private static final class Id extends ExtensionId<ControllerRef> {
    @Override
    public ControllerRef createExtension(ActorSystem<?> system) {
      return new ControllerRef();
    }
  }

  public static ControllerRef get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private ControllerRef() {}

  /** Sets the controller's proxy; the broker calls this once, before it starts partitions. */
  public void set(ActorRef<Controller.Command> controller) {
    this.ref = controller;
  }

  /**
   * The controller's proxy.
   *
   * @throws IllegalStateException if no broker (or test) has set it on this actor system
   */
  public ActorRef<Controller.Command> ref() {
    ActorRef<Controller.Command> current = ref;
    if (current == null) {
      throw new IllegalStateException(
          "The controller proxy is not set on this actor system: Broker.start sets it when it"
              + " starts the controller");
    }
    return current;
  }
}
