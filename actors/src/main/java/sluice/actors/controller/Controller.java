package sluice.actors.controller;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.TopicDescription;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.metadata.ControllerEpochKey;
import sluice.actors.metadata.DeletedTopicsKey;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;

/**
 * The controller: a cluster singleton that owns topic metadata, as Kafka's controller does.
 *
 * <p>Metadata lives in Distributed Data: every topic under {@link TopicsKey#KEY} (an LWWMap by
 * name, written with WriteMajority, durable in LMDB so it survives a restart of every broker), the
 * cluster id under {@link sluice.actors.metadata.ClusterIdKey#KEY} (first write wins), the
 * controller epoch under {@link ControllerEpochKey#KEY}, the ids of deleted topics under {@link
 * DeletedTopicsKey#KEY} (recorded once a majority confirmed the removal, so that a broker that was
 * down meanwhile deletes its replica logs of them), and the live brokers under {@link
 * BrokersKey#KEY} (each broker registers itself; a registration counts while its member is up).
 * Only the controller writes topics, so its in-memory copy, loaded by {@link ControllerStartup} and
 * kept current by its own writes and a subscription, is authoritative.
 *
 * <p>Fencing: a starting controller claims the next controller epoch with a majority write before
 * it serves. Every topic it writes carries that epoch in its last-writer-wins timestamp ({@link
 * EpochClock}), so a superseded controller's late write loses every merge; and a controller that
 * sees a higher epoch than its own refuses to write ({@code STALE_CONTROLLER_EPOCH}) and fails, so
 * that its supervisor starts it again with a new epoch.
 *
 * <p>Writes run one at a time: creations, deletions, partition additions ({@link
 * CreatePartitions}), ISR changes ({@link AlterPartition}, a compare-and-set checked by {@link
 * AlterPartitionCheck}) and leader elections ({@link LeaderElection}). While one is writing, the
 * next waits in a stash; describe and list are answered at once from the in-memory copy. Every
 * rejected request is a typed reply carrying an {@link ApiError} that names the value and what is
 * allowed.
 *
 * <p>Elections run when cluster membership changes (a broker downed, removed, leaving or back),
 * when a broker registers, once when the controller starts, and every {@code
 * leader-imbalance-check-interval} (which also returns preferred leaders when {@code
 * auto-leader-rebalance-enable}). They wait while an up member has not registered yet, so a broker
 * still starting is not taken for dead, and for {@code unregistered-broker-grace} after the
 * controller starts a replica without any registration is neither live nor dead (registrations are
 * not durable: after a full cluster restart brokers register one by one). A controller whose own
 * broker is not live (leaving) does not elect.
 *
 * <p>Partition placement: each partition's leader entity is placed on its leader broker's member
 * through {@link PartitionEntities} before a creation is acknowledged, after every election that
 * moves a leader, again for every topic when the controller starts (shard locations are not
 * durable) and whenever a broker registers at a new address.
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

  /** Settings under {@code sluice.controller}. */
  public record Settings(
      int maxPartitionsPerTopic,
      Duration writeTimeout,
      Duration readTimeout,
      Duration leaderImbalanceCheckInterval,
      boolean autoLeaderRebalanceEnable,
      Duration unregisteredBrokerGrace,
      int deletedTopicsKept) {
    public Settings {
      if (deletedTopicsKept < 1) {
        throw new IllegalArgumentException(
            "sluice.controller.deleted-topics-kept must be at least 1, not " + deletedTopicsKept);
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
          c.getInt("deleted-topics-kept"));
    }
  }

  /** What {@link ControllerStartup} loaded: the state the controller serves from. */
  record Loaded(
      String clusterId,
      int epoch,
      Map<String, TopicMetadata> topics,
      Map<Integer, BrokerRegistration> brokers) {}

  // Internal messages: produced inside the actor by adapters, timers and pipeToSelf.

  /**
   * A subscribed key changed. One record for every key: typed message adapters are registered by
   * class, so the last subscription's adapter receives the changes of all keys.
   */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Internal {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Internal {}

  /** Elect leaders where needed; also return preferred leaders if {@code preferred}. */
  private record ElectLeaders(String reason, boolean preferred) implements Internal {}

  private record TopicWritten(
      CreateTopic request,
      TopicMetadata topic,
      Replicator.UpdateResponse<LWWMap<String, TopicMetadata>> response)
      implements Internal {}

  private record PartitionsWritten(
      CreatePartitions request,
      TopicMetadata before,
      TopicMetadata grown,
      Replicator.UpdateResponse<LWWMap<String, TopicMetadata>> response)
      implements Internal {}

  private record TopicRemoved(
      DeleteTopic request,
      TopicMetadata topic,
      Replicator.UpdateResponse<LWWMap<String, TopicMetadata>> response)
      implements Internal {}

  private record PartitionsAltered(
      List<AcceptedAlter> accepted,
      List<TopicWrites.Change> changes,
      Replicator.UpdateResponse<LWWMap<String, TopicMetadata>> response)
      implements Internal {}

  private record ElectionsWritten(
      List<LeaderElection.TopicElection> elections,
      Replicator.UpdateResponse<LWWMap<String, TopicMetadata>> response)
      implements Internal {}

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

  /**
   * The controller, restarted (with a new controller epoch) after a failure, with a backoff of 1 to
   * 10 seconds.
   */
  public static Behavior<Command> create(
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId) {
    Behavior<Command> controller =
        Behaviors.setup(
            context ->
                Behaviors.withStash(
                    10_000,
                    stash ->
                        Behaviors.withTimers(
                            timers ->
                                ControllerStartup.start(
                                    context,
                                    stash,
                                    timers,
                                    settings,
                                    partitions,
                                    brokerId,
                                    localClusterId))));
    return Behaviors.supervise(controller)
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2));
  }

  /** Serves from what {@link ControllerStartup} loaded, beginning with the stashed requests. */
  static Behavior<Command> serve(
      ActorContext<Command> context,
      StashBuffer<Command> stash,
      TimerScheduler<Command> timers,
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Loaded loaded) {
    return new Controller(context, stash, timers, settings, partitions, brokerId, loaded).serve();
  }

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final TimerScheduler<Command> timers;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, TopicMetadata>> topicsReplicator;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, BrokerRegistration>>
      brokersReplicator;
  private final ReplicatorMessageAdapter<Command, LWWRegister<Integer>> epochReplicator;
  private final Settings settings;
  private final PartitionEntities partitions;
  private final int brokerId;
  private final String clusterId;
  private final int epoch;
  private final TopicWrites writes;

  private final Map<String, TopicMetadata> topics;
  private final LiveBrokers brokers;
  private int seenEpoch;
  private final long startedNanos = System.nanoTime();
  private final List<AlterPartition> pendingAlters = new ArrayList<>();

  private Controller(
      ActorContext<Command> context,
      StashBuffer<Command> stash,
      TimerScheduler<Command> timers,
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Loaded loaded) {
    this.context = context;
    this.stash = stash;
    this.timers = timers;
    var replicator = DistributedData.get(context.getSystem()).replicator();
    Duration guard = settings.writeTimeout().plus(settings.readTimeout());
    this.topicsReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.brokersReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.epochReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.settings = settings;
    this.partitions = partitions;
    this.brokerId = brokerId;
    this.clusterId = loaded.clusterId();
    this.epoch = loaded.epoch();
    this.seenEpoch = loaded.epoch();
    this.writes =
        new TopicWrites(
            DistributedData.get(context.getSystem()).selfUniqueAddress(),
            new EpochClock<>(loaded.epoch()));
    this.topics = new TreeMap<>(loaded.topics());
    this.brokers = new LiveBrokers(Cluster.get(context.getSystem()), loaded.brokers());
  }

  /** Generates a cluster id as Kafka does: a random UUID, URL-safe base64 without padding. */
  public static String newClusterId() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  private Behavior<Command> serve() {
    // Subscribers get the current value at once, so nothing changed since the load is missed.
    topicsReplicator.subscribe(TopicsKey.KEY, DataChanged::new);
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
    placeInBackground(topics.values(), "controller start");
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
        .onMessage(AlterPartition.class, this::onAlterPartitionWhileBusy)
        .onMessage(ElectionsWritten.class, this::onElectionsWritten)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(Resume.class, this::onResume)
        .onMessage(DescribeTopic.class, this::onDescribeTopic)
        .onMessage(ListTopics.class, this::onListTopics)
        .onMessage(DescribeCluster.class, this::onDescribeCluster)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onAnyMessage(this::stashIt)
        .build();
  }

  private Behavior<Command> stashIt(Command command) {
    if (stash.isFull()) {
      LOG.warn("Controller stash full, dropping {}", command);
    } else {
      stash.stash(command);
    }
    return Behaviors.same();
  }

  /** Writes {@code modify} to the topics with a majority; the answer comes as {@code adapt}. */
  private Behavior<Command> writeTopics(
      java.util.function.Function<LWWMap<String, TopicMetadata>, LWWMap<String, TopicMetadata>>
          modify,
      java.util.function.Function<Replicator.UpdateResponse<LWWMap<String, TopicMetadata>>, Command>
          adapt) {
    topicsReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                TopicsKey.KEY,
                LWWMap.empty(),
                new Replicator.WriteMajority(settings.writeTimeout()),
                replyTo,
                modify),
        adapt::apply);
    return busy();
  }

  /** Whether a controller with a higher epoch exists; this one must not write. */
  private boolean superseded() {
    return seenEpoch > epoch;
  }

  /**
   * Answers {@code STALE_CONTROLLER_EPOCH} and fails, so the supervisor restarts the controller.
   */
  private <T> Behavior<Command> refuseAsStale(ActorRef<T> replyTo, T reply) {
    replyTo.tell(reply);
    throw new ControllerSuperseded(epoch, seenEpoch);
  }

  private ApiError staleError() {
    return ApiError.of(
        ErrorCode.STALE_CONTROLLER_EPOCH,
        "Controller epoch %d was superseded by epoch %d; retry, the new controller answers",
        epoch,
        seenEpoch);
  }

  // ---------------------------------------------------------------------------------------------
  // Creation, partition addition, deletion.

  private Behavior<Command> onCreateTopic(CreateTopic request) {
    var validated =
        NewTopics.validate(
            request,
            topics,
            new TreeSet<>(brokers.live().keySet()),
            settings.maxPartitionsPerTopic());
    if (validated.error() != null) {
      request.replyTo().tell(new TopicResult(null, validated.error()));
      return Behaviors.same();
    }
    if (superseded()) {
      return refuseAsStale(request.replyTo(), new TopicResult(null, staleError()));
    }
    TopicMetadata topic = validated.topic();
    return writeTopics(
        writes.create(topic), response -> new TopicWritten(request, topic, response));
  }

  private Behavior<Command> onTopicWritten(TopicWritten written) {
    var response = written.response();
    TopicMetadata topic = written.topic();
    ActorRef<TopicResult> replyTo = written.request().replyTo();
    if (response instanceof Replicator.ModifyFailure) {
      return finish(replyTo, exists(topic.name()));
    }
    checkNotDeleted(response);
    // Success, timeout or store failure: the replicator holds the topic in memory either way.
    topics.put(topic.name(), topic);
    TopicResult result;
    if (response instanceof Replicator.UpdateSuccess) {
      LOG.info("Created topic {}: {}", topic.name(), topic.partitions());
      result = new TopicResult(describe(topic), null);
    } else if (response instanceof Replicator.UpdateTimeout) {
      result =
          failed(
              ErrorCode.REQUEST_TIMED_OUT,
              "Topic '%s' is stored on the controller but no majority of brokers confirmed it"
                  + " within %s; describe it to see whether it was created",
              topic.name(),
              settings.writeTimeout());
    } else {
      result =
          failed(
              ErrorCode.KAFKA_STORAGE_ERROR,
              "Topic '%s' could not be stored durably: %s",
              topic.name(),
              response);
    }
    context.pipeToSelf(
        partitions.place(brokers.placements(List.of(topic))),
        (done, failure) -> {
          if (failure != null) {
            LOG.error("Placing the partitions of topic {} failed", topic.name(), failure);
          }
          return new Finished(replyTo, result);
        });
    return Behaviors.same();
  }

  private Behavior<Command> onCreatePartitions(CreatePartitions request) {
    var validated =
        NewPartitions.validate(
            request.name(),
            request.partitions(),
            topics,
            new TreeSet<>(brokers.live().keySet()),
            settings.maxPartitionsPerTopic());
    if (validated.error() != null) {
      request.replyTo().tell(new TopicResult(null, validated.error()));
      return Behaviors.same();
    }
    if (superseded()) {
      return refuseAsStale(request.replyTo(), new TopicResult(null, staleError()));
    }
    TopicMetadata before = topics.get(request.name());
    TopicMetadata grown = validated.topic();
    return writeTopics(
        writes.replace(List.of(new TopicWrites.Change(before, grown))),
        response -> new PartitionsWritten(request, before, grown, response));
  }

  private Behavior<Command> onPartitionsWritten(PartitionsWritten written) {
    var response = written.response();
    TopicMetadata grown = written.grown();
    ActorRef<TopicResult> replyTo = written.request().replyTo();
    if (response instanceof Replicator.ModifyFailure) {
      return finish(
          replyTo,
          failed(
              ErrorCode.INVALID_PARTITIONS,
              "Topic '%s' changed while partitions were being added to it; nothing was added",
              grown.name()));
    }
    checkNotDeleted(response);
    // Success, timeout or store failure: the replicator holds the grown topic in memory either way.
    topics.put(grown.name(), grown);
    TopicResult result;
    if (response instanceof Replicator.UpdateSuccess) {
      LOG.info(
          "Added partitions to topic {}: {} -> {}",
          grown.name(),
          written.before().partitions().size(),
          grown.partitions().size());
      result = new TopicResult(describe(grown), null);
    } else if (response instanceof Replicator.UpdateTimeout) {
      result =
          failed(
              ErrorCode.REQUEST_TIMED_OUT,
              "Topic '%s' has %d partitions on the controller but no majority of brokers confirmed"
                  + " it within %s; describe it to see whether they were added",
              grown.name(),
              grown.partitions().size(),
              settings.writeTimeout());
    } else {
      result =
          failed(
              ErrorCode.KAFKA_STORAGE_ERROR,
              "The new partitions of topic '%s' could not be stored durably: %s",
              grown.name(),
              response);
    }
    List<PartitionAssignment> added =
        grown.partitions().subList(written.before().partitions().size(), grown.partitions().size());
    TopicMetadata onlyAdded =
        new TopicMetadata(grown.name(), grown.topicId(), grown.internal(), grown.configs(), added);
    context.pipeToSelf(
        partitions.place(brokers.placements(List.of(onlyAdded))),
        (done, failure) -> {
          if (failure != null) {
            LOG.error("Placing the new partitions of topic {} failed", grown.name(), failure);
          }
          return new Finished(replyTo, result);
        });
    return Behaviors.same();
  }

  private Behavior<Command> onDeleteTopic(DeleteTopic request) {
    TopicMetadata topic = topics.get(request.name());
    if (topic == null) {
      request.replyTo().tell(unknown(request.name()));
      return Behaviors.same();
    }
    if (topic.internal()) {
      request
          .replyTo()
          .tell(
              failed(
                  ErrorCode.INVALID_TOPIC_EXCEPTION,
                  "Topic '%s' is internal and cannot be deleted",
                  topic.name()));
      return Behaviors.same();
    }
    if (superseded()) {
      return refuseAsStale(request.replyTo(), new TopicResult(null, staleError()));
    }
    return writeTopics(
        writes.remove(topic.name()), response -> new TopicRemoved(request, topic, response));
  }

  /**
   * Once the metadata is removed, the leader entity of every partition whose leader is live is told
   * to delete its log; partitions without a live leader are skipped (their replicas delete their
   * logs when they see the topic gone). Once a majority confirmed the removal, the topic's id is
   * recorded under {@link DeletedTopicsKey}, so a broker that was down meanwhile deletes its
   * replica logs when it returns. The answer waits for the deletions at most {@code write-timeout};
   * a failed or late deletion is logged, it does not fail the topic's deletion.
   */
  private Behavior<Command> onTopicRemoved(TopicRemoved removed) {
    TopicMetadata topic = removed.topic();
    var response = removed.response();
    checkNotDeleted(response);
    topics.remove(topic.name());
    TopicResult result =
        response instanceof Replicator.UpdateSuccess
            ? new TopicResult(describe(topic), null)
            : failed(
                ErrorCode.REQUEST_TIMED_OUT,
                "Topic '%s' is removed on the controller but no majority of brokers confirmed it"
                    + " within %s: %s",
                topic.name(),
                settings.writeTimeout(),
                response);
    if (response instanceof Replicator.UpdateSuccess) {
      recordDeletion(topic);
    }
    Set<Integer> live = brokers.live().keySet();
    List<Integer> withoutLeader = new ArrayList<>();
    List<CompletableFuture<Done>> deletions = new ArrayList<>();
    for (PartitionAssignment p : topic.partitions()) {
      if (!live.contains(p.leader())) {
        withoutLeader.add(p.partition());
        continue;
      }
      deletions.add(
          partitions
              .delete(topic.name(), p.partition())
              .toCompletableFuture()
              .exceptionally(
                  failure -> {
                    LOG.warn(
                        "Deleting partition {}-{} on its leader {} failed; its replicas delete it"
                            + " when they see the topic gone",
                        topic.name(),
                        p.partition(),
                        p.leader(),
                        failure);
                    return Done.getInstance();
                  }));
    }
    LOG.info(
        "Deleted topic {}; deleting its {} partitions on their leaders{}",
        topic.name(),
        deletions.size(),
        withoutLeader.isEmpty() ? "" : " (partitions " + withoutLeader + " have no live leader)");
    context.pipeToSelf(
        CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
            .completeOnTimeout(
                null,
                settings.writeTimeout().toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS),
        (done, failure) -> new Finished(removed.request().replyTo(), result));
    return Behaviors.same();
  }

  /**
   * Records {@code topic}'s id as deleted, with a majority. Not awaited: the record is in this
   * broker's replica at once and spreads from there; one that is lost (the controller's broker dies
   * first) leaves stray replica logs on disk, never deletes a live one.
   */
  private void recordDeletion(TopicMetadata topic) {
    var node = DistributedData.get(context.getSystem()).selfUniqueAddress();
    long now = System.currentTimeMillis();
    AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWMap<String, DeletedTopic>>>ask(
            DistributedData.get(context.getSystem()).replicator(),
            replyTo ->
                new Replicator.Update<>(
                    DeletedTopicsKey.KEY,
                    LWWMap.empty(),
                    new Replicator.WriteMajority(settings.writeTimeout()),
                    replyTo,
                    map ->
                        DeletedTopicsKey.record(
                            map,
                            node,
                            topic.name(),
                            topic.topicId(),
                            now,
                            settings.deletedTopicsKept())),
            settings.writeTimeout().plus(settings.readTimeout()),
            context.getSystem().scheduler())
        .whenComplete(
            (response, failure) -> {
              if (!(response instanceof Replicator.UpdateSuccess)) {
                LOG.warn(
                    "Recording the deletion of topic {} (id {}) got {}; brokers down now may keep"
                        + " its replica logs",
                    topic.name(),
                    topic.topicId(),
                    failure != null ? failure.toString() : response);
              }
            });
  }

  private Behavior<Command> onFinished(Finished finished) {
    return finish(finished.replyTo(), finished.result());
  }

  private Behavior<Command> finish(ActorRef<TopicResult> replyTo, TopicResult result) {
    replyTo.tell(result);
    return resume();
  }

  private Behavior<Command> onResume(Resume resume) {
    return resume();
  }

  private static void checkNotDeleted(Replicator.UpdateResponse<?> response) {
    if (response instanceof Replicator.UpdateDataDeleted) {
      throw new IllegalStateException("The topics key was deleted; it never is");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ISR changes (AlterPartition), batched: proposals that arrive while another write runs are
  // checked and written together, in one majority write, when it is done.

  /**
   * A proposal that passed {@link AlterPartitionCheck}, with the partition as it will be stored.
   */
  private record AcceptedAlter(AlterPartition request, PartitionAssignment partition) {}

  private Behavior<Command> onAlterPartition(AlterPartition request) {
    return alterPartitions(List.of(request), Behaviors::same);
  }

  private Behavior<Command> onAlterPartitionWhileBusy(AlterPartition request) {
    pendingAlters.add(request);
    return Behaviors.same();
  }

  /**
   * Checks the proposals in arrival order, each against the topic as the ones before it leave it,
   * answers the refused ones, and writes the accepted ones in one majority write.
   *
   * @param nothingToWrite the next behavior if every proposal was refused
   */
  private Behavior<Command> alterPartitions(
      List<AlterPartition> requests, Supplier<Behavior<Command>> nothingToWrite) {
    Set<Integer> live = brokers.live().keySet();
    Map<String, TopicMetadata> altered = new TreeMap<>();
    List<AcceptedAlter> accepted = new ArrayList<>();
    for (AlterPartition request : requests) {
      TopicMetadata current = altered.getOrDefault(request.topic(), topics.get(request.topic()));
      var checked = AlterPartitionCheck.check(current, request, live);
      if (checked.error() != null) {
        request.replyTo().tell(new AlterPartitionResult(null, checked.error()));
      } else {
        altered.put(request.topic(), checked.topic());
        accepted.add(new AcceptedAlter(request, checked.partition()));
      }
    }
    if (accepted.isEmpty()) {
      return nothingToWrite.get();
    }
    if (superseded()) {
      AlterPartitionResult stale = new AlterPartitionResult(null, staleError());
      accepted.forEach(a -> a.request().replyTo().tell(stale));
      throw new ControllerSuperseded(epoch, seenEpoch);
    }
    List<TopicWrites.Change> changes =
        altered.values().stream()
            .map(after -> new TopicWrites.Change(topics.get(after.name()), after))
            .toList();
    return writeTopics(
        writes.replace(changes), response -> new PartitionsAltered(accepted, changes, response));
  }

  private Behavior<Command> onPartitionsAltered(PartitionsAltered message) {
    var response = message.response();
    if (response instanceof Replicator.ModifyFailure) {
      for (AcceptedAlter accepted : message.accepted()) {
        accepted
            .request()
            .replyTo()
            .tell(
                new AlterPartitionResult(
                    null,
                    ApiError.of(
                        ErrorCode.INVALID_UPDATE_VERSION,
                        "Topic '%s' changed while the ISR of partition %d was being altered;"
                            + " nothing was written",
                        accepted.request().topic(),
                        accepted.request().partition())));
      }
      return resume();
    }
    checkNotDeleted(response);
    // Success, timeout or store failure: the replicator holds the new ISRs in memory either way.
    message.changes().forEach(change -> topics.put(change.after().name(), change.after()));
    for (AcceptedAlter accepted : message.accepted()) {
      String tp = accepted.request().topic() + "-" + accepted.request().partition();
      PartitionAssignment partition = accepted.partition();
      AlterPartitionResult result;
      if (response instanceof Replicator.UpdateSuccess) {
        LOG.info(
            "ISR of {} is now {} (leader {}, leader epoch {}, partition epoch {})",
            tp,
            partition.isr(),
            partition.leader(),
            partition.leaderEpoch(),
            partition.partitionEpoch());
        result = new AlterPartitionResult(partition, null);
      } else {
        result =
            new AlterPartitionResult(
                null,
                ApiError.of(
                    ErrorCode.REQUEST_TIMED_OUT,
                    "ISR %s of %s (partition epoch %d) is stored on the controller but no majority"
                        + " confirmed it within %s (%s); propose again once the metadata shows it",
                    partition.isr(),
                    tp,
                    partition.partitionEpoch(),
                    settings.writeTimeout(),
                    response));
      }
      accepted.request().replyTo().tell(result);
    }
    return resume();
  }

  /**
   * A write is done: the ISR proposals that arrived meanwhile are written next, else the stashed
   * requests are served.
   */
  private Behavior<Command> resume() {
    if (!pendingAlters.isEmpty()) {
      List<AlterPartition> batch = List.copyOf(pendingAlters);
      pendingAlters.clear();
      return alterPartitions(batch, this::resume);
    }
    return stash.unstashAll(idle());
  }

  // ---------------------------------------------------------------------------------------------
  // Elections: on membership changes, registrations, controller start, and periodically.

  private Behavior<Command> onMembershipChanged(MembershipChanged message) {
    ClusterEvent.MemberEvent event = message.event();
    LOG.debug("Membership: {}", event);
    if (brokers.memberChanged(event)) {
      // A broker registers while it is still joining, when it cannot be placed yet (not live).
      List<Integer> registered = brokers.registeredAt(event.member().address().toString());
      if (!registered.isEmpty()) {
        placeInBackground(ledBy(registered), "brokers " + registered + " up");
      }
    }
    context
        .getSelf()
        .tell(
            new ElectLeaders(
                event.getClass().getSimpleName() + " " + event.member().address(), false));
    return Behaviors.same();
  }

  private Behavior<Command> onElectLeaders(ElectLeaders request) {
    Set<Integer> live = brokers.live().keySet();
    if (!live.contains(brokerId)) {
      // This broker is leaving (or not up yet): the next controller elects; this one must not take
      // its own broker's departure for the loss of every partition.
      LOG.debug("Elections ({}) skipped: this broker {} is not live", request.reason(), brokerId);
      return Behaviors.same();
    }
    List<String> unregistered = brokers.unregisteredUpMembers();
    if (!unregistered.isEmpty()) {
      LOG.debug("Elections ({}) wait for members {} to register", request.reason(), unregistered);
      return Behaviors.same();
    }
    Set<Integer> unknown = unknownBrokers();
    boolean preferred = request.preferred() && settings.autoLeaderRebalanceEnable();
    List<LeaderElection.TopicElection> elections = new ArrayList<>();
    for (TopicMetadata topic : topics.values()) {
      LeaderElection.elect(topic, live, unknown, preferred).ifPresent(elections::add);
    }
    if (elections.isEmpty()) {
      return Behaviors.same();
    }
    if (superseded()) {
      throw new ControllerSuperseded(epoch, seenEpoch);
    }
    LOG.info(
        "Electing leaders ({}): live brokers {}{}, {} topics change",
        request.reason(),
        live,
        unknown.isEmpty() ? "" : ", joining or not yet registered " + unknown,
        elections.size());
    return writeTopics(
        writes.replace(
            elections.stream().map(e -> new TopicWrites.Change(e.before(), e.after())).toList()),
        response -> new ElectionsWritten(elections, response));
  }

  /**
   * Brokers that are neither live nor dead: those joining the cluster, and replicas without any
   * registration during {@code unregistered-broker-grace} after this controller started
   * (registrations are not durable, so after a full cluster restart a broker that is still starting
   * is unknown rather than dead).
   */
  private Set<Integer> unknownBrokers() {
    Set<Integer> unknown = new TreeSet<>(brokers.joining());
    if (System.nanoTime() - startedNanos < settings.unregisteredBrokerGrace().toNanos()) {
      unknown.addAll(brokers.unregistered(topics.values()));
    }
    return unknown;
  }

  private Behavior<Command> onElectionsWritten(ElectionsWritten written) {
    var response = written.response();
    if (response instanceof Replicator.ModifyFailure failure) {
      LOG.warn("Elections not written: {}; the next check elects again", failure.errorMessage());
      return resume();
    }
    checkNotDeleted(response);
    if (!(response instanceof Replicator.UpdateSuccess)) {
      LOG.warn(
          "Elections are stored on the controller but no majority confirmed them within {}: {}",
          settings.writeTimeout(),
          response);
    }
    List<TopicMetadata> moved = new ArrayList<>();
    for (LeaderElection.TopicElection election : written.elections()) {
      TopicMetadata after = election.after();
      topics.put(after.name(), after);
      List<PartitionAssignment> movedPartitions = new ArrayList<>();
      for (LeaderElection.Decision decision : election.decisions()) {
        logDecision(after.name(), decision);
        if (decision.leaderMoved()) {
          movedPartitions.add(decision.after());
        }
      }
      if (!movedPartitions.isEmpty()) {
        moved.add(
            new TopicMetadata(
                after.name(), after.topicId(), after.internal(), after.configs(), movedPartitions));
      }
    }
    context.pipeToSelf(
        partitions.place(brokers.placements(moved)),
        (done, failure) -> {
          if (failure != null) {
            LOG.error("Placing the partitions of new leaders failed", failure);
          }
          return new Resume();
        });
    return Behaviors.same();
  }

  private static void logDecision(String topic, LeaderElection.Decision decision) {
    switch (decision.kind()) {
      case UNCLEAN ->
          LOG.warn(
              "{}: unclean leader election, records only the old ISR had may be lost",
              decision.describe(topic));
      case OFFLINE ->
          LOG.warn("{}: no live ISR member, the partition is offline", decision.describe(topic));
      default -> LOG.info(decision.describe(topic));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reads.

  private Behavior<Command> onDescribeTopic(DescribeTopic request) {
    TopicMetadata topic = topics.get(request.name());
    request.replyTo().tell(topic == null ? unknown(request.name()) : result(topic));
    return Behaviors.same();
  }

  private Behavior<Command> onListTopics(ListTopics request) {
    request
        .replyTo()
        .tell(new TopicListing(topics.values().stream().map(Controller::describe).toList()));
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

  @SuppressWarnings("unchecked")
  private Behavior<Command> onDataChanged(DataChanged message) {
    if (!(message.response() instanceof Replicator.Changed<?> changed)) {
      return Behaviors.same();
    }
    if (changed.key().equals(TopicsKey.KEY)) {
      topics.clear();
      topics.putAll(((LWWMap<String, TopicMetadata>) changed.dataValue()).getEntries());
    } else if (changed.key().equals(BrokersKey.KEY)) {
      onBrokersChanged(((LWWMap<String, BrokerRegistration>) changed.dataValue()).getEntries());
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

  private void onBrokersChanged(Map<String, BrokerRegistration> registrations) {
    List<Integer> moved = brokers.update(registrations.values());
    if (!moved.isEmpty()) {
      LOG.info("Brokers {} registered at new addresses; placing their partitions", moved);
      placeInBackground(ledBy(moved), "brokers " + moved + " registered");
      context.getSelf().tell(new ElectLeaders("brokers " + moved + " registered", false));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Live brokers and placement.

  /** The topics with a partition led by one of {@code brokerIds}. */
  private List<TopicMetadata> ledBy(List<Integer> brokerIds) {
    return topics.values().stream()
        .filter(t -> t.partitions().stream().anyMatch(p -> brokerIds.contains(p.leader())))
        .toList();
  }

  private void placeInBackground(Collection<TopicMetadata> topicsToPlace, String why) {
    var placements = brokers.placements(topicsToPlace);
    if (placements.isEmpty()) {
      return;
    }
    partitions
        .place(placements)
        .whenComplete(
            (Done done, Throwable failure) -> {
              if (failure != null) {
                LOG.error("Placing {} partitions ({}) failed", placements.size(), why, failure);
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // Replies.

  /** The description of a topic as clients see it. */
  public static TopicDescription describe(TopicMetadata topic) {
    int replicationFactor =
        topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size();
    List<PartitionInfo> partitionInfos =
        topic.partitions().stream()
            .map(
                p ->
                    new PartitionInfo(
                        p.partition(), p.leader(), p.leaderEpoch(), p.replicas(), p.isr()))
            .toList();
    return new TopicDescription(
        topic.name(),
        topic.topicId(),
        topic.internal(),
        replicationFactor,
        topic.configs(),
        partitionInfos);
  }

  private static TopicResult result(TopicMetadata topic) {
    return new TopicResult(describe(topic), null);
  }

  private static TopicResult unknown(String name) {
    return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '%s' does not exist", name);
  }

  private static TopicResult exists(String name) {
    return failed(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '%s' already exists", name);
  }

  private static TopicResult failed(ErrorCode code, String format, Object... args) {
    return new TopicResult(null, ApiError.of(code, format, args));
  }
}
