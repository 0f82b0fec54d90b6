package sluice.actors.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.BrokerInfo;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.actors.api.TopicDescription;
import sluice.actors.controller.Controller;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.BrokersKey;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;

/**
 * The front door every front door uses (HTTP now, the Java client later): one per broker,
 * registered with the Receptionist under {@link #SERVICE_KEY}.
 *
 * <p>Topic administration goes to the {@link Controller} singleton. Produce, fetch and offset
 * requests go straight to the partition leaders ({@link PartitionLeaders}: in a broker, the sharded
 * leader entities through their {@code EntityRef}, entity id {@code topic-partition}); leadership
 * errors are retried with backoff within the request's time (see {@link LeaderRetry}). Topic
 * metadata is cached from Distributed Data: a subscription keeps it current, and a topic missing
 * from the cache is read from the local replica before it is reported unknown, so a topic created a
 * moment ago through this broker is seen at once.
 *
 * <p>Partition choice ({@link Partitioner}) happens in the actor; building the batches, asking the
 * leaders and decoding fetched batches ({@link PartitionCalls}) run on the dispatcher, and replies
 * go straight to {@code replyTo} from there, so the actor only checks and routes.
 */
public final class Gateway {
  public static final ServiceKey<Command> SERVICE_KEY =
      ServiceKey.create(Command.class, "sluice-gateway");

  public sealed interface Command extends CborSerializable {}

  public record DescribeCluster(ActorRef<ClusterDescription> replyTo) implements Command {}

  public record ClusterDescription(String clusterId, int controllerId, List<BrokerInfo> brokers)
      implements CborSerializable {}

  public record CreateTopic(
      String name,
      int partitions,
      Integer replicationFactor,
      Map<String, String> configs,
      ActorRef<TopicReply> replyTo)
      implements Command {}

  public record DeleteTopic(String name, ActorRef<TopicReply> replyTo) implements Command {}

  public record DescribeTopic(String name, ActorRef<TopicReply> replyTo) implements Command {}

  /**
   * Adds partitions to a topic so that it has {@code partitions} in all (Kafka's CreatePartitions):
   * the count must be greater than the current one and at most {@code
   * sluice.controller.max-partitions-per-topic}. Answered with the grown topic; once answered, this
   * gateway produces to, fetches from and spreads keys over the new partitions.
   */
  public record CreatePartitions(String name, int partitions, ActorRef<TopicReply> replyTo)
      implements Command {}

  /** Exactly one of {@code topic} and {@code error} is non-null. */
  public record TopicReply(TopicDescription topic, ApiError error) implements CborSerializable {}

  public record ListTopics(ActorRef<TopicList> replyTo) implements Command {}

  public record TopicList(List<TopicDescription> topics) implements CborSerializable {}

  public record Produce(
      String topic,
      List<ProduceRecord> records,
      Acks acks,
      long timeoutMs,
      ActorRef<ProduceReply> replyTo)
      implements Command {}

  /** One result per record, in request order. */
  public record ProduceReply(List<RecordResult> results) implements CborSerializable {}

  public record Fetch(
      String topic,
      int partition,
      long offset,
      int maxBytes,
      long maxWaitMs,
      ActorRef<FetchReply> replyTo)
      implements Command {}

  public record FetchReply(List<ConsumedRecord> records, PartitionOffsets offsets, ApiError error)
      implements CborSerializable {}

  public record GetOffsets(String topic, int partition, ActorRef<OffsetsReply> replyTo)
      implements Command {}

  public record OffsetsReply(PartitionOffsets offsets, ApiError error)
      implements CborSerializable {}

  public record OffsetForTime(
      String topic, int partition, long timestamp, ActorRef<OffsetForTimeReply> replyTo)
      implements Command {}

  public record OffsetForTimeReply(long offset, ApiError error) implements CborSerializable {}

  /** Settings under {@code sluice.gateway}. */
  public record Settings(
      Duration adminTimeout,
      Duration retryBackoff,
      Duration retryMaxBackoff,
      Duration leaderAskMargin,
      Duration metadataReadTimeout) {
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("sluice.gateway");
      return new Settings(
          c.getDuration("admin-timeout"),
          c.getDuration("retry-backoff"),
          c.getDuration("retry-max-backoff"),
          c.getDuration("leader-ask-margin"),
          c.getDuration("metadata-read-timeout"));
    }
  }

  // Internal messages: produced inside the actor by adapters, never sent remotely.

  /** A subscribed key changed (one record for all keys: adapters are registered by class). */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Command {}

  /**
   * The topics, read because {@code pending} named a topic not in the cache: from the local replica
   * first, then from a majority ({@code majority}).
   */
  private record TopicsRead(
      Replicator.GetResponse<LWWMap<String, TopicMetadata>> response,
      Command pending,
      boolean majority)
      implements Command {}

  /** The controller's answer to a {@link CreatePartitions}, or null if it did not answer. */
  private record PartitionsAnswered(Controller.TopicResult result, CreatePartitions request)
      implements Command {}

  /**
   * The topics read from a majority after partitions were added; they hold the grown topic, which
   * the cache takes before the reply goes out.
   */
  private record PartitionsCreated(
      Controller.TopicResult result,
      Replicator.GetResponse<LWWMap<String, TopicMetadata>> topics,
      ActorRef<TopicReply> replyTo)
      implements Command {}

  /** The local replica's broker registry, read once at start. */
  private record BrokersRead(Replicator.GetResponse<LWWMap<String, BrokerRegistration>> response)
      implements Command {}

  /** The controller's answer to a list, or null if it did not answer. */
  private record Listed(Controller.TopicListing listing, ActorRef<TopicList> replyTo)
      implements Command {}

  public static Behavior<Command> create(
      Settings settings,
      ActorRef<Controller.Command> controller,
      PartitionLeaders leaders,
      String clusterId) {
    return create(settings, controller, leaders, clusterId, Clock.systemUTC(), new Random());
  }

  /** With an injected clock (record timestamps) and randomness (sticky partitions), for tests. */
  public static Behavior<Command> create(
      Settings settings,
      ActorRef<Controller.Command> controller,
      PartitionLeaders leaders,
      String clusterId,
      Clock clock,
      Random random) {
    return Behaviors.setup(
        context ->
            new Gateway(context, settings, controller, leaders, clusterId, clock, random).start());
  }

  private final ActorContext<Command> context;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, TopicMetadata>> topicsReplicator;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, BrokerRegistration>>
      brokersReplicator;
  private final Settings settings;
  private final ActorRef<Controller.Command> controller;
  private final String clusterId;
  private final Clock clock;
  private final Partitioner partitioner;
  private final PartitionCalls calls;

  private final Map<String, TopicMetadata> topics = new HashMap<>();
  private final Map<Integer, BrokerRegistration> brokers = new HashMap<>();

  private Gateway(
      ActorContext<Command> context,
      Settings settings,
      ActorRef<Controller.Command> controller,
      PartitionLeaders leaders,
      String clusterId,
      Clock clock,
      Random random) {
    this.context = context;
    var replicator = DistributedData.get(context.getSystem()).replicator();
    // The replicator answers every request itself (timeouts included); this only guards the ask.
    Duration guard = settings.metadataReadTimeout().plus(settings.leaderAskMargin());
    this.topicsReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.brokersReplicator = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.settings = settings;
    this.controller = controller;
    this.clusterId = clusterId;
    this.clock = clock;
    this.partitioner = new Partitioner(random);
    this.calls = new PartitionCalls(leaders, settings, context.getExecutionContext());
  }

  private Behavior<Command> start() {
    context.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, context.getSelf()));
    topicsReplicator.subscribe(TopicsKey.KEY, DataChanged::new);
    brokersReplicator.subscribe(BrokersKey.KEY, DataChanged::new);
    brokersReplicator.askGet(
        replyTo -> new Replicator.Get<>(BrokersKey.KEY, Replicator.readLocal(), replyTo),
        BrokersRead::new);
    return Behaviors.receive(Command.class)
        .onMessage(DescribeCluster.class, this::onDescribeCluster)
        .onMessage(CreateTopic.class, this::onCreateTopic)
        .onMessage(DeleteTopic.class, this::onDeleteTopic)
        .onMessage(DescribeTopic.class, this::onDescribeTopic)
        .onMessage(CreatePartitions.class, this::onCreatePartitions)
        .onMessage(PartitionsAnswered.class, this::onPartitionsAnswered)
        .onMessage(PartitionsCreated.class, this::onPartitionsCreated)
        .onMessage(ListTopics.class, this::onListTopics)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Produce.class, this::onProduce)
        .onMessage(Fetch.class, this::onFetch)
        .onMessage(GetOffsets.class, this::onGetOffsets)
        .onMessage(OffsetForTime.class, this::onOffsetForTime)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(TopicsRead.class, this::onTopicsRead)
        .onMessage(BrokersRead.class, this::onBrokersRead)
        .build();
  }

  // ---------------------------------------------------------------------------------------------
  // Cluster and topic administration.

  private Behavior<Command> onDescribeCluster(DescribeCluster request) {
    Map<String, Integer> idsByAddress = new HashMap<>();
    brokers.values().forEach(b -> idsByAddress.put(b.address(), b.brokerId()));
    List<BrokerInfo> live = new ArrayList<>();
    Member oldest = null;
    for (Member member : Cluster.get(context.getSystem()).state().getMembers()) {
      if (!member.status().equals(MemberStatus.up())) {
        continue;
      }
      if (oldest == null || member.isOlderThan(oldest)) {
        oldest = member;
      }
      Integer id = idsByAddress.get(member.address().toString());
      if (id != null) {
        live.add(brokers.get(id).info());
      }
    }
    live.sort(Comparator.comparingInt(BrokerInfo::brokerId));
    // The controller singleton runs on the oldest member.
    int controllerId =
        oldest == null ? -1 : idsByAddress.getOrDefault(oldest.address().toString(), -1);
    request.replyTo().tell(new ClusterDescription(clusterId, controllerId, List.copyOf(live)));
    return Behaviors.same();
  }

  private Behavior<Command> onCreateTopic(CreateTopic request) {
    askController(
        replyTo ->
            new Controller.CreateTopic(
                request.name(),
                request.partitions(),
                request.replicationFactor(),
                request.configs(),
                false,
                replyTo),
        request.replyTo(),
        "create topic '" + request.name() + "'");
    return Behaviors.same();
  }

  private Behavior<Command> onDeleteTopic(DeleteTopic request) {
    askController(
        replyTo -> new Controller.DeleteTopic(request.name(), replyTo),
        request.replyTo(),
        "delete topic '" + request.name() + "'");
    return Behaviors.same();
  }

  private Behavior<Command> onDescribeTopic(DescribeTopic request) {
    askController(
        replyTo -> new Controller.DescribeTopic(request.name(), replyTo),
        request.replyTo(),
        "describe topic '" + request.name() + "'");
    return Behaviors.same();
  }

  private Behavior<Command> onCreatePartitions(CreatePartitions request) {
    context.ask(
        Controller.TopicResult.class,
        controller,
        settings.adminTimeout(),
        replyTo -> new Controller.CreatePartitions(request.name(), request.partitions(), replyTo),
        (result, failure) -> new PartitionsAnswered(result, request));
    return Behaviors.same();
  }

  private Behavior<Command> onPartitionsAnswered(PartitionsAnswered answered) {
    CreatePartitions request = answered.request();
    Controller.TopicResult result = answered.result();
    if (result == null) {
      request
          .replyTo()
          .tell(new TopicReply(null, noAnswer("add partitions to topic '" + request.name() + "'")));
    } else if (result.error() != null) {
      request.replyTo().tell(new TopicReply(null, result.error()));
    } else {
      // The controller wrote with WriteMajority, so a majority read sees the new count: produce
      // through this gateway spreads keys over the new partitions once the client has the answer.
      topicsReplicator.askGet(
          replyTo ->
              new Replicator.Get<>(
                  TopicsKey.KEY,
                  new Replicator.ReadMajority(settings.metadataReadTimeout()),
                  replyTo),
          response -> new PartitionsCreated(result, response, request.replyTo()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onPartitionsCreated(PartitionsCreated created) {
    if (created.topics() instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> success) {
      cacheAll(success.get(TopicsKey.KEY).getEntries());
    }
    created.replyTo().tell(new TopicReply(created.result().topic(), null));
    return Behaviors.same();
  }

  private ApiError noAnswer(String what) {
    return ApiError.of(
        ErrorCode.REQUEST_TIMED_OUT,
        "The controller did not answer to %s within %s",
        what,
        settings.adminTimeout());
  }

  private void askController(
      akka.japi.function.Function<ActorRef<Controller.TopicResult>, Controller.Command> message,
      ActorRef<TopicReply> replyTo,
      String what) {
    AskPattern.ask(controller, message, settings.adminTimeout(), context.getSystem().scheduler())
        .whenComplete(
            (result, failure) ->
                replyTo.tell(
                    failure == null
                        ? new TopicReply(result.topic(), result.error())
                        : new TopicReply(null, noAnswer(what))));
  }

  private Behavior<Command> onListTopics(ListTopics request) {
    context.ask(
        Controller.TopicListing.class,
        controller,
        settings.adminTimeout(),
        Controller.ListTopics::new,
        (listing, failure) -> new Listed(listing, request.replyTo()));
    return Behaviors.same();
  }

  private Behavior<Command> onListed(Listed listed) {
    if (listed.listing() != null) {
      listed.replyTo().tell(new TopicList(listed.listing().topics()));
    } else {
      // The controller is away (moving to another broker): answer from this broker's replica.
      context
          .getLog()
          .warn("The controller did not answer a topic list; answering from the local replica");
      listed
          .replyTo()
          .tell(
              new TopicList(
                  topics.values().stream()
                      .sorted(Comparator.comparing(TopicMetadata::name))
                      .map(Controller::describe)
                      .toList()));
    }
    return Behaviors.same();
  }

  // ---------------------------------------------------------------------------------------------
  // Produce.

  private Behavior<Command> onProduce(Produce request) {
    return produce(request, false);
  }

  /**
   * @param refreshed whether the topics were just read because the cache lacked the topic or a
   *     partition a record names; if so, what is still missing is refused
   */
  private Behavior<Command> produce(Produce request, boolean refreshed) {
    List<ProduceRecord> records = request.records() == null ? List.of() : request.records();
    if (records.isEmpty()) {
      request.replyTo().tell(new ProduceReply(List.of()));
      return Behaviors.same();
    }
    if (request.acks() == null) {
      return replyProduceError(
          request, ApiError.of(ErrorCode.INVALID_REQUIRED_ACKS, "acks is required: 0, 1 or all"));
    }
    if (request.timeoutMs() <= 0) {
      return replyProduceError(
          request,
          ApiError.of(
              ErrorCode.INVALID_REQUEST,
              "The produce timeout must be positive milliseconds, not %d",
              request.timeoutMs()));
    }
    if (!refreshed && !cached(request)) {
      return lookUp(request.topic(), request);
    }
    TopicMetadata topic = topics.get(request.topic());
    Partitioner.Request choice = partitioner.startRequest(topic.name(), topic.partitions().size());
    calls
        .produce(topic, choice, records, request.acks(), request.timeoutMs(), clock.millis())
        .thenAccept(request.replyTo()::tell);
    return Behaviors.same();
  }

  private Behavior<Command> replyProduceError(Produce request, ApiError error) {
    request
        .replyTo()
        .tell(PartitionCalls.produceError(request.records().size(), request.topic(), error));
    return Behaviors.same();
  }

  // ---------------------------------------------------------------------------------------------
  // Fetch and offsets.

  private Behavior<Command> onFetch(Fetch request) {
    return fetch(request, false);
  }

  private Behavior<Command> fetch(Fetch request, boolean refreshed) {
    if (request.maxBytes() <= 0 || request.maxWaitMs() < 0) {
      request
          .replyTo()
          .tell(
              new FetchReply(
                  List.of(),
                  null,
                  ApiError.of(
                      ErrorCode.INVALID_REQUEST,
                      "A fetch needs maxBytes > 0 and maxWaitMs >= 0, not maxBytes=%d,"
                          + " maxWaitMs=%d",
                      request.maxBytes(),
                      request.maxWaitMs())));
      return Behaviors.same();
    }
    ApiError missing = partitionError(request.topic(), request.partition(), refreshed);
    if (missing == NOT_CACHED) {
      return lookUp(request.topic(), request);
    }
    if (missing != null) {
      request.replyTo().tell(new FetchReply(List.of(), null, missing));
      return Behaviors.same();
    }
    calls.fetch(request).thenAccept(request.replyTo()::tell);
    return Behaviors.same();
  }

  private Behavior<Command> onGetOffsets(GetOffsets request) {
    return getOffsets(request, false);
  }

  private Behavior<Command> getOffsets(GetOffsets request, boolean refreshed) {
    ApiError missing = partitionError(request.topic(), request.partition(), refreshed);
    if (missing == NOT_CACHED) {
      return lookUp(request.topic(), request);
    }
    if (missing != null) {
      request.replyTo().tell(new OffsetsReply(null, missing));
      return Behaviors.same();
    }
    calls.offsets(request.topic(), request.partition()).thenAccept(request.replyTo()::tell);
    return Behaviors.same();
  }

  private Behavior<Command> onOffsetForTime(OffsetForTime request) {
    return offsetForTime(request, false);
  }

  private Behavior<Command> offsetForTime(OffsetForTime request, boolean refreshed) {
    ApiError missing = partitionError(request.topic(), request.partition(), refreshed);
    if (missing == NOT_CACHED) {
      return lookUp(request.topic(), request);
    }
    if (missing != null) {
      request.replyTo().tell(new OffsetForTimeReply(-1L, missing));
      return Behaviors.same();
    }
    calls
        .offsetForTime(request.topic(), request.partition(), request.timestamp())
        .thenAccept(request.replyTo()::tell);
    return Behaviors.same();
  }

  /** Marks a topic or partition missing from the cache; never sent to a client. */
  private static final ApiError NOT_CACHED =
      new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "not in the cache");

  /**
   * Null if the partition exists; {@link #NOT_CACHED} if the topic, or (unless {@code refreshed})
   * the partition, is not in the cache: partitions may have been added since it was filled; else
   * why the partition does not exist.
   */
  private ApiError partitionError(String topicName, int partition, boolean refreshed) {
    TopicMetadata topic = topics.get(topicName);
    if (topic == null || (!refreshed && partition >= topic.partitions().size())) {
      return NOT_CACHED;
    }
    if (partition < 0 || partition >= topic.partitions().size()) {
      return ProducePlan.unknownPartition(topicName, partition, topic.partitions().size());
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Topic metadata cache.

  /**
   * Reads the topics for a topic not in the cache, then handles {@code pending} again: from the
   * local replica, and if it is not there either, from a majority of brokers (a topic the
   * controller just wrote with WriteMajority may not have reached this broker yet).
   */
  private Behavior<Command> lookUp(String topic, Command pending) {
    topicsReplicator.askGet(
        replyTo -> new Replicator.Get<>(TopicsKey.KEY, Replicator.readLocal(), replyTo),
        response -> new TopicsRead(response, pending, false));
    return Behaviors.same();
  }

  private Behavior<Command> onTopicsRead(TopicsRead read) {
    if (read.response() instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> success) {
      cacheAll(success.get(TopicsKey.KEY).getEntries());
    }
    Command pending = read.pending();
    String topic = topicOf(pending);
    if (cached(pending) || (read.majority() && topics.containsKey(topic))) {
      return handleAgain(pending);
    }
    if (!read.majority()) {
      topicsReplicator.askGet(
          replyTo ->
              new Replicator.Get<>(
                  TopicsKey.KEY,
                  new Replicator.ReadMajority(settings.metadataReadTimeout()),
                  replyTo),
          response -> new TopicsRead(response, pending, true));
      return Behaviors.same();
    }
    ApiError unknown =
        ApiError.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '%s' does not exist", topic);
    if (pending instanceof Produce produce) {
      return replyProduceError(produce, unknown);
    } else if (pending instanceof Fetch fetch) {
      fetch.replyTo().tell(new FetchReply(List.of(), null, unknown));
    } else if (pending instanceof GetOffsets get) {
      get.replyTo().tell(new OffsetsReply(null, unknown));
    } else if (pending instanceof OffsetForTime get) {
      get.replyTo().tell(new OffsetForTimeReply(-1L, unknown));
    }
    return Behaviors.same();
  }

  /** Handles a partition request again after the topics were read; refuses what is missing. */
  private Behavior<Command> handleAgain(Command command) {
    if (command instanceof Produce produce) {
      return produce(produce, true);
    } else if (command instanceof Fetch fetch) {
      return fetch(fetch, true);
    } else if (command instanceof GetOffsets get) {
      return getOffsets(get, true);
    } else if (command instanceof OffsetForTime get) {
      return offsetForTime(get, true);
    }
    throw new IllegalStateException("Not a partition request: " + command);
  }

  /** Whether the cache has the request's topic and every partition the request names. */
  private boolean cached(Command command) {
    TopicMetadata topic = topics.get(topicOf(command));
    return topic != null && highestPartition(command) < topic.partitions().size();
  }

  /** The highest partition a request names explicitly, -1 if none. */
  private static int highestPartition(Command command) {
    if (command instanceof Produce produce) {
      int highest = -1;
      for (ProduceRecord record : produce.records()) {
        if (record != null && record.partition() != null) {
          highest = Math.max(highest, record.partition());
        }
      }
      return highest;
    } else if (command instanceof Fetch fetch) {
      return fetch.partition();
    } else if (command instanceof GetOffsets get) {
      return get.partition();
    } else if (command instanceof OffsetForTime get) {
      return get.partition();
    }
    throw new IllegalStateException("Not a partition request: " + command);
  }

  private static String topicOf(Command command) {
    if (command instanceof Produce produce) {
      return produce.topic();
    } else if (command instanceof Fetch fetch) {
      return fetch.topic();
    } else if (command instanceof GetOffsets get) {
      return get.topic();
    } else if (command instanceof OffsetForTime get) {
      return get.topic();
    }
    throw new IllegalStateException("No topic in " + command);
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onDataChanged(DataChanged message) {
    if (!(message.response() instanceof Replicator.Changed<?> changed)) {
      return Behaviors.same();
    }
    if (changed.key().equals(TopicsKey.KEY)) {
      cacheAll(((LWWMap<String, TopicMetadata>) changed.dataValue()).getEntries());
    } else if (changed.key().equals(BrokersKey.KEY)) {
      registered(((LWWMap<String, BrokerRegistration>) changed.dataValue()).getEntries());
    }
    return Behaviors.same();
  }

  /**
   * Replaces the cache with {@code entries}. Every source (the subscription, local and majority
   * reads) gives the local replica's merged state, which only moves forward, so a partition count
   * seen once is never taken back.
   */
  private void cacheAll(Map<String, TopicMetadata> entries) {
    topics.clear();
    topics.putAll(entries);
  }

  private Behavior<Command> onBrokersRead(BrokersRead read) {
    if (read.response()
        instanceof Replicator.GetSuccess<LWWMap<String, BrokerRegistration>> success) {
      registered(success.get(BrokersKey.KEY).getEntries());
    }
    return Behaviors.same();
  }

  private void registered(Map<String, BrokerRegistration> registrations) {
    brokers.clear();
    registrations.values().forEach(b -> brokers.put(b.brokerId(), b));
  }
}
