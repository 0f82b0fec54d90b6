package sluice.actors.controller;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ClusterEvent;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import akka.cluster.typed.Subscribe;
import com.typesafe.config.Config;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.TopicDescription;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.metadata.ControllerEpochKey;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * The controller: a cluster singleton that owns topic metadata, as Kafka's controller does. This
 * class is its event loop, after KRaft's {@code QuorumController}: the public protocol, the message
 * table, the stash and the epoch fencing; each concern is a plain class it hands the work to and
 * whose decisions it carries out: {@link TopicAdmin} (create, delete, add partitions, describe,
 * list), {@link IsrChanges} ({@link AlterPartition}), {@link Elections} (when and which, by {@link
 * LeaderElection}) and {@link PartitionPlacement} (shard locations). Topic metadata is read and
 * written only through {@link TopicStore}; {@link ControllerStartup} loads it and claims the
 * controller epoch first. How it all works: {@code docs/control-plane.md}.
 *
 * <p>Invariants: writes run one at a time. While one runs ("busy"), requests that write wait in the
 * {@link ControllerStash} (a full stash answers {@code REQUEST_TIMED_OUT}, never drops), ISR
 * proposals wait in {@link IsrChanges} and election requests in {@link Elections}, and are served
 * when it is done, proposals first; describe and list are answered at once from the store's copy. A
 * controller that saw a higher controller epoch writes nothing: it answers {@code
 * STALE_CONTROLLER_EPOCH} and fails, so its supervisor restarts it with a new epoch.
 *
 * <p>Time comes from the {@link Clock} given to {@link #create}; no handler reads the wall clock.
 */
public final class Controller {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

  /** The singleton's name in the cluster. */
  public static final String NAME = "sluice-controller";

  /** Everything the controller answers. */
  public sealed interface Command extends CborSerializable {}

  /**
   * The controller's own messages (from {@link ControllerStartup} and adapters), never sent
   * remotely.
   */
  non-sealed interface Internal extends Command {}

  /**
   * Creates a topic.
   *
   * @param replicationFactor null for the default, min(3, live brokers)
   * @param internal true only for the broker's own topics, whose names start with {@code __}
   */
  public record CreateTopic(
      String name,
      int partitions,
      Integer replicationFactor,
      Map<String, String> configs,
      boolean internal,
      ActorRef<TopicResult> replyTo)
      implements Command {}

  public record DeleteTopic(String name, ActorRef<TopicResult> replyTo) implements Command {}

  /**
   * Adds partitions to a topic (Kafka's CreatePartitions) so that it has {@code partitions} in all;
   * answered with the grown topic once its metadata is written and the new partitions placed.
   */
  public record CreatePartitions(String name, int partitions, ActorRef<TopicResult> replyTo)
      implements Command {}

  public record DescribeTopic(String name, ActorRef<TopicResult> replyTo) implements Command {}

  public record ListTopics(ActorRef<TopicListing> replyTo) implements Command {}

  public record DescribeCluster(ActorRef<ClusterInfo> replyTo) implements Command {}

  /**
   * A partition leader's proposal of a new in-sync replica set (Kafka's AlterPartition). It is a
   * compare-and-set: applied only if {@code leaderId} is the partition's leader, {@code
   * leaderEpoch} and {@code partitionEpoch} are the current ones, and {@code topicId} is the
   * topic's; then the controller stores {@code newIsr} with the partition epoch bumped by one, with
   * a majority write, and answers with the partition as stored. A deposed leader (older leader
   * epoch) is answered {@code FENCED_LEADER_EPOCH}, a stale partition epoch {@code
   * INVALID_UPDATE_VERSION}; the leader then waits for the new metadata and proposes again.
   *
   * @param newIsr broker ids; must contain the leader and only replicas of the partition
   */
  public record AlterPartition(
      String topic,
      String topicId,
      int partition,
      int leaderId,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> newIsr,
      ActorRef<AlterPartitionResult> replyTo)
      implements Command {
    public AlterPartition {
      newIsr = List.copyOf(newIsr);
    }
  }

  /**
   * Exactly one of {@code partition} (as now stored, with its new partition epoch) and {@code
   * error} is non-null. Errors: {@code FENCED_LEADER_EPOCH}, {@code INVALID_UPDATE_VERSION}, {@code
   * UNKNOWN_TOPIC_OR_PARTITION}, {@code INVALID_REQUEST} (an ISR that is not a subset of the
   * replicas or lacks the leader), {@code REQUEST_TIMED_OUT} (no majority confirmed the write;
   * propose again), {@code STALE_CONTROLLER_EPOCH} (this controller was superseded).
   */
  public record AlterPartitionResult(PartitionAssignment partition, ApiError error)
      implements CborSerializable {}

  /** Exactly one of {@code topic} and {@code error} is non-null. */
  public record TopicResult(TopicDescription topic, ApiError error) implements CborSerializable {}

  /** Every topic, by name. */
  public record TopicListing(List<TopicDescription> topics) implements CborSerializable {}

  /**
   * @param controllerId the broker id of the broker running the controller
   * @param brokers the live brokers, by id
   */
  public record ClusterInfo(String clusterId, int controllerId, List<BrokerInfo> brokers)
      implements CborSerializable {}

  /**
   * Settings under {@code sluice.controller}.
   *
   * @param stashCapacity the most requests that wait while the controller starts or writes; more
   *     are answered {@code REQUEST_TIMED_OUT} ({@link ControllerStash})
   */
  public record Settings(
      int maxPartitionsPerTopic,
      Duration writeTimeout,
      Duration readTimeout,
      Duration leaderImbalanceCheckInterval,
      boolean autoLeaderRebalanceEnable,
      Duration unregisteredBrokerGrace,
      int deletedTopicsKept,
      int stashCapacity) {
    public Settings {
      if (deletedTopicsKept < 1) {
        throw new IllegalArgumentException(
            "sluice.controller.deleted-topics-kept must be at least 1, not " + deletedTopicsKept);
      }
      if (stashCapacity < 1) {
        throw new IllegalArgumentException(
            "sluice.controller.stash-capacity must be at least 1, not " + stashCapacity);
      }
    }

    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("sluice.controller");
      return new Settings(
          c.getInt("max-partitions-per-topic"),
          c.getDuration("write-timeout"),
          c.getDuration("read-timeout"),
          c.getDuration("leader-imbalance-check-interval"),
          c.getBoolean("auto-leader-rebalance-enable"),
          c.getDuration("unregistered-broker-grace"),
          c.getInt("deleted-topics-kept"),
          c.getInt("stash-capacity"));
    }
  }

  /** What runs the controller, the same from its start to its end: one per incarnation. */
  record Wiring(
      ActorContext<Command> context,
      ControllerStash stash,
      TimerScheduler<Command> timers,
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Clock clock) {}

  /** What {@link ControllerStartup} loaded: the state the controller serves from. */
  record Loaded(
      String clusterId, int epoch, TopicStore topics, Map<Integer, BrokerRegistration> brokers) {}

  // Internal messages: produced inside the actor by adapters, timers and pipeToSelf.

  /**
   * A subscribed key changed. One record for every key: typed message adapters are registered by
   * class, so the last subscription's adapter receives the changes of all keys.
   */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Internal {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Internal {}

  /** Elect leaders where needed; also return preferred leaders if {@code preferred}. */
  private record ElectLeaders(String reason, boolean preferred) implements Internal {}

  private record TopicWritten(CreateTopic request, TopicMetadata topic, WriteOutcome outcome)
      implements Internal {}

  private record PartitionsWritten(
      CreatePartitions request, TopicWrites.Change change, WriteOutcome outcome)
      implements Internal {}

  private record TopicRemoved(DeleteTopic request, TopicMetadata topic, WriteOutcome outcome)
      implements Internal {}

  private record PartitionsAltered(IsrChanges.Batch batch, WriteOutcome outcome)
      implements Internal {}

  private record ElectionsWritten(
      List<LeaderElection.TopicElection> elections, WriteOutcome outcome) implements Internal {}

  private record Finished(ActorRef<TopicResult> replyTo, TopicResult result) implements Internal {}

  /** A write that answers nobody (an election) is done. */
  private record Resume() implements Internal {}

  private enum TimerKey {
    PERIODIC_CHECK,
    GRACE_OVER
  }

  /** A higher controller epoch exists: this controller fails so its supervisor restarts it. */
  static final class ControllerSuperseded extends IllegalStateException {
    ControllerSuperseded(int epoch, int seen) {
      super(
          "Controller epoch "
              + epoch
              + " was superseded by epoch "
              + seen
              + "; this controller stops writing and restarts");
    }
  }

  /**
   * Starts the controller singleton (on the oldest broker) and returns a proxy to it, usable from
   * every broker.
   *
   * @param brokerId this broker's id, reported as the controller id while it runs here
   * @param localClusterId this broker's recorded cluster id, adopted if the cluster has none yet
   */
  public static ActorRef<Command> init(
      ActorSystem<?> system,
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId) {
    return ClusterSingleton.get(system)
        .init(SingletonActor.of(create(settings, partitions, brokerId, localClusterId), NAME));
  }

  /** As {@link #create(Settings, PartitionEntities, int, Optional, Clock)} on the UTC clock. */
  public static Behavior<Command> create(
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId) {
    return create(settings, partitions, brokerId, localClusterId, Clock.systemUTC());
  }

  /**
   * The controller, restarted (with a new controller epoch) after a failure, with a backoff of 1 to
   * 10 seconds.
   *
   * @param clock the time of grace periods and of metadata timestamps; tests pass a manual one
   */
  public static Behavior<Command> create(
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId,
      Clock clock) {
    Behavior<Command> controller =
        Behaviors.setup(
            context ->
                Behaviors.withStash(
                    settings.stashCapacity() + ControllerStash.INTERNAL_RESERVE,
                    buffer ->
                        Behaviors.withTimers(
                            timers ->
                                ControllerStartup.start(
                                    new Wiring(
                                        context,
                                        new ControllerStash(buffer, settings.stashCapacity()),
                                        timers,
                                        settings,
                                        partitions,
                                        brokerId,
                                        clock),
                                    localClusterId))));
    return Behaviors.supervise(controller)
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2));
  }

  /** Serves from what {@link ControllerStartup} loaded, beginning with the stashed requests. */
  static Behavior<Command> serve(Wiring wiring, Loaded loaded) {
    return new Controller(wiring, loaded).serve();
  }

  private final ActorContext<Command> context;
  private final ControllerStash stash;
  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final int brokerId;
  private final String clusterId;
  private final int epoch;
  private int seenEpoch;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, BrokerRegistration>>
      brokersReplicator;
  private final ReplicatorMessageAdapter<Command, LWWRegister<Integer>> epochReplicator;

  private final TopicStore store;
  private final LiveBrokers brokers;
  private final PartitionPlacement placement;
  private final TopicAdmin admin;
  private final IsrChanges isr;
  private final Elections elections;

  private Controller(Wiring wiring, Loaded loaded) {
    this.context = wiring.context();
    this.stash = wiring.stash();
    this.timers = wiring.timers();
    this.settings = wiring.settings();
    this.brokerId = wiring.brokerId();
    this.clusterId = loaded.clusterId();
    this.epoch = loaded.epoch();
    this.seenEpoch = loaded.epoch();
    var replicator = DistributedData.get(context.getSystem()).replicator();
    Duration guard = settings.writeTimeout().plus(settings.readTimeout());
    this.brokersReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.epochReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.store = loaded.topics();
    store.serveAs(epoch);
    this.brokers = new LiveBrokers(Cluster.get(context.getSystem()), loaded.brokers());
    this.placement = new PartitionPlacement(wiring.partitions(), brokers);
    this.admin = new TopicAdmin(settings.maxPartitionsPerTopic(), settings.writeTimeout());
    this.isr = new IsrChanges(settings.writeTimeout());
    this.elections = new Elections(brokerId, settings, wiring.clock());
  }

  /** Generates a cluster id as Kafka does: a random UUID, URL-safe base64 without padding. */
  public static String newClusterId() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /** The description of a topic as clients see it. */
  public static TopicDescription describe(TopicMetadata topic) {
    return TopicAdmin.describe(topic);
  }

  private Behavior<Command> serve() {
    // Subscribers get the current value at once, so nothing changed since the load is missed.
    store.subscribe(DataChanged::new);
    brokersReplicator.subscribe(BrokersKey.KEY, DataChanged::new);
    epochReplicator.subscribe(ControllerEpochKey.KEY, DataChanged::new);
    Cluster.get(context.getSystem())
        .subscriptions()
        .tell(
            Subscribe.create(
                context.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new),
                ClusterEvent.MemberEvent.class));
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
    return stash.unstashAll(idle());
  }

  // ---------------------------------------------------------------------------------------------
  // Idle: ready for the next write. Busy: one is writing.

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(CreateTopic.class, this::onCreateTopic)
        .onMessage(DeleteTopic.class, this::onDeleteTopic)
        .onMessage(CreatePartitions.class, this::onCreatePartitions)
        .onMessage(AlterPartition.class, this::onAlterPartition)
        .onMessage(ElectLeaders.class, this::onElectLeaders)
        .onMessage(DescribeTopic.class, this::onDescribeTopic)
        .onMessage(ListTopics.class, this::onListTopics)
        .onMessage(DescribeCluster.class, this::onDescribeCluster)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .build();
  }

  private Behavior<Command> busy() {
    return Behaviors.receive(Command.class)
        .onMessage(TopicWritten.class, this::onTopicWritten)
        .onMessage(TopicRemoved.class, this::onTopicRemoved)
        .onMessage(PartitionsWritten.class, this::onPartitionsWritten)
        .onMessage(PartitionsAltered.class, this::onPartitionsAltered)
        .onMessage(ElectionsWritten.class, this::onElectionsWritten)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(Resume.class, this::onResume)
        .onMessage(AlterPartition.class, this::onAlterPartitionWhileBusy)
        .onMessage(ElectLeaders.class, this::onElectLeadersWhileBusy)
        .onMessage(DescribeTopic.class, this::onDescribeTopic)
        .onMessage(ListTopics.class, this::onListTopics)
        .onMessage(DescribeCluster.class, this::onDescribeCluster)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onAnyMessage(stash::stash)
        .build();
  }

  /**
   * A write is done: the ISR proposals that arrived meanwhile are written next, then a deferred
   * election, else the stashed requests are served.
   */
  private Behavior<Command> resume() {
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

  private Behavior<Command> onFinished(Finished finished) {
    finished.replyTo().tell(finished.result());
    return resume();
  }

  // ---------------------------------------------------------------------------------------------
  // Fencing.

  /** Whether a controller with a higher epoch exists; this one must not write. */
  private boolean superseded() {
    return seenEpoch > epoch;
  }

  private ApiError staleError() {
    return ApiError.of(
        ErrorCode.STALE_CONTROLLER_EPOCH,
        "Controller epoch %d was superseded by epoch %d; retry, the new controller answers",
        epoch,
        seenEpoch);
  }

  // ---------------------------------------------------------------------------------------------
  // Topic administration (TopicAdmin decides; this runs the write, the placement, the reply).

  private Behavior<Command> onCreateTopic(CreateTopic request) {
    return administer(
        request.replyTo(),
        admin.create(request, store.topics(), liveIds()),
        (write, outcome) ->
            new TopicWritten(request, ((TopicStore.Create) write).topic(), outcome));
  }

  private Behavior<Command> onCreatePartitions(CreatePartitions request) {
    return administer(
        request.replyTo(),
        admin.grow(request, store.topics(), liveIds()),
        (write, outcome) ->
            new PartitionsWritten(request, ((TopicStore.Replace) write).changes().get(0), outcome));
  }

  private Behavior<Command> onDeleteTopic(DeleteTopic request) {
    return administer(
        request.replyTo(),
        admin.delete(request, store.topics()),
        (write, outcome) ->
            new TopicRemoved(request, ((TopicStore.Remove) write).topic(), outcome));
  }

  /** Answers a refused request at once, or writes and waits for the outcome as {@code written}. */
  private Behavior<Command> administer(
      ActorRef<TopicResult> replyTo,
      TopicAdmin.Step step,
      BiFunction<TopicStore.Write, WriteOutcome, Command> written) {
    if (step instanceof TopicAdmin.Answer answer) {
      replyTo.tell(answer.result());
      return Behaviors.same();
    }
    if (superseded()) {
      replyTo.tell(new TopicResult(null, staleError()));
      throw new ControllerSuperseded(epoch, seenEpoch);
    }
    TopicStore.Write write = ((TopicAdmin.Write) step).write();
    store.write(write, outcome -> written.apply(write, outcome));
    return busy();
  }

  private Behavior<Command> onTopicWritten(TopicWritten written) {
    TopicMetadata topic = written.topic();
    TopicResult result = admin.created(topic, written.outcome());
    if (!written.outcome().stored()) {
      return onFinished(new Finished(written.request().replyTo(), result));
    }
    if (result.error() == null) {
      LOG.info("Created topic {}: {}", topic.name(), topic.partitions());
    }
    return placeThenAnswer(
        List.of(topic), "topic " + topic.name() + " created", written.request().replyTo(), result);
  }

  private Behavior<Command> onPartitionsWritten(PartitionsWritten written) {
    TopicWrites.Change change = written.change();
    TopicResult result = admin.grown(change, written.outcome());
    if (!written.outcome().stored()) {
      return onFinished(new Finished(written.request().replyTo(), result));
    }
    if (result.error() == null) {
      LOG.info(
          "Added partitions to topic {}: {} -> {}",
          change.after().name(),
          change.before().partitions().size(),
          change.after().partitions().size());
    }
    return placeThenAnswer(
        List.of(TopicAdmin.added(change)),
        "partitions added to " + change.after().name(),
        written.request().replyTo(),
        result);
  }

  private Behavior<Command> placeThenAnswer(
      List<TopicMetadata> topics, String why, ActorRef<TopicResult> replyTo, TopicResult result) {
    context.pipeToSelf(
        placement.place(topics, why), (done, failure) -> new Finished(replyTo, result));
    return Behaviors.same();
  }

  /**
   * Once the metadata is removed, the leader entity of every partition whose leader is live is told
   * to delete its log; once a majority confirmed the removal, the topic's id is recorded as
   * deleted, so a broker that was down meanwhile deletes its replica logs when it returns. The
   * answer waits for the deletions at most {@code write-timeout}.
   */
  private Behavior<Command> onTopicRemoved(TopicRemoved removed) {
    TopicMetadata topic = removed.topic();
    TopicResult result = admin.deleted(topic, removed.outcome());
    if (!removed.outcome().stored()) {
      return onFinished(new Finished(removed.request().replyTo(), result));
    }
    if (removed.outcome() instanceof WriteOutcome.Written) {
      store.recordDeleted(topic);
    }
    context.pipeToSelf(
        placement.deleteOnLeaders(topic, settings.writeTimeout()),
        (done, failure) -> new Finished(removed.request().replyTo(), result));
    return Behaviors.same();
  }

  private Behavior<Command> onDescribeTopic(DescribeTopic request) {
    request.replyTo().tell(admin.describe(request.name(), store.topics()));
    return Behaviors.same();
  }

  private Behavior<Command> onListTopics(ListTopics request) {
    request.replyTo().tell(admin.list(store.topics()));
    return Behaviors.same();
  }

  private Behavior<Command> onDescribeCluster(DescribeCluster request) {
    List<BrokerInfo> live =
        brokers.live().values().stream()
            .map(BrokerRegistration::info)
            .sorted(Comparator.comparingInt(BrokerInfo::brokerId))
            .toList();
    request.replyTo().tell(new ClusterInfo(clusterId, brokerId, live));
    return Behaviors.same();
  }

  private SortedSet<Integer> liveIds() {
    return new TreeSet<>(brokers.live().keySet());
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
    IsrChanges.Batch batch = IsrChanges.check(requests, store.topics(), brokers.live().keySet());
    tell(batch.refused());
    if (batch.write() == null) {
      return nothingToWrite.get();
    }
    if (superseded()) {
      AlterPartitionResult stale = new AlterPartitionResult(null, staleError());
      batch.accepted().forEach(a -> a.request().replyTo().tell(stale));
      throw new ControllerSuperseded(epoch, seenEpoch);
    }
    store.write(batch.write(), outcome -> new PartitionsAltered(batch, outcome));
    return busy();
  }

  private Behavior<Command> onPartitionsAltered(PartitionsAltered altered) {
    tell(isr.written(altered.batch(), altered.outcome()));
    return resume();
  }

  private static void tell(List<IsrChanges.Answer> answers) {
    answers.forEach(a -> a.request().replyTo().tell(a.result()));
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
    var changes = elections.elect(request, brokers, store.topics().values());
    if (changes.isEmpty()) {
      return nothingToWrite.get();
    }
    if (superseded()) {
      throw new ControllerSuperseded(epoch, seenEpoch);
    }
    store.write(Elections.write(changes), outcome -> new ElectionsWritten(changes, outcome));
    return busy();
  }

  private Behavior<Command> onElectionsWritten(ElectionsWritten written) {
    List<TopicMetadata> moved =
        Elections.written(written.elections(), written.outcome(), settings.writeTimeout());
    if (!written.outcome().stored()) {
      return resume();
    }
    context.pipeToSelf(placement.place(moved, "new leaders"), (done, failure) -> new Resume());
    return Behaviors.same();
  }

  private Behavior<Command> onMembershipChanged(MembershipChanged message) {
    ClusterEvent.MemberEvent event = message.event();
    LOG.debug("Membership: {}", event);
    if (brokers.memberChanged(event)) {
      // A broker registers while it is still joining, when it cannot be placed yet (not live).
      List<Integer> registered = brokers.registeredAt(event.member().address().toString());
      if (!registered.isEmpty()) {
        placement.place(
            PartitionPlacement.ledBy(store.topics().values(), registered),
            "brokers " + registered + " up");
      }
    }
    context
        .getSelf()
        .tell(
            new ElectLeaders(
                event.getClass().getSimpleName() + " " + event.member().address(), false));
    return Behaviors.same();
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onDataChanged(DataChanged message) {
    if (!(message.response() instanceof Replicator.Changed<?> changed) || store.changed(changed)) {
      return Behaviors.same();
    }
    if (changed.key().equals(BrokersKey.KEY)) {
      var registrations = ((LWWMap<String, BrokerRegistration>) changed.dataValue()).getEntries();
      List<Integer> moved = brokers.update(registrations.values());
      if (!moved.isEmpty()) {
        LOG.info("Brokers {} registered at new addresses; placing their partitions", moved);
        placement.place(
            PartitionPlacement.ledBy(store.topics().values(), moved),
            "brokers " + moved + " registered");
        context.getSelf().tell(new ElectLeaders("brokers " + moved + " registered", false));
      }
    } else if (changed.key().equals(ControllerEpochKey.KEY)) {
      int stored = ((LWWRegister<Integer>) changed.dataValue()).getValue();
      if (stored > seenEpoch) {
        seenEpoch = stored;
        LOG.warn(
            "Controller epoch {} exists; this controller (epoch {}) writes no more", stored, epoch);
      }
    }
    return Behaviors.same();
  }
}
