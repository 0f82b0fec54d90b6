package sluice.actors.controller;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ClusterEvent;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.controller.Controller.Admin;
import sluice.actors.controller.Controller.AlterPartition;
import sluice.actors.controller.Controller.AlterPartitionResult;
import sluice.actors.controller.Controller.Command;
import sluice.actors.controller.Controller.CreateInternalTopic;
import sluice.actors.controller.Controller.Internal;
import sluice.actors.controller.Controller.Settings;
import sluice.actors.metadata.TopicMetadata;

/**
 * The serving controller: the event loop that {@link ControllerStartup} becomes once it loaded the
 * metadata and claimed the controller epoch; the same actor as {@link Controller}, whose public
 * protocol it answers. It holds the message table of two states and hands each concern to a plain
 * class whose decisions it carries out: {@link AdminServing} runs what {@link TopicAdmin} decides
 * (create, delete, add partitions, describe, list), {@link IsrChanges} ({@link AlterPartition}),
 * {@link Elections} (when and which, by {@link LeaderElection}) and {@link PartitionPlacement}
 * (shard locations); topic metadata is read and written only through {@link TopicStore}, the other
 * keys watched by {@link ClusterWatch}.
 *
 * <p>Invariants: writes run one at a time. While one runs (busy), requests that write wait in the
 * {@link ControllerStash} (a full stash answers {@code REQUEST_TIMED_OUT}, never drops), ISR
 * proposals wait in {@link IsrChanges} and election requests in {@link Elections} (merged), and are
 * served when it is done, proposals first; describe and list are answered at once from the store's
 * copy. No internal message is stashed. A controller that saw a higher controller epoch writes
 * nothing ({@link EpochFence}). Nor does one whose broker sees no quorum of the configured brokers
 * ({@link MetadataQuorum}): requests that write are answered {@code NO_QUORUM} ({@link
 * QuorumRefusals}), elections wait, and run again once the quorum returns. Time comes from the
 * wiring's clock; no handler reads the wall clock.
 *
 * <p>Not thread-safe: it is the actor's state, used only on the actor's thread.
 */
final class ControllerServing {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerServing.class);

  // Internal messages: produced inside the actor by adapters, timers and pipeToSelf.

  /**
   * A subscribed key changed. One record for every key: typed message adapters are registered by
   * class, so the last subscription's adapter receives the changes of all keys.
   */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Internal {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Internal {}

  /** Elect leaders where needed; also return preferred leaders if {@code preferred}. */
  private record ElectLeaders(String reason, boolean preferred) implements Internal {}

  /**
   * A metadata write ended: {@code then} (run in the actor) carries out what follows and completes
   * when the controller may go on with the next write.
   */
  private record WriteEnded(WriteOutcome outcome, Function<WriteOutcome, CompletionStage<?>> then)
      implements Internal {}

  /** The effects of a write are done: the next write may run. */
  private record Resume() implements Internal {}

  private enum TimerKey {
    PERIODIC_CHECK,
    GRACE_OVER
  }

  /** Serves from what {@link ControllerStartup} loaded, beginning with the stashed requests. */
  static Behavior<Command> serve(Controller.Wiring wiring, ControllerStartup.Loaded loaded) {
    return new ControllerServing(wiring, loaded).serve();
  }

  private final ActorContext<Command> context;
  private final ControllerStash stash;
  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final EpochFence fence;
  private final MetadataQuorum quorum;

  private final TopicStore store;
  private final LiveBrokers brokers;
  private final ClusterWatch watch;
  private final PartitionPlacement placement;
  private final AdminServing admin;
  private final IsrChanges isr;
  private final Elections elections;
  private final ProducerIdAllocation producerIds;

  /** True from the start of the old layout's migration until its write ended. */
  private boolean migrating;

  private ControllerServing(Controller.Wiring wiring, ControllerStartup.Loaded loaded) {
    this.context = wiring.context();
    this.stash = wiring.stash();
    this.timers = wiring.timers();
    this.settings = wiring.settings();
    this.fence = new EpochFence(loaded.epoch());
    this.quorum = wiring.quorum();
    this.store = loaded.topics();
    store.serveAs(loaded.epoch());
    this.brokers = new LiveBrokers(Cluster.get(context.getSystem()), loaded.brokers());
    this.watch =
        new ClusterWatch(
            context, settings.writeTimeout().plus(settings.readTimeout()), brokers, fence);
    this.placement = new PartitionPlacement(wiring.partitions(), brokers);
    this.admin =
        new AdminServing(wiring, loaded.clusterId(), fence, store, brokers, placement, this::write);
    this.isr = new IsrChanges(settings.writeTimeout());
    this.elections = new Elections(wiring.brokerId(), settings, wiring.clock());
    this.producerIds =
        new ProducerIdAllocation(context, settings, quorum, loaded.epoch(), ProducerIdBlock.SIZE);
  }

  private Behavior<Command> serve() {
    // Subscribers get the current value at once, so nothing changed since the load is missed.
    store.subscribe(DataChanged::new);
    watch.subscribe(DataChanged::new, MembershipChanged::new);
    timers.startTimerWithFixedDelay(
        TimerKey.PERIODIC_CHECK,
        new ElectLeaders("periodic check", settings.autoLeaderRebalanceEnable()),
        settings.leaderImbalanceCheckInterval());
    placement.place(store.topics().values(), "controller start");
    timers.startSingleTimer(
        TimerKey.GRACE_OVER,
        new ElectLeaders("unregistered broker grace over", false),
        settings.unregisteredBrokerGrace());
    context.getSelf().tell(new ElectLeaders("controller start", false));
    producerIds.start();
    return store.migration().map(this::migrate).orElseGet(this::unstash);
  }

  /** Writes the old layout's topics in the new one, then places them; requests wait meanwhile. */
  private Behavior<Command> migrate(TopicStore.Migrate migration) {
    migrating = true;
    LOG.info(
        "Migrating {} topics to the topic list and partition registers: {}",
        migration.topics().size(),
        migration.topics().stream().map(TopicMetadata::name).toList());
    return write(
        migration,
        outcome -> {
          if (outcome instanceof WriteOutcome.Written) {
            LOG.info("Migrated the topic metadata of {}", migration.legacyNames());
          } else {
            LOG.warn("Migrating the topic metadata ended with {}", outcome);
          }
          return outcome.stored()
              ? placement.place(migration.topics(), "migrated")
              : CompletableFuture.completedFuture(null);
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Idle: ready for the next write. Busy: one is writing.

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Admin.class, admin::onAdmin)
        .onMessage(CreateInternalTopic.class, admin::onCreateInternalTopic)
        .onMessage(AlterPartition.class, this::onAlterPartition)
        .onMessage(Controller.ResignLeadership.class, this::onResignLeadership)
        .onMessage(ElectLeaders.class, this::onElectLeaders)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessage(Controller.QuorumChanged.class, this::onQuorumChanged)
        .onMessage(Controller.AllocateProducerIds.class, this::onAllocateProducerIds)
        .onMessage(ProducerIdAllocation.Step.class, this::onProducerIdStep)
        .build();
  }

  private Behavior<Command> busy() {
    return Behaviors.receive(Command.class)
        .onMessage(WriteEnded.class, this::onWriteEnded)
        .onMessage(Resume.class, this::onResume)
        .onMessage(AlterPartition.class, this::onAlterPartitionWhileBusy)
        .onMessage(ElectLeaders.class, this::onElectLeadersWhileBusy)
        .onMessage(Admin.class, this::onAdminWhileBusy)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessage(Controller.QuorumChanged.class, this::onQuorumChanged)
        .onMessage(Controller.AllocateProducerIds.class, this::onAllocateProducerIds)
        .onMessage(ProducerIdAllocation.Step.class, this::onProducerIdStep)
        .onAnyMessage(stash::stash)
        .build();
  }

  /**
   * A write is done: the ISR proposals that arrived meanwhile are written next, then a deferred
   * election, else the stashed requests are served.
   */
  private Behavior<Command> resume() {
    migrating = false;
    List<AlterPartition> proposals = isr.takeDeferred();
    if (!proposals.isEmpty()) {
      return alterPartitions(proposals, this::resume);
    }
    return elections
        .takeDeferred()
        .map(request -> elect(request, this::unstash))
        .orElseGet(this::unstash);
  }

  private Behavior<Command> unstash() {
    return stash.unstashAll(idle());
  }

  private Behavior<Command> onResume(Resume resume) {
    return resume();
  }

  /** Writes with a majority; {@code then} gets the outcome, see {@link WriteEnded}. */
  private Behavior<Command> write(
      TopicStore.Write write, Function<WriteOutcome, CompletionStage<?>> then) {
    if (fence.superseded()) {
      throw fence.failure();
    }
    store.write(write, outcome -> new WriteEnded(outcome, then));
    return busy();
  }

  private Behavior<Command> onWriteEnded(WriteEnded ended) {
    context.pipeToSelf(ended.then().apply(ended.outcome()), (done, failure) -> new Resume());
    return Behaviors.same();
  }

  // ---------------------------------------------------------------------------------------------
  // Topic administration (AdminServing runs it; TopicAdmin decides).

  /**
   * Reads are answered at once; requests that write wait for the running write. While the old
   * layout's topics are migrated, reads wait too: the copy does not hold those topics yet.
   */
  private Behavior<Command> onAdminWhileBusy(Admin message) {
    return message.request().readOnly() && !migrating
        ? admin.onAdmin(message)
        : stash.stash(message);
  }

  // ---------------------------------------------------------------------------------------------
  // ISR changes (IsrChanges checks and batches them).

  private Behavior<Command> onAlterPartition(AlterPartition request) {
    return alterPartitions(List.of(request), Behaviors::same);
  }

  private Behavior<Command> onAlterPartitionWhileBusy(AlterPartition request) {
    isr.defer(request);
    return Behaviors.same();
  }

  /**
   * Answers the refused proposals and writes the accepted ones in one majority write.
   *
   * @param nothingToWrite the next behavior if every proposal was refused
   */
  private Behavior<Command> alterPartitions(
      List<AlterPartition> requests, Supplier<Behavior<Command>> nothingToWrite) {
    if (!quorum.current().present()) {
      requests.forEach(this::refusedWithoutQuorum);
      return nothingToWrite.get();
    }
    IsrChanges.Batch batch = IsrChanges.check(requests, store.topics(), brokers.serving());
    tell(batch.refused());
    if (batch.write() == null) {
      return nothingToWrite.get();
    }
    if (fence.superseded()) {
      AlterPartitionResult stale = new AlterPartitionResult(null, fence.staleError());
      batch.accepted().forEach(a -> a.request().replyTo().tell(stale));
      throw fence.failure();
    }
    return write(
        batch.write(),
        outcome -> {
          tell(isr.written(batch, outcome));
          return CompletableFuture.completedFuture(null);
        });
  }

  /**
   * A leader with a corrupt batch in its own log: answered at once if refused or if no other ISR
   * member can lead, else the election is written, the new leader placed, and then answered. While
   * another write runs it waits in the stash, as administration does.
   */
  private Behavior<Command> onResignLeadership(Controller.ResignLeadership request) {
    if (refusedWithoutQuorum(request)) {
      return Behaviors.same();
    }
    TopicMetadata topic = store.topics().get(request.topic());
    var step =
        Resignations.decide(request, topic, elections.states(brokers, store.topics().values()));
    if (step instanceof Resignations.Answer answer) {
      request.replyTo().tell(answer.result());
      return Behaviors.same();
    }
    var move = (Resignations.Move) step;
    if (fence.superseded()) {
      request.replyTo().tell(new AlterPartitionResult(null, fence.staleError()));
      throw fence.failure();
    }
    List<LeaderElection.TopicElection> changes = List.of(move.election());
    return write(
        Elections.write(changes),
        outcome ->
            placement
                .place(
                    Elections.written(changes, outcome, settings.writeTimeout()), "leader resigned")
                .whenComplete(
                    (done, failure) ->
                        request
                            .replyTo()
                            .tell(
                                Resignations.written(
                                    request, move, outcome, settings.writeTimeout()))));
  }

  private static void tell(List<IsrChanges.Answer> answers) {
    answers.forEach(a -> a.request().replyTo().tell(a.result()));
  }

  // ---------------------------------------------------------------------------------------------
  // Producer id blocks (ProducerIdAllocation): beside the topic writes, idle or busy.

  private Behavior<Command> onAllocateProducerIds(Controller.AllocateProducerIds request) {
    if (refusedWithoutQuorum(request)) {
      return Behaviors.same();
    }
    if (fence.superseded()) {
      request.replyTo().tell(new Controller.ProducerIdsAllocated(null, fence.staleError()));
      throw fence.failure();
    }
    producerIds.request(request);
    return Behaviors.same();
  }

  private Behavior<Command> onProducerIdStep(ProducerIdAllocation.Step step) {
    producerIds
        .step(step)
        .ifPresent(
            seen -> {
              fence.seen(seen);
              throw fence.failure();
            });
    return Behaviors.same();
  }

  // ---------------------------------------------------------------------------------------------
  // Elections (Elections decides when and which) and the events that call for them.

  private Behavior<Command> onElectLeaders(ElectLeaders request) {
    return elect(new Elections.Request(request.reason(), request.preferred()), Behaviors::same);
  }

  private Behavior<Command> onElectLeadersWhileBusy(ElectLeaders request) {
    elections.defer(new Elections.Request(request.reason(), request.preferred()));
    return Behaviors.same();
  }

  /**
   * @param nothingToWrite the next behavior if no partition changes
   */
  private Behavior<Command> elect(
      Elections.Request request, Supplier<Behavior<Command>> nothingToWrite) {
    if (!quorum.current().present()) {
      LOG.debug(
          "Elections ({}) wait for a quorum: this broker sees {}",
          request.reason(),
          quorum.current().describe());
      return nothingToWrite.get();
    }
    var changes = elections.elect(request, brokers, store.topics().values());
    if (changes.isEmpty()) {
      return nothingToWrite.get();
    }
    return write(
        Elections.write(changes),
        outcome ->
            placement.place(
                Elections.written(changes, outcome, settings.writeTimeout()), "new leaders"));
  }

  /** Whether {@code command} writes and was answered {@code NO_QUORUM}: no quorum now. */
  private boolean refusedWithoutQuorum(Command command) {
    return !quorum.current().present() && QuorumRefusals.refuse(command, quorum.current());
  }

  /** Elections skipped without a quorum run again when it returns. */
  private Behavior<Command> onQuorumChanged(Controller.QuorumChanged changed) {
    if (changed.state().present()) {
      context.getSelf().tell(new ElectLeaders("quorum regained", false));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onMembershipChanged(MembershipChanged message) {
    ClusterEvent.MemberEvent event = message.event();
    placeLedBy(watch.memberChanged(event), "up");
    String reason = event.getClass().getSimpleName() + " " + event.member().address();
    context.getSelf().tell(new ElectLeaders(reason, false));
    return Behaviors.same();
  }

  private Behavior<Command> onDataChanged(DataChanged message) {
    if (message.response() instanceof Replicator.Changed<?> changed && !store.changed(changed)) {
      LiveBrokers.Changes changes = watch.changed(changed);
      placeLedBy(changes.moved(), "registered");
      if (!changes.moved().isEmpty()) {
        context
            .getSelf()
            .tell(new ElectLeaders("brokers " + changes.moved() + " registered", false));
      }
      if (!changes.dataDirs().isEmpty()) {
        context
            .getSelf()
            .tell(
                new ElectLeaders(
                    "data directories of brokers " + changes.dataDirs() + " changed", false));
      }
    }
    return Behaviors.same();
  }

  private void placeLedBy(List<Integer> brokerIds, String what) {
    if (!brokerIds.isEmpty()) {
      placement.place(
          PartitionPlacement.ledBy(store.topics().values(), brokerIds),
          "brokers " + brokerIds + " " + what);
    }
  }
}
