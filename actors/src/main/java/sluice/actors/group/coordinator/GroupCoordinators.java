package sluice.actors.group.coordinator;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.gateway.PartitionLeaders;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.metadata.MetadataSnapshot;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * A broker's group coordinators: one {@link GroupCoordinator} per partition of {@code
 * __consumer_offsets} this broker leads, for the leader epoch it leads in. It follows the
 * partitions with a replica here ({@link MetadataView#subscribeReplicas}), starts a coordinator
 * when the broker becomes a partition's leader, and stops it when the leader or the leader epoch
 * changes (a new epoch gets a new coordinator, which loads again). Front doors reach it through the
 * Receptionist under {@link #serviceKey}{@code (brokerId)}; it hands each request to the
 * coordinator of its partition, or answers {@code NOT_COORDINATOR} (retriable) naming the leader it
 * knows. A coordinator that stopped on its own (a corrupt record) is not restarted until the
 * partition's leadership changes.
 */
public final class GroupCoordinators {

  public sealed interface Command extends CborSerializable {}

  /**
   * {@code request} for the coordinator of partition {@code partition} of {@code
   * __consumer_offsets}.
   */
  public record Deliver(int partition, GroupRequest<?> request) implements Command {}

  private record Replicas(MetadataView.ReplicasChanged changed)
      implements Command, NoSerializationVerificationNeeded {}

  private record Stopped(int partition, ActorRef<GroupCoordinator.Serve> coordinator)
      implements Command, NoSerializationVerificationNeeded {}

  /** Where front doors find broker {@code brokerId}'s coordinators. */
  public static ServiceKey<Command> serviceKey(int brokerId) {
    return ServiceKey.create(Command.class, "sluice-group-coordinators-" + brokerId);
  }

  /** What the broker's coordinators are built from. */
  public record Wiring(
      int brokerId, GroupSettings settings, PartitionLeaders leaders, Clock clock) {}

  private record Running(int leaderEpoch, ActorRef<GroupCoordinator.Serve> coordinator) {}

  public static Behavior<Command> create(Wiring wiring) {
    return Behaviors.setup(context -> new GroupCoordinators(context, wiring).start());
  }

  private final ActorContext<Command> context;
  private final Wiring wiring;
  private final MetadataView view;
  private final Map<Integer, Running> running = new HashMap<>();

  /** Partitions whose coordinator stopped on its own, and the leader epoch it stopped in. */
  private final Map<Integer, Integer> failed = new HashMap<>();

  private int started;

  private GroupCoordinators(ActorContext<Command> context, Wiring wiring) {
    this.context = context;
    this.wiring = wiring;
    this.view = MetadataView.get(context.getSystem());
  }

  private Behavior<Command> start() {
    view.subscribeReplicas(
        wiring.brokerId(),
        context.messageAdapter(MetadataView.ReplicasChanged.class, Replicas::new));
    context
        .getSystem()
        .receptionist()
        .tell(Receptionist.register(serviceKey(wiring.brokerId()), context.getSelf()));
    return Behaviors.receive(Command.class)
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(Replicas.class, r -> onMetadata(r.changed().snapshot()))
        .onMessage(Stopped.class, this::onStopped)
        .build();
  }

  private Behavior<Command> onDeliver(Deliver deliver) {
    Running coordinator = running.get(deliver.partition());
    if (coordinator != null) {
      coordinator.coordinator().tell(new GroupCoordinator.Serve(deliver.request()));
    } else {
      GroupDecisions.refuse(deliver.request(), notCoordinator(deliver.partition()));
    }
    return Behaviors.same();
  }

  private ApiError notCoordinator(int partition) {
    Optional<PartitionAssignment> assignment = view.partition(OffsetsTopic.NAME, partition);
    return ApiError.of(
        ErrorCode.NOT_COORDINATOR,
        "Broker %d is not the coordinator of %s-%d: %s",
        wiring.brokerId(),
        OffsetsTopic.NAME,
        partition,
        assignment
            .map(a -> "broker " + a.leader() + " leads it in leader epoch " + a.leaderEpoch())
            .orElse("the partition is not in this broker's metadata"));
  }

  /** Starts and stops coordinators so that they match the partitions this broker leads. */
  private Behavior<Command> onMetadata(MetadataSnapshot snapshot) {
    Map<Integer, Integer> led = new HashMap<>();
    TopicMetadata topic = snapshot.topic(OffsetsTopic.NAME).orElse(null);
    if (topic != null) {
      for (PartitionAssignment p : topic.partitions()) {
        if (p.leader() == wiring.brokerId()) {
          led.put(p.partition(), p.leaderEpoch());
        }
      }
    }
    for (var entry : Map.copyOf(running).entrySet()) {
      Integer epoch = led.get(entry.getKey());
      if (epoch == null || epoch != entry.getValue().leaderEpoch()) {
        context
            .getLog()
            .info(
                "Stopping the coordinator of {}-{} (leader epoch {}): {}",
                OffsetsTopic.NAME,
                entry.getKey(),
                entry.getValue().leaderEpoch(),
                epoch == null ? "no longer led here" : "leader epoch is now " + epoch);
        context.stop(entry.getValue().coordinator());
        running.remove(entry.getKey());
      }
    }
    led.forEach(
        (partition, epoch) -> {
          if (!running.containsKey(partition) && !epoch.equals(failed.get(partition))) {
            startCoordinator(partition, epoch);
          }
        });
    return Behaviors.same();
  }

  private void startCoordinator(int partition, int leaderEpoch) {
    ActorRef<GroupCoordinator.Serve> coordinator =
        context.spawn(
            GroupCoordinator.create(
                new GroupCoordinator.Context(
                    partition, leaderEpoch, wiring.settings(), wiring.leaders(), wiring.clock())),
            "offsets-" + partition + "-epoch-" + leaderEpoch + "-" + (++started));
    context.watchWith(coordinator, new Stopped(partition, coordinator));
    running.put(partition, new Running(leaderEpoch, coordinator));
  }

  private Behavior<Command> onStopped(Stopped stopped) {
    Running current = running.get(stopped.partition());
    if (current != null && current.coordinator().equals(stopped.coordinator())) {
      context
          .getLog()
          .error(
              "The coordinator of {}-{} stopped on its own; its groups are unavailable on this"
                  + " broker until the partition's leadership changes",
              OffsetsTopic.NAME,
              stopped.partition());
      running.remove(stopped.partition());
      failed.put(stopped.partition(), current.leaderEpoch());
    }
    return Behaviors.same();
  }
}
