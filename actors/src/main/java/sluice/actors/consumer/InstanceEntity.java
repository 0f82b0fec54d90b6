package sluice.actors.consumer;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import sluice.actors.api.ApiError;
import sluice.actors.consumer.InstanceCommand.Create;
import sluice.actors.consumer.InstanceCommand.Done;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.consumer.InstanceCommand.Kind;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupGateway;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.coordinator.GroupRequest.InstanceReply;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.StoredInstance;
import sluice.actors.metadata.MetadataSnapshot;

/**
 * An HTTP consumer instance as a Cluster Sharding entity ({@link InstanceEntities#TYPE_KEY}): its
 * life from load to deletion. It starts by reading its durable record from its group's coordinator
 * ({@link GroupRequest.GetInstance}); with none it only takes a {@link Create}, which writes the
 * record first. A live instance is served by {@link LiveInstance}. Deleting, or idling past {@code
 * consumer-instance-timeout}, commits (with auto-commit), leaves the group, deletes the record and
 * stops. If the broker hosting it dies, the next request starts it on another broker from the
 * record: same member id, settings and subscription, positions from the committed offsets.
 *
 * <p>Requests that arrive while the record is read or written wait (stashed); if the coordinator
 * cannot be reached they are answered with its error and the entity stops, so the next request
 * tries again.
 */
public final class InstanceEntity {
  private static final int STASH = 1_000;

  /**
   * What every instance entity on a broker is built from.
   *
   * @param host where instances are served, as the coordinator shows their members
   * @param metadata the broker's current metadata view: topic names by id, pattern matches
   */
  public record Wiring(
      ActorRef<Gateway.Command> gateway,
      ActorRef<GroupGateway.Command> groups,
      InstanceSettings settings,
      Clock clock,
      String host,
      Supplier<MetadataSnapshot> metadata) {}

  /** Starts the entity type on this broker; its refs: {@link InstanceEntities#refs}. */
  public static void init(ActorSystem<?> system, Wiring wiring) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    InstanceEntities.TYPE_KEY,
                    context -> create(context.getEntityId(), context.getShard(), wiring))
                .withStopMessage(new Stop())
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  static Behavior<InstanceCommand> create(
      String entityId, ActorRef<ClusterSharding.ShardCommand> shard, Wiring wiring) {
    String[] ids = InstanceEntities.parse(entityId);
    return Behaviors.setup(
        context ->
            Behaviors.withStash(
                STASH,
                stash ->
                    Behaviors.withTimers(
                        timers ->
                            new InstanceEntity(
                                    context, stash, timers, shard, wiring, ids[0], ids[1])
                                .load())));
  }

  // ---- messages to itself

  record Loaded(InstanceReply reply, Throwable failure) implements InstanceCommand.Internal {}

  record Written(Create create, StoredInstance stored, InstanceReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  /**
   * The shard's stop message (a hand-off or passivation): the entity stops at once, in any state;
   * its record stays, so the next request revives it, here or on another broker.
   */
  record Stop() implements InstanceCommand.Internal {}

  private final ActorContext<InstanceCommand> context;
  private final StashBuffer<InstanceCommand> stash;
  private final TimerScheduler<InstanceCommand> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Wiring wiring;
  private final String groupId;
  private final String instanceId;

  private InstanceEntity(
      ActorContext<InstanceCommand> context,
      StashBuffer<InstanceCommand> stash,
      TimerScheduler<InstanceCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Wiring wiring,
      String groupId,
      String instanceId) {
    this.context = context;
    this.stash = stash;
    this.timers = timers;
    this.shard = shard;
    this.wiring = wiring;
    this.groupId = groupId;
    this.instanceId = instanceId;
  }

  private Behavior<InstanceCommand> load() {
    context.ask(
        InstanceReply.class,
        wiring.groups(),
        wiring.settings().askTimeout(),
        replyTo ->
            new GroupGateway.Call(
                new GroupRequest.GetInstance(groupId, instanceId, replyTo),
                wiring.settings().callTimeout().toMillis()),
        Loaded::new);
    return Behaviors.receive(InstanceCommand.class)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onAnyMessage(this::stashed)
        .build();
  }

  private Behavior<InstanceCommand> onLoaded(Loaded loaded) {
    Failure failure = failureOf(loaded.reply(), loaded.failure());
    if (failure != null && failure.kind() != Kind.UNKNOWN_INSTANCE) {
      context.getLog().warn("Consumer instance {} of group {}: {}", instanceId, groupId, failure);
      return failAll(failure);
    }
    if (failure != null) {
      return stash.unstashAll(absent());
    }
    return stash.unstashAll(live(loaded.reply().instance()));
  }

  /** No instance of this name: only a create does anything. */
  private Behavior<InstanceCommand> absent() {
    return Behaviors.receive(InstanceCommand.class)
        .onMessage(Create.class, this::onCreate)
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onAnyMessage(
            command -> {
              Answers.fail(
                  command,
                  Failure.of(
                      Kind.UNKNOWN_INSTANCE,
                      "Consumer instance '"
                          + instanceId
                          + "' not found in group '"
                          + groupId
                          + "'."));
              return Behaviors.same();
            })
        .build();
  }

  private Behavior<InstanceCommand> onCreate(Create create) {
    InstanceConfig config = wiring.settings().configFor(create.config());
    StoredInstance stored =
        new StoredInstance(
            UUID.randomUUID().toString(),
            config.format().name(),
            config.autoOffsetReset().name(),
            config.autoCommitEnable(),
            config.fetchMinBytes(),
            config.requestTimeoutMs(),
            null,
            null,
            null,
            wiring.clock().millis());
    context.ask(
        InstanceReply.class,
        wiring.groups(),
        wiring.settings().askTimeout(),
        replyTo ->
            new GroupGateway.Call(
                new GroupRequest.PutInstance(groupId, instanceId, stored, true, replyTo),
                wiring.settings().callTimeout().toMillis()),
        (reply, failure) -> new Written(create, stored, reply, failure));
    return Behaviors.receive(InstanceCommand.class)
        .onMessage(Written.class, this::onCreated)
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onAnyMessage(this::stashed)
        .build();
  }

  private Behavior<InstanceCommand> onCreated(Written written) {
    Failure failure = failureOf(written.reply(), written.failure());
    if (failure != null) {
      written.create().replyTo().tell(new Done(failure));
      // The record may exist after all (a lost answer, another creator): read it again.
      return failAll(failure);
    }
    written.create().replyTo().tell(Done.OK);
    return stash.unstashAll(live(written.reply().instance()));
  }

  private Behavior<InstanceCommand> live(StoredInstance stored) {
    return LiveInstance.start(context, timers, wiring, groupId, instanceId, stored, this::deleted);
  }

  /**
   * After a {@link InstanceCommand.Delete} (or idling out): the shard stops the entity; requests
   * that arrive meanwhile find no instance.
   */
  private Behavior<InstanceCommand> deleted() {
    passivate();
    return absent();
  }

  /**
   * Asks the shard to stop this entity; the shard keeps what arrives meanwhile for the next one.
   */
  private void passivate() {
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
  }

  private Behavior<InstanceCommand> stashed(InstanceCommand command) {
    if (stash.isFull()) {
      Answers.fail(
          command,
          Failure.of(Kind.INVALID, "Too many requests wait for consumer instance " + instanceId));
    } else {
      stash.stash(command);
    }
    return Behaviors.same();
  }

  /** Answers every waiting request with {@code failure} and stops; the next request reloads. */
  private Behavior<InstanceCommand> failAll(Failure failure) {
    passivate();
    return stash.unstashAll(failing(failure));
  }

  private static Behavior<InstanceCommand> failing(Failure failure) {
    return Behaviors.receive(InstanceCommand.class)
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onAnyMessage(
            command -> {
              Answers.fail(command, failure);
              return Behaviors.same();
            })
        .build();
  }

  /** Why a record call failed, or null if it succeeded. */
  static Failure failureOf(InstanceReply reply, Throwable failure) {
    if (failure != null) {
      return Failure.broker(ApiError.ofFailedAsk("The group's coordinator", failure));
    }
    if (reply.error() != null) {
      return Failure.broker(reply.error());
    }
    if (reply.groupError() == GroupError.UNKNOWN_CONSUMER_INSTANCE) {
      return Failure.of(Kind.UNKNOWN_INSTANCE, reply.message());
    }
    if (reply.groupError() == GroupError.CONSUMER_INSTANCE_EXISTS) {
      return Failure.of(Kind.ALREADY_EXISTS, reply.message());
    }
    if (reply.groupError() != null) {
      return Failure.of(Kind.INVALID, reply.groupError() + ": " + reply.message());
    }
    return null;
  }
}
