package sluice.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.japi.function.Function;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import sluice.actors.api.Acks;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.IdempotentProduce;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.api.RecordResult;
import sluice.actors.api.TopicDescription;
import sluice.actors.gateway.Gateway;
import sluice.actors.gateway.MetadataRefresh;

/**
 * The HTTP API's only way into the broker: asks on the {@link Gateway} protocol, with errors turned
 * into {@link RestException}s (as failed stages) and two caches:
 *
 * <ul>
 *   <li>the cluster id, which never changes once a broker has started;
 *   <li>topic metadata for produce and consume validation, kept {@code
 *       sluice.http.metadata-max-age} (on the given clock); a topic the broker does not know is
 *       never cached, and a topic this API creates or deletes is dropped at once. Whether a copy
 *       serves a request is the gateway's own rule ({@link MetadataRefresh}): a request naming a
 *       partition beyond the cached count describes the topic again before it is refused, so
 *       partitions added through another broker are never refused from the cache. A stale entry can
 *       otherwise only let a request through to the broker, which then answers with its own error.
 * </ul>
 *
 * <p>Thread-safe. Every ask waits {@code request-timeout} plus a grace second, so that the broker's
 * own timeout answer (which says more) normally arrives first; a fetch waits its own wait plus
 * {@link #FETCH_GRACE}.
 */
final class GatewayClient {
  private static final Duration GRACE = Duration.ofSeconds(1);

  /** How long past its wait a fetch may take before the broker counts as not answering. */
  static final Duration FETCH_GRACE = Duration.ofSeconds(5);

  /** The highest partition of a request that names none, for {@link #topicMetadataCovering}. */
  static final int NO_PARTITION = MetadataRefresh.NO_PARTITION;

  private final ActorSystem<?> system;
  private final ActorRef<Gateway.Command> gateway;
  private final Scheduler scheduler;
  private final HttpSettings settings;
  private final Duration askTimeout;
  private final Clock clock;
  private final AtomicReference<CompletableFuture<String>> clusterId = new AtomicReference<>();
  private final Map<String, CachedTopic> topics = new ConcurrentHashMap<>();

  private record CachedTopic(TopicDescription topic, long takenAtMillis) {}

  GatewayClient(ActorSystem<?> system, ActorRef<Gateway.Command> gateway, HttpSettings settings) {
    this(system, gateway, settings, Clock.systemUTC());
  }

  /** With the clock that ages cached topics. */
  GatewayClient(
      ActorSystem<?> system,
      ActorRef<Gateway.Command> gateway,
      HttpSettings settings,
      Clock clock) {
    this.clock = clock;
    this.system = system;
    this.gateway = gateway;
    this.scheduler = system.scheduler();
    this.settings = settings;
    this.askTimeout = settings.requestTimeout().plus(GRACE);
  }

  HttpSettings settings() {
    return settings;
  }

  ActorSystem<?> system() {
    return system;
  }

  CompletionStage<AdminRequest.ClusterDescription> describeCluster() {
    return admin("DescribeCluster", AdminRequest.DescribeCluster::new, askTimeout);
  }

  /** The cluster id, asked once and then remembered (a failed ask is asked again next time). */
  CompletionStage<String> clusterId() {
    CompletableFuture<String> known = clusterId.get();
    if (known != null) {
      return known;
    }
    CompletableFuture<String> mine = new CompletableFuture<>();
    if (!clusterId.compareAndSet(null, mine)) {
      return clusterId.get();
    }
    describeCluster()
        .whenComplete(
            (cluster, failure) -> {
              if (failure != null) {
                clusterId.compareAndSet(mine, null);
                mine.completeExceptionally(failure);
              } else {
                mine.complete(cluster.clusterId());
              }
            });
    return mine;
  }

  /** Fails with 404 unless {@code id} is this cluster's id. */
  CompletionStage<String> checkClusterId(String id) {
    return clusterId()
        .thenApply(
            actual -> {
              if (!actual.equals(id)) {
                throw RestException.notFound(
                    "Cluster '%s' not found; this broker belongs to cluster '%s'.",
                    Params.abbreviate(id), actual);
              }
              return actual;
            });
  }

  /** The topic as the controller knows it now; fails with 40401 if there is none. */
  CompletionStage<TopicDescription> describeTopic(String name) {
    return this.<AdminRequest.TopicReply>admin(
            "DescribeTopic", replyTo -> new AdminRequest.DescribeTopic(name, replyTo), askTimeout)
        .thenApply(reply -> topicOrThrow(name, reply));
  }

  /** The topic for validating a produce or consume: from the cache when it is fresh. */
  CompletionStage<TopicDescription> topicMetadata(String name) {
    return topicMetadataCovering(name, NO_PARTITION);
  }

  /**
   * The topic for validating a request that names partitions up to {@code highestPartition} ({@link
   * #NO_PARTITION} when it names none): from the cache when the cached topic is fresh and has that
   * partition, else from the broker's metadata view ({@link Gateway.TopicInView}: read again
   * locally and then from a majority when it lacks the topic or partition) and cached. So a
   * partition added through another broker is known as soon as a request names it, a partition
   * beyond the fresh count is refused by the caller's check, and produce and consume do not wait on
   * the controller, which may be moving or waiting for a quorum.
   */
  CompletionStage<TopicDescription> topicMetadataCovering(String name, int highestPartition) {
    CachedTopic cached = topics.get(name);
    boolean held =
        cached != null
            && MetadataRefresh.fresh(
                cached.takenAtMillis(), clock.millis(), settings.metadataMaxAge());
    int heldPartitions = held ? cached.topic().partitions().size() : MetadataRefresh.NOT_HELD;
    if (MetadataRefresh.decide(heldPartitions, highestPartition, false)
        == MetadataRefresh.Step.USE) {
      return CompletableFuture.completedFuture(cached.topic());
    }
    // Read again: the view's answer is final (an unknown topic fails the stage).
    return this.<AdminRequest.TopicReply>ask(
            "DescribeTopic",
            replyTo -> new Gateway.TopicInView(name, highestPartition, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              TopicDescription topic = topicOrThrow(name, reply);
              if (!settings.metadataMaxAge().isZero()) {
                topics.put(name, new CachedTopic(topic, clock.millis()));
              }
              return topic;
            });
  }

  CompletionStage<List<TopicDescription>> listTopics() {
    return this.<AdminRequest.TopicList>admin(
            "ListTopics", AdminRequest.ListTopics::new, askTimeout)
        .thenApply(AdminRequest.TopicList::topics);
  }

  CompletionStage<TopicDescription> createTopic(
      String name, int partitions, Integer replicationFactor, Map<String, String> configs) {
    topics.remove(name);
    return this.<AdminRequest.TopicReply>admin(
            "CreateTopic",
            replyTo ->
                new AdminRequest.CreateTopic(name, partitions, replicationFactor, configs, replyTo),
            askTimeout)
        .thenApply(reply -> topicOrThrow(name, reply));
  }

  /** Adds partitions so the topic has {@code partitions}; the cached topic is dropped. */
  CompletionStage<TopicDescription> createPartitions(String name, int partitions) {
    topics.remove(name);
    return this.<AdminRequest.TopicReply>admin(
            "CreatePartitions",
            replyTo -> new AdminRequest.CreatePartitions(name, partitions, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              topics.remove(name);
              return topicOrThrow(name, reply);
            });
  }

  CompletionStage<TopicDescription> deleteTopic(String name) {
    topics.remove(name);
    return this.<AdminRequest.TopicReply>admin(
            "DeleteTopic", replyTo -> new AdminRequest.DeleteTopic(name, replyTo), askTimeout)
        .thenApply(
            reply -> {
              topics.remove(name);
              return topicOrThrow(name, reply);
            });
  }

  /** One result per record, in order; a record's own error stays in its result. */
  CompletionStage<List<RecordResult>> produce(
      String topic, List<ProduceRecord> records, Acks acks) {
    return produce(topic, records, acks, null);
  }

  /**
   * As {@link #produce(String, List, Acks)}, as an idempotent producer's request when {@code
   * idempotent} is not null.
   */
  CompletionStage<List<RecordResult>> produce(
      String topic, List<ProduceRecord> records, Acks acks, IdempotentProduce idempotent) {
    long timeoutMs = settings.requestTimeout().toMillis();
    return this.<Gateway.ProduceReply>ask(
            "Produce",
            replyTo -> new Gateway.Produce(topic, records, acks, timeoutMs, idempotent, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              if (reply.results().size() != records.size()) {
                throw new IllegalStateException(
                    "the gateway answered "
                        + reply.results().size()
                        + " results for "
                        + records.size()
                        + " records");
              }
              return reply.results();
            });
  }

  /** Fetches records; the fetch may park at the log end up to {@code maxWait}. */
  CompletionStage<Gateway.FetchReply> fetch(
      String topic, int partition, long offset, int maxBytes, Duration maxWait) {
    return this.<Gateway.FetchReply>ask(
            "Fetch",
            replyTo ->
                new Gateway.Fetch(topic, partition, offset, maxBytes, maxWait.toMillis(), replyTo),
            maxWait.plus(FETCH_GRACE))
        .thenApply(
            reply -> {
              throwIfError(reply.error(), true);
              return reply;
            });
  }

  CompletionStage<PartitionOffsets> offsets(String topic, int partition) {
    return offsets(topic, partition, askTimeout);
  }

  /** As {@link #offsets(String, int)}, failing with no answer after {@code timeout}. */
  CompletionStage<PartitionOffsets> offsets(String topic, int partition, Duration timeout) {
    return this.<Gateway.OffsetsReply>ask(
            "GetOffsets", replyTo -> new Gateway.GetOffsets(topic, partition, replyTo), timeout)
        .thenApply(
            reply -> {
              throwIfError(reply.error(), true);
              return reply.offsets();
            });
  }

  /** The first offset with a timestamp at or after {@code timestamp}, or -1 if there is none. */
  CompletionStage<Long> offsetForTime(String topic, int partition, long timestamp) {
    return this.<Gateway.OffsetForTimeReply>ask(
            "OffsetForTime",
            replyTo -> new Gateway.OffsetForTime(topic, partition, timestamp, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              throwIfError(reply.error(), true);
              return reply.offset();
            });
  }

  /**
   * A producer id and epoch ({@link Gateway.InitProducerId}): a new one when both are null, else
   * the epoch bump of the given one; the broker waits for ids at most {@code request-timeout}.
   */
  CompletionStage<ProducerIdAndEpoch> initProducerId(Long producerId, Short producerEpoch) {
    long timeoutMs = settings.requestTimeout().toMillis();
    return this.<InitProducerIdReply>ask(
            "InitProducerId",
            replyTo -> new Gateway.InitProducerId(producerId, producerEpoch, timeoutMs, replyTo),
            askTimeout)
        .thenApply(
            reply -> {
              throwIfError(reply.error(), false);
              return reply.producer();
            });
  }

  private static TopicDescription topicOrThrow(String name, AdminRequest.TopicReply reply) {
    throwIfError(reply.error(), false);
    if (reply.topic() == null) {
      throw new IllegalStateException(
          "the gateway answered neither a topic nor an error for " + name);
    }
    return reply.topic();
  }

  private static void throwIfError(ApiError error, boolean partitionLevel) {
    if (error != null) {
      throw RestException.fromApiError(error, partitionLevel);
    }
  }

  /** As {@link #ask}, for an administration request, which the gateway takes wrapped. */
  private <R> CompletionStage<R> admin(
      String what, Function<ActorRef<R>, AdminRequest<R>> request, Duration timeout) {
    return ask(what, replyTo -> new Gateway.Admin(request.apply(replyTo)), timeout);
  }

  private <R> CompletionStage<R> ask(
      String what, Function<ActorRef<R>, Gateway.Command> message, Duration timeout) {
    return AskPattern.<Gateway.Command, R>ask(gateway, message, timeout, scheduler)
        .exceptionally(
            failure -> {
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              if (cause instanceof TimeoutException) {
                throw RestException.noAnswer(what, timeout);
              }
              throw failure instanceof CompletionException c ? c : new CompletionException(cause);
            });
  }
}
