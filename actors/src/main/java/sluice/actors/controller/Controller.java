package sluice.actors.controller;

import akka.Done;
import akka.actor.Address;
import akka.actor.AddressFromURIString;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.typesafe.config.Config;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
import sluice.actors.metadata.ClusterIdKey;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;

/**
 * The controller: a cluster singleton that owns topic metadata, as Kafka's controller does.
 *
 * <p>Metadata lives in Distributed Data: every topic under {@link TopicsKey#KEY} (an LWWMap by
 * name, written with WriteMajority, durable in LMDB so it survives a restart of every broker), the
 * cluster id under {@link ClusterIdKey#KEY} (first write wins), and the live brokers under {@link
 * BrokersKey#KEY} (each broker registers itself; a registration counts while its member is up).
 * Only the controller writes topics, so its in-memory copy, loaded with ReadMajority when it starts
 * (falling back to the local durable copy) and kept current by its own writes and a subscription,
 * is authoritative.
 *
 * <p>Creations, deletions and partition additions ({@link CreatePartitions}: new partitions
 * assigned and placed as at creation, existing ones untouched) run one at a time: while one is
 * writing, the next waits in a stash; describe and list are answered at once from the in-memory
 * copy. Every rejected request is a typed reply carrying an {@link ApiError} that names the value
 * and what is allowed.
 *
 * <p>Partition placement: each partition's leader entity is placed on its leader broker's member
 * through {@link PartitionEntities} before a creation is acknowledged, again for every topic when
 * the controller starts (shard locations are not durable) and whenever a broker registers at a new
 * address.
 */
public final class Controller {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

  /** The singleton's name in the cluster. */
  public static final String NAME = "sluice-controller";

  /** Everything the controller answers. */
  public sealed interface Command extends CborSerializable {}

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
  public record Settings(int maxPartitionsPerTopic, Duration writeTimeout, Duration readTimeout) {
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("sluice.controller");
      return new Settings(
          c.getInt("max-partitions-per-topic"),
          c.getDuration("write-timeout"),
          c.getDuration("read-timeout"));
    }
  }

  // Internal messages: produced inside the actor by adapters and pipeToSelf, never sent remotely.
  private record ClusterIdRead(Replicator.GetResponse<LWWRegister<String>> response)
      implements Command {}

  private record ClusterIdWritten(Replicator.UpdateResponse<LWWRegister<String>> response)
      implements Command {}

  private record TopicsRead(Replicator.GetResponse<LWWMap<String, TopicMetadata>> response)
      implements Command {}

  private record BrokersRead(Replicator.GetResponse<LWWMap<String, BrokerRegistration>> response)
      implements Command {}

  /**
   * A subscribed key changed. One record for every key: typed message adapters are registered by
   * class, so the last subscription's adapter receives the changes of all keys.
   */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Command {}

  private record TopicWritten(
      CreateTopic request,
      TopicMetadata topic,
      Replicator.UpdateResponse<LWWMap<String, TopicMetadata>> response)
      implements Command {}

  private record PartitionsWritten(
      CreatePartitions request,
      TopicMetadata before,
      TopicMetadata grown,
      Replicator.UpdateResponse<LWWMap<String, TopicMetadata>> response)
      implements Command {}

  private record TopicRemoved(
      DeleteTopic request,
      TopicMetadata topic,
      Replicator.UpdateResponse<LWWMap<String, TopicMetadata>> response)
      implements Command {}

  private record Finished(ActorRef<TopicResult> replyTo, TopicResult result) implements Command {}

  /** Thrown inside a ddata modify function when a topic changed meanwhile. */
  private static final class TopicChanged extends RuntimeException {
    TopicChanged(String name) {
      super(
          "Topic '" + name + "' changed while its partitions were being added", null, false, false);
    }
  }

  /** Thrown inside a ddata modify function when a topic was created meanwhile. */
  private static final class TopicExists extends RuntimeException {
    TopicExists(String name) {
      super("Topic '" + name + "' already exists", null, false, false);
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

  public static Behavior<Command> create(
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId) {
    return Behaviors.setup(
        context ->
            Behaviors.withStash(
                10_000,
                stash ->
                    new Controller(context, stash, settings, partitions, brokerId, localClusterId)
                        .start()));
  }

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, TopicMetadata>> topicsReplicator;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, BrokerRegistration>>
      brokersReplicator;
  private final ReplicatorMessageAdapter<Command, LWWRegister<String>> clusterIdReplicator;
  private final Settings settings;
  private final PartitionEntities partitions;
  private final int brokerId;
  private final Optional<String> localClusterId;
  private final SelfUniqueAddress node;

  private final Map<String, TopicMetadata> topics = new TreeMap<>();
  private final Map<Integer, BrokerRegistration> brokers = new HashMap<>();
  private String clusterId;
  private boolean topicsLoaded;
  private boolean brokersLoaded;

  private Controller(
      ActorContext<Command> context,
      StashBuffer<Command> stash,
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId) {
    this.context = context;
    this.stash = stash;
    var replicator = DistributedData.get(context.getSystem()).replicator();
    // The replicator answers every request itself (timeouts included); this only guards the ask.
    Duration guard = settings.writeTimeout().plus(settings.readTimeout());
    this.topicsReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.brokersReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.clusterIdReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.settings = settings;
    this.partitions = partitions;
    this.brokerId = brokerId;
    this.localClusterId = localClusterId;
    this.node = DistributedData.get(context.getSystem()).selfUniqueAddress();
  }

  /** Generates a cluster id as Kafka does: a random UUID, URL-safe base64 without padding. */
  public static String newClusterId() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  // ---------------------------------------------------------------------------------------------
  // Starting: load the cluster id, topics and brokers; stash requests until all three are known.

  private Behavior<Command> start() {
    topicsReplicator.subscribe(TopicsKey.KEY, DataChanged::new);
    brokersReplicator.subscribe(BrokersKey.KEY, DataChanged::new);
    clusterIdReplicator.askGet(
        replyTo ->
            new Replicator.Get<>(
                ClusterIdKey.KEY, new Replicator.ReadMajority(settings.readTimeout()), replyTo),
        ClusterIdRead::new);
    topicsReplicator.askGet(
        replyTo ->
            new Replicator.Get<>(
                TopicsKey.KEY, new Replicator.ReadMajority(settings.readTimeout()), replyTo),
        TopicsRead::new);
    brokersReplicator.askGet(
        replyTo -> new Replicator.Get<>(BrokersKey.KEY, Replicator.readLocal(), replyTo),
        BrokersRead::new);
    return starting();
  }

  private Behavior<Command> starting() {
    return Behaviors.receive(Command.class)
        .onMessage(ClusterIdRead.class, this::onClusterIdRead)
        .onMessage(ClusterIdWritten.class, this::onClusterIdWritten)
        .onMessage(TopicsRead.class, this::onTopicsRead)
        .onMessage(BrokersRead.class, this::onBrokersRead)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onAnyMessage(this::stashIt)
        .build();
  }

  private Behavior<Command> onClusterIdRead(ClusterIdRead message) {
    var response = message.response();
    if (response instanceof Replicator.GetSuccess<LWWRegister<String>> success) {
      clusterId = success.get(ClusterIdKey.KEY).getValue();
      return startedIfLoaded();
    }
    if (response instanceof Replicator.GetFailure<LWWRegister<String>>) {
      LOG.warn("No majority answered for the cluster id; reading the local copy");
      clusterIdReplicator.askGet(
          replyTo -> new Replicator.Get<>(ClusterIdKey.KEY, Replicator.readLocal(), replyTo),
          ClusterIdRead::new);
      return Behaviors.same();
    }
    // Not found: this is the cluster's first controller. Adopt this broker's recorded id if it has
    // one (its metadata store was lost, not its identity), else make one. First write wins.
    String id = localClusterId.orElseGet(Controller::newClusterId);
    LOG.info("Recording cluster id {}", id);
    clusterIdReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                ClusterIdKey.KEY,
                LWWRegister.create(node, id, LWWRegister.reverseClock()),
                new Replicator.WriteMajority(settings.writeTimeout()),
                replyTo,
                register -> register),
        ClusterIdWritten::new);
    return Behaviors.same();
  }

  private Behavior<Command> onClusterIdWritten(ClusterIdWritten message) {
    if (!(message.response() instanceof Replicator.UpdateSuccess)) {
      LOG.warn("Cluster id write: {}", message.response());
    }
    // Read back the winner: another controller (during a hand-over) may have written first.
    clusterIdReplicator.askGet(
        replyTo -> new Replicator.Get<>(ClusterIdKey.KEY, Replicator.readLocal(), replyTo),
        ClusterIdRead::new);
    return Behaviors.same();
  }

  private Behavior<Command> onTopicsRead(TopicsRead message) {
    var response = message.response();
    if (response instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> success) {
      topics.putAll(success.get(TopicsKey.KEY).getEntries());
    } else if (response instanceof Replicator.GetFailure) {
      LOG.warn("No majority answered for topic metadata; reading the local copy");
      topicsReplicator.askGet(
          replyTo -> new Replicator.Get<>(TopicsKey.KEY, Replicator.readLocal(), replyTo),
          TopicsRead::new);
      return Behaviors.same();
    }
    topicsLoaded = true;
    return startedIfLoaded();
  }

  private Behavior<Command> onBrokersRead(BrokersRead message) {
    if (message.response()
        instanceof Replicator.GetSuccess<LWWMap<String, BrokerRegistration>> success) {
      success.get(BrokersKey.KEY).getEntries().values().forEach(b -> brokers.put(b.brokerId(), b));
    }
    brokersLoaded = true;
    return startedIfLoaded();
  }

  private Behavior<Command> startedIfLoaded() {
    if (clusterId == null || !topicsLoaded || !brokersLoaded) {
      return Behaviors.same();
    }
    LOG.info(
        "Controller started on broker {}: cluster {}, {} topics, brokers {}",
        brokerId,
        clusterId,
        topics.size(),
        brokers.keySet());
    placeInBackground(topics.values(), "controller start");
    return stash.unstashAll(idle());
  }

  private Behavior<Command> stashIt(Command command) {
    if (stash.isFull()) {
      LOG.warn("Controller stash full, dropping {}", command);
    } else {
      stash.stash(command);
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------------------------------------
  // Idle: ready for the next creation or deletion. Busy: one is writing.

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(CreateTopic.class, this::onCreateTopic)
        .onMessage(DeleteTopic.class, this::onDeleteTopic)
        .onMessage(CreatePartitions.class, this::onCreatePartitions)
        .onMessage(DescribeTopic.class, this::onDescribeTopic)
        .onMessage(ListTopics.class, this::onListTopics)
        .onMessage(DescribeCluster.class, this::onDescribeCluster)
        .onMessage(DataChanged.class, this::onDataChanged)
        .build();
  }

  private Behavior<Command> busy() {
    return Behaviors.receive(Command.class)
        .onMessage(TopicWritten.class, this::onTopicWritten)
        .onMessage(TopicRemoved.class, this::onTopicRemoved)
        .onMessage(PartitionsWritten.class, this::onPartitionsWritten)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(DescribeTopic.class, this::onDescribeTopic)
        .onMessage(ListTopics.class, this::onListTopics)
        .onMessage(DescribeCluster.class, this::onDescribeCluster)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onAnyMessage(this::stashIt)
        .build();
  }

  private Behavior<Command> onCreateTopic(CreateTopic request) {
    var validated =
        NewTopics.validate(
            request,
            topics,
            new TreeSet<>(liveBrokers().keySet()),
            settings.maxPartitionsPerTopic());
    if (validated.error() != null) {
      request.replyTo().tell(new TopicResult(null, validated.error()));
      return Behaviors.same();
    }
    TopicMetadata topic = validated.topic();
    String name = topic.name();
    topicsReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                TopicsKey.KEY,
                LWWMap.empty(),
                new Replicator.WriteMajority(settings.writeTimeout()),
                replyTo,
                map -> {
                  if (map.contains(name)) {
                    throw new TopicExists(name);
                  }
                  return map.put(node, name, topic);
                }),
        response -> new TopicWritten(request, topic, response));
    return busy();
  }

  private Behavior<Command> onTopicWritten(TopicWritten written) {
    var response = written.response();
    TopicMetadata topic = written.topic();
    ActorRef<TopicResult> replyTo = written.request().replyTo();
    if (response instanceof Replicator.ModifyFailure) {
      return finish(replyTo, exists(topic.name()));
    }
    if (response instanceof Replicator.UpdateDataDeleted) {
      throw new IllegalStateException("The topics key was deleted; it never is");
    }
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
        partitions.place(placements(List.of(topic))),
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
            new TreeSet<>(liveBrokers().keySet()),
            settings.maxPartitionsPerTopic());
    if (validated.error() != null) {
      request.replyTo().tell(new TopicResult(null, validated.error()));
      return Behaviors.same();
    }
    TopicMetadata before = topics.get(request.name());
    TopicMetadata grown = validated.topic();
    topicsReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                TopicsKey.KEY,
                LWWMap.empty(),
                new Replicator.WriteMajority(settings.writeTimeout()),
                replyTo,
                map -> {
                  if (!before.equals(map.getEntries().get(before.name()))) {
                    throw new TopicChanged(before.name());
                  }
                  return map.put(node, grown.name(), grown);
                }),
        response -> new PartitionsWritten(request, before, grown, response));
    return busy();
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
    if (response instanceof Replicator.UpdateDataDeleted) {
      throw new IllegalStateException("The topics key was deleted; it never is");
    }
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
        partitions.place(placements(List.of(onlyAdded))),
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
    topicsReplicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                TopicsKey.KEY,
                LWWMap.empty(),
                new Replicator.WriteMajority(settings.writeTimeout()),
                replyTo,
                map -> map.remove(node, topic.name())),
        response -> new TopicRemoved(request, topic, response));
    return busy();
  }

  private Behavior<Command> onTopicRemoved(TopicRemoved removed) {
    TopicMetadata topic = removed.topic();
    var response = removed.response();
    if (response instanceof Replicator.UpdateDataDeleted) {
      throw new IllegalStateException("The topics key was deleted; it never is");
    }
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
    LOG.info(
        "Deleted topic {}; deleting its {} partitions", topic.name(), topic.partitions().size());
    var deletions =
        topic.partitions().stream()
            .map(p -> partitions.delete(topic.name(), p.partition()).toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    context.pipeToSelf(
        CompletableFuture.allOf(deletions),
        (done, failure) -> {
          if (failure != null) {
            LOG.error("Deleting the partitions of topic {} failed", topic.name(), failure);
          }
          return new Finished(removed.request().replyTo(), result);
        });
    return Behaviors.same();
  }

  private Behavior<Command> onFinished(Finished finished) {
    return finish(finished.replyTo(), finished.result());
  }

  private Behavior<Command> finish(ActorRef<TopicResult> replyTo, TopicResult result) {
    replyTo.tell(result);
    return stash.unstashAll(idle());
  }

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
        liveBrokers().values().stream()
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
    }
    return Behaviors.same();
  }

  private void onBrokersChanged(Map<String, BrokerRegistration> registrations) {
    List<Integer> moved = new ArrayList<>();
    for (BrokerRegistration registration : registrations.values()) {
      BrokerRegistration before = brokers.put(registration.brokerId(), registration);
      if (before == null || !before.address().equals(registration.address())) {
        moved.add(registration.brokerId());
      }
    }
    if (!moved.isEmpty() && topicsLoaded) {
      LOG.info("Brokers {} registered at new addresses; placing their partitions", moved);
      placeInBackground(
          topics.values().stream()
              .filter(t -> t.partitions().stream().anyMatch(p -> moved.contains(p.leader())))
              .toList(),
          "brokers " + moved + " registered");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Live brokers and placement.

  /** Registrations whose member is up, by broker id. */
  private Map<Integer, BrokerRegistration> liveBrokers() {
    Map<String, Member> up = new HashMap<>();
    for (Member member : Cluster.get(context.getSystem()).state().getMembers()) {
      if (member.status().equals(MemberStatus.up())) {
        up.put(member.address().toString(), member);
      }
    }
    Map<Integer, BrokerRegistration> live = new TreeMap<>();
    brokers.values().stream()
        .filter(b -> up.containsKey(b.address()))
        .forEach(b -> live.put(b.brokerId(), b));
    return live;
  }

  private List<PartitionEntities.Placement> placements(Collection<TopicMetadata> topicsToPlace) {
    Map<Integer, BrokerRegistration> live = liveBrokers();
    List<PartitionEntities.Placement> placements = new ArrayList<>();
    for (TopicMetadata topic : topicsToPlace) {
      for (PartitionAssignment p : topic.partitions()) {
        BrokerRegistration leader = live.get(p.leader());
        if (leader != null) {
          placements.add(
              new PartitionEntities.Placement(
                  topic.name(), p.partition(), parseAddress(leader.address())));
        }
      }
    }
    return placements;
  }

  private void placeInBackground(Collection<TopicMetadata> topicsToPlace, String why) {
    var placements = placements(topicsToPlace);
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

  private static Address parseAddress(String address) {
    return AddressFromURIString.parse(address);
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
