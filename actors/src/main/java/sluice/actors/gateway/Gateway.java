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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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
import sluice.storage.record.CorruptRecordException;

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
 * leaders and decoding fetched batches run on the dispatcher, and replies go straight to {@code
 * replyTo} from there, so the actor only routes.
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
      Duration leaderAskMargin) {
    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("sluice.gateway");
      return new Settings(
          c.getDuration("admin-timeout"),
          c.getDuration("retry-backoff"),
          c.getDuration("retry-max-backoff"),
          c.getDuration("leader-ask-margin"));
    }
  }

  // Internal messages: produced inside the actor by adapters, never sent remotely.

  /** A subscribed key changed (one record for all keys: adapters are registered by class). */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Command {}

  /** The local replica's topics, read because {@code pending} named a topic not in the cache. */
  private record TopicsRead(
      Replicator.GetResponse<LWWMap<String, TopicMetadata>> response, Command pending)
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
            DistributedData.<Command, LWWMap<String, TopicMetadata>>withReplicatorMessageAdapter(
                topics ->
                    DistributedData
                        .<Command, LWWMap<String, BrokerRegistration>>withReplicatorMessageAdapter(
                            brokers ->
                                new Gateway(
                                        context,
                                        topics,
                                        brokers,
                                        settings,
                                        controller,
                                        leaders,
                                        clusterId,
                                        clock,
                                        random)
                                    .start())));
  }

  private final ActorContext<Command> context;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, TopicMetadata>> topicsReplicator;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, BrokerRegistration>>
      brokersReplicator;
  private final Settings settings;
  private final ActorRef<Controller.Command> controller;
  private final PartitionLeaders leaders;
  private final String clusterId;
  private final Clock clock;
  private final Partitioner partitioner;
  private final Executor executor;
  private final LeaderRetry retry;

  private final Map<String, TopicMetadata> topics = new HashMap<>();
  private final Map<Integer, BrokerRegistration> brokers = new HashMap<>();

  private Gateway(
      ActorContext<Command> context,
      ReplicatorMessageAdapter<Command, LWWMap<String, TopicMetadata>> topicsReplicator,
      ReplicatorMessageAdapter<Command, LWWMap<String, BrokerRegistration>> brokersReplicator,
      Settings settings,
      ActorRef<Controller.Command> controller,
      PartitionLeaders leaders,
      String clusterId,
      Clock clock,
      Random random) {
    this.context = context;
    this.topicsReplicator = topicsReplicator;
    this.brokersReplicator = brokersReplicator;
    this.settings = settings;
    this.controller = controller;
    this.leaders = leaders;
    this.clusterId = clusterId;
    this.clock = clock;
    this.partitioner = new Partitioner(random);
    this.executor = context.getExecutionContext();
    this.retry = new LeaderRetry(settings.retryBackoff(), settings.retryMaxBackoff(), executor);
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
                        : new TopicReply(
                            null,
                            ApiError.of(
                                ErrorCode.REQUEST_TIMED_OUT,
                                "The controller did not answer to %s within %s",
                                what,
                                settings.adminTimeout()))));
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
    TopicMetadata topic = topics.get(request.topic());
    if (topic == null) {
      return lookUp(request.topic(), request);
    }
    Partitioner.Request choice = partitioner.startRequest(topic.name(), topic.partitions().size());
    long now = clock.millis();
    long deadline = System.nanoTime() + Duration.ofMillis(request.timeoutMs()).toNanos();
    CompletableFuture.supplyAsync(
            () -> ProducePlan.plan(topic.name(), choice, records, now), executor)
        .thenCompose(plan -> send(plan, records.size(), request, deadline))
        .whenComplete(
            (results, failure) ->
                request
                    .replyTo()
                    .tell(
                        failure == null
                            ? new ProduceReply(results)
                            : produceError(
                                records.size(),
                                request.topic(),
                                ApiError.of(
                                    ErrorCode.UNKNOWN_SERVER_ERROR,
                                    "Producing to topic '%s' failed: %s",
                                    request.topic(),
                                    failure))));
    return Behaviors.same();
  }

  private CompletionStage<List<RecordResult>> send(
      ProducePlan plan, int size, Produce request, long deadlineNanos) {
    RecordResult[] results = plan.newResults(size);
    Duration askTimeout = Duration.ofMillis(request.timeoutMs()).plus(settings.leaderAskMargin());
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (ProducePlan.PartitionBatch batch : plan.batches()) {
      CompletionStage<PartitionLeaders.Appended> appended =
          retry.call(
              () ->
                  leaders.append(
                      plan.topic(),
                      batch.partition(),
                      batch.batch(),
                      request.acks(),
                      request.timeoutMs(),
                      askTimeout),
              PartitionLeaders.Appended::error,
              error -> new PartitionLeaders.Appended(-1L, -1L, error),
              partitionName(plan.topic(), batch.partition()),
              deadlineNanos);
      sends.add(
          appended.thenAccept(reply -> fill(results, plan, batch, reply)).toCompletableFuture());
    }
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> List.of(results));
  }

  private static void fill(
      RecordResult[] results,
      ProducePlan plan,
      ProducePlan.PartitionBatch batch,
      PartitionLeaders.Appended reply) {
    for (int j = 0; j < batch.indexes().length; j++) {
      RecordResult result;
      if (reply.error() != null) {
        result = plan.failed(batch.partition(), reply.error());
      } else {
        long offset = reply.baseOffset() < 0 ? -1L : reply.baseOffset() + j;
        long timestamp = reply.logAppendTime() >= 0 ? reply.logAppendTime() : batch.timestamps()[j];
        result = new RecordResult(plan.topic(), batch.partition(), offset, timestamp, null);
      }
      results[batch.indexes()[j]] = result;
    }
  }

  private static String partitionName(String topic, int partition) {
    return "Partition " + topic + "-" + partition;
  }

  private Behavior<Command> replyProduceError(Produce request, ApiError error) {
    request.replyTo().tell(produceError(request.records().size(), request.topic(), error));
    return Behaviors.same();
  }

  private static ProduceReply produceError(int size, String topic, ApiError error) {
    RecordResult[] results = new RecordResult[size];
    Arrays.fill(results, new RecordResult(topic, -1, -1L, -1L, error));
    return new ProduceReply(List.of(results));
  }

  // ---------------------------------------------------------------------------------------------
  // Fetch and offsets.

  private Behavior<Command> onFetch(Fetch request) {
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
    ApiError missing = partitionError(request.topic(), request.partition());
    if (missing == MISSING_TOPIC) {
      return lookUp(request.topic(), request);
    }
    if (missing != null) {
      request.replyTo().tell(new FetchReply(List.of(), null, missing));
      return Behaviors.same();
    }
    String name = partitionName(request.topic(), request.partition());
    Duration askTimeout = Duration.ofMillis(request.maxWaitMs()).plus(settings.leaderAskMargin());
    retry
        .call(
            () ->
                leaders.fetch(
                    request.topic(),
                    request.partition(),
                    request.offset(),
                    request.maxBytes(),
                    request.maxWaitMs(),
                    askTimeout),
            PartitionLeaders.Fetched::error,
            error -> new PartitionLeaders.Fetched(null, null, error),
            name,
            deadline(request.maxWaitMs()))
        .thenApply(reply -> decode(request, reply))
        .whenComplete(
            (reply, failure) ->
                request
                    .replyTo()
                    .tell(
                        failure == null
                            ? reply
                            : new FetchReply(
                                List.of(),
                                null,
                                ApiError.of(
                                    ErrorCode.UNKNOWN_SERVER_ERROR,
                                    "Fetching from %s failed: %s",
                                    name,
                                    failure))));
    return Behaviors.same();
  }

  private static FetchReply decode(Fetch request, PartitionLeaders.Fetched reply) {
    if (reply.error() != null) {
      return new FetchReply(List.of(), reply.offsets(), reply.error());
    }
    try {
      return new FetchReply(
          BatchDecoder.decode(
              request.topic(), request.partition(), reply.batches(), request.offset()),
          reply.offsets(),
          null);
    } catch (CorruptRecordException e) {
      return new FetchReply(
          List.of(),
          reply.offsets(),
          ApiError.of(
              ErrorCode.CORRUPT_MESSAGE,
              "Partition %s-%d served a corrupt batch: %s",
              request.topic(),
              request.partition(),
              e.getMessage()));
    }
  }

  private Behavior<Command> onGetOffsets(GetOffsets request) {
    ApiError missing = partitionError(request.topic(), request.partition());
    if (missing == MISSING_TOPIC) {
      return lookUp(request.topic(), request);
    }
    if (missing != null) {
      request.replyTo().tell(new OffsetsReply(null, missing));
      return Behaviors.same();
    }
    retry
        .call(
            () -> leaders.offsets(request.topic(), request.partition(), settings.leaderAskMargin()),
            OffsetsReply::error,
            error -> new OffsetsReply(null, error),
            partitionName(request.topic(), request.partition()),
            deadline(0))
        .thenAccept(request.replyTo()::tell);
    return Behaviors.same();
  }

  private Behavior<Command> onOffsetForTime(OffsetForTime request) {
    ApiError missing = partitionError(request.topic(), request.partition());
    if (missing == MISSING_TOPIC) {
      return lookUp(request.topic(), request);
    }
    if (missing != null) {
      request.replyTo().tell(new OffsetForTimeReply(-1L, missing));
      return Behaviors.same();
    }
    retry
        .call(
            () ->
                leaders.offsetForTime(
                    request.topic(),
                    request.partition(),
                    request.timestamp(),
                    settings.leaderAskMargin()),
            OffsetForTimeReply::error,
            error -> new OffsetForTimeReply(-1L, error),
            partitionName(request.topic(), request.partition()),
            deadline(0))
        .thenAccept(request.replyTo()::tell);
    return Behaviors.same();
  }

  /** Retries of leadership errors may go on for the wait plus the ask margin. */
  private long deadline(long waitMs) {
    return System.nanoTime() + Duration.ofMillis(waitMs).plus(settings.leaderAskMargin()).toNanos();
  }

  /** Marks a topic missing from the cache; never sent to a client. */
  private static final ApiError MISSING_TOPIC =
      new ApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "not in the cache");

  /** Null if the partition exists, {@link #MISSING_TOPIC} if the topic is not cached, else why. */
  private ApiError partitionError(String topicName, int partition) {
    TopicMetadata topic = topics.get(topicName);
    if (topic == null) {
      return MISSING_TOPIC;
    }
    if (partition < 0 || partition >= topic.partitions().size()) {
      return ProducePlan.unknownPartition(topicName, partition, topic.partitions().size());
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Topic metadata cache.

  /** Reads the local replica for a topic not in the cache, then handles {@code pending} again. */
  private Behavior<Command> lookUp(String topic, Command pending) {
    topicsReplicator.askGet(
        replyTo -> new Replicator.Get<>(TopicsKey.KEY, Replicator.readLocal(), replyTo),
        response -> new TopicsRead(response, pending));
    return Behaviors.same();
  }

  private Behavior<Command> onTopicsRead(TopicsRead read) {
    if (read.response() instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> success) {
      topics.clear();
      topics.putAll(success.get(TopicsKey.KEY).getEntries());
    }
    Command pending = read.pending();
    String topic = topicOf(pending);
    if (topics.containsKey(topic)) {
      return handleAgain(pending);
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

  private Behavior<Command> handleAgain(Command command) {
    if (command instanceof Produce produce) {
      return onProduce(produce);
    } else if (command instanceof Fetch fetch) {
      return onFetch(fetch);
    } else if (command instanceof GetOffsets get) {
      return onGetOffsets(get);
    } else if (command instanceof OffsetForTime get) {
      return onOffsetForTime(get);
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
      topics.clear();
      topics.putAll(((LWWMap<String, TopicMetadata>) changed.dataValue()).getEntries());
    } else if (changed.key().equals(BrokersKey.KEY)) {
      registered(((LWWMap<String, BrokerRegistration>) changed.dataValue()).getEntries());
    }
    return Behaviors.same();
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
