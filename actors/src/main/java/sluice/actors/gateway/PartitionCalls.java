package sluice.actors.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.IdempotentProduce;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordResult;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.AppendValidation;
import sluice.actors.partition.PartitionLeader;
import sluice.storage.log.LogConfig;

/**
 * The gateway's requests to partition leaders, once the gateway has checked the topic and chosen
 * partitions: plans produce batches, asks the leaders through {@link PartitionLeaders} with {@link
 * LeaderRetry}, and turns the answers into gateway replies (per-record results in request order,
 * decoded fetches: the valid batches before a corrupt one, see {@link BatchDecoder}). Every stage
 * completes with a reply, never exceptionally.
 *
 * <p>Order: batches are encoded in parallel on the executor, but each topic's batches are handed to
 * the leaders in the order {@link #produce} was called, so records of successive requests (a
 * streamed produce) get offsets in the order they were sent; with acks 1 or all the gateway sends
 * them as an idempotent producer ({@link GatewayProducer}), so a resend neither writes a batch
 * twice nor lets a later batch overtake it. {@link #produce} must therefore be called from one
 * thread at a time (the gateway actor); the other calls are safe from any thread.
 */
final class PartitionCalls {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionCalls.class);

  private final PartitionLeaders leaders;
  private final LeaderRetry retry;
  private final Clock clock;
  private final Duration askMargin;
  private final Executor executor;
  private final GatewayProducer producer;

  /** Per topic: completes once the latest produce request's batches were handed to the leaders. */
  private final Map<String, CompletableFuture<Void>> dispatched = new HashMap<>();

  /**
   * @param clock the broker's clock, which retry deadlines are read from
   */
  PartitionCalls(
      PartitionLeaders leaders,
      Gateway.Settings settings,
      LeaderRetry retry,
      Clock clock,
      Executor executor,
      GatewayProducer producer) {
    this.producer = producer;
    this.leaders = leaders;
    this.retry = retry;
    this.clock = clock;
    this.askMargin = settings.leaderAskMargin();
    this.executor = executor;
  }

  /**
   * Plans the records into batches (on the executor; one per partition unless that exceeds the
   * topic's {@code max.message.bytes}), appends every batch, and answers one result per record in
   * request order.
   *
   * <p>With {@code idempotent}, a request with a record refused in planning is refused whole (its
   * records could not keep their sequences); a partition's batches are sent one after the other,
   * each after the previous one's answer, so they reach the leader in sequence order even across
   * retries; and since a leader stores a resent batch once, every error a resend may cure is
   * retried within the timeout (a moved or lost leader, a timed-out answer, too few in-sync
   * replicas, an offline data directory), not just leadership moves.
   *
   * @param now the broker's clock, the create time of records that carry none
   */
  CompletionStage<Gateway.ProduceReply> produce(
      TopicMetadata metadata,
      Partitioner.Request choice,
      List<ProduceRecord> records,
      Acks acks,
      long timeoutMs,
      IdempotentProduce idempotent,
      long now) {
    String topic = metadata.name();
    long deadline = clock.millis() + timeoutMs;
    CompletableFuture<Void> previous =
        dispatched.getOrDefault(topic, CompletableFuture.completedFuture(null));
    CompletableFuture<CompletionStage<List<RecordResult>>> sending =
        CompletableFuture.supplyAsync(
                () ->
                    ProducePlan.plan(
                        topic, choice, records, now, maxMessageBytes(metadata), idempotent),
                executor)
            .thenCombine(
                previous,
                (plan, inTurn) ->
                    idempotent == null
                        ? send(plan, records.size(), acks, timeoutMs, deadline)
                        : sendInSequence(plan, records.size(), acks, timeoutMs, deadline));
    // The next request's batches wait for these to be handed over (not answered), even if they
    // fail.
    dispatched.put(topic, sending.handle((handedOver, failure) -> null));
    return sending
        .thenCompose(results -> results)
        .handle(
            (results, failure) ->
                failure == null
                    ? new Gateway.ProduceReply(results)
                    : produceError(
                        records.size(),
                        topic,
                        ApiError.of(
                            ErrorCode.UNKNOWN_SERVER_ERROR,
                            "Producing to topic '%s' failed: %s",
                            topic,
                            failure)));
  }

  /**
   * The topic's {@code max.message.bytes}, as its leader reads it. The controller validated the
   * configs; if the log refused them anyway, the request fails naming why.
   */
  private static int maxMessageBytes(TopicMetadata metadata) {
    return LogConfig.from(PartitionLeader.logConfigs(metadata.configs())).maxMessageBytes();
  }

  private CompletionStage<List<RecordResult>> send(
      ProducePlan plan, int size, Acks acks, long timeoutMs, long deadlineMillis) {
    RecordResult[] results = plan.newResults(size);
    Duration askTimeout = Duration.ofMillis(timeoutMs).plus(askMargin);
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (ProducePlan.PartitionBatch batch : plan.batches()) {
      CompletionStage<PartitionLeaders.Appended> appended =
          acks == Acks.NONE
              ? appendRetrying(
                  plan.topic(),
                  batch,
                  acks,
                  timeoutMs,
                  askTimeout,
                  LeaderRetry::retriable,
                  deadlineMillis)
              : producer.append(
                  plan.topic(),
                  batch.partition(),
                  batch.batch(),
                  batch.indexes().length,
                  acks,
                  timeoutMs,
                  deadlineMillis);
      sends.add(
          appended.thenAccept(reply -> fill(results, plan, batch, reply)).toCompletableFuture());
    }
    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> List.of(results));
  }

  /**
   * Sends an idempotent request's batches: a partition's one after the other, partitions in
   * parallel, each retried on every error a resend may cure; refused whole if planning refused a
   * record.
   */
  private CompletionStage<List<RecordResult>> sendInSequence(
      ProducePlan plan, int size, Acks acks, long timeoutMs, long deadlineMillis) {
    RecordResult[] results = plan.newResults(size);
    if (!plan.rejected().isEmpty()) {
      var first = plan.rejected().entrySet().iterator().next();
      ApiError notWritten =
          ApiError.of(
              ErrorCode.INVALID_REQUEST,
              "Not written: record %d of this idempotent request was refused (%s), and a request"
                  + " is written whole or not at all so that its sequences hold",
              first.getKey(),
              first.getValue().message());
      for (int i = 0; i < size; i++) {
        if (results[i] == null) {
          results[i] = plan.failed(-1, notWritten);
        }
      }
      return CompletableFuture.completedFuture(List.of(results));
    }
    Duration askTimeout = Duration.ofMillis(timeoutMs).plus(askMargin);
    Map<Integer, CompletableFuture<Void>> chains = new HashMap<>();
    for (ProducePlan.PartitionBatch batch : plan.batches()) {
      CompletableFuture<Void> previous =
          chains.getOrDefault(batch.partition(), CompletableFuture.completedFuture(null));
      chains.put(
          batch.partition(),
          previous
              .thenCompose(
                  ignored ->
                      appendRetrying(
                          plan.topic(),
                          batch,
                          acks,
                          timeoutMs,
                          askTimeout,
                          PartitionCalls::resendable,
                          deadlineMillis))
              .thenAccept(reply -> fill(results, plan, batch, reply))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(chains.values().toArray(CompletableFuture[]::new))
        .thenApply(ignored -> List.of(results));
  }

  /** Appends {@code batch} as it is, asking again after the answers {@code retriable} accepts. */
  private CompletionStage<PartitionLeaders.Appended> appendRetrying(
      String topic,
      ProducePlan.PartitionBatch batch,
      Acks acks,
      long timeoutMs,
      Duration askTimeout,
      java.util.function.Predicate<ApiError> retriable,
      long deadlineMillis) {
    return retry.call(
        () -> leaders.append(topic, batch.partition(), batch.batch(), acks, timeoutMs, askTimeout),
        PartitionLeaders.Appended::error,
        error -> new PartitionLeaders.Appended(-1L, -1L, error),
        retriable,
        partitionName(topic, batch.partition()),
        deadlineMillis);
  }

  /**
   * Whether an idempotent batch is sent again after this answer: a leadership move, or an answer
   * that leaves the batch's fate unknown (a timeout, a lost leader), which a resend settles since a
   * partition stores a resent batch once. Refusals that wrote nothing and that a resend would only
   * meet again for a while (too few in-sync replicas, an offline data directory, no quorum) are
   * answered, as before idempotence, so the client hears them at once.
   */
  static boolean resendable(ApiError error) {
    if (error == null) {
      return false;
    }
    return switch (error.code()) {
      case NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, REQUEST_TIMED_OUT, NETWORK_EXCEPTION ->
          true;
      default -> false;
    };
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

  /** The same error for every one of {@code size} records. */
  static Gateway.ProduceReply produceError(int size, String topic, ApiError error) {
    RecordResult[] results = new RecordResult[size];
    Arrays.fill(results, new RecordResult(topic, -1, -1L, -1L, error));
    return new Gateway.ProduceReply(List.of(results));
  }

  /**
   * Appends a client's batch unchanged (its producer id, epoch and sequence are the client's),
   * after checking it against the topic's {@code max.message.bytes}; a leadership move is retried
   * until the request's timeout. Other errors are the leader's answer: a Kafka client retries what
   * is retriable itself, with the same sequence, so the leader stores a resend once.
   */
  CompletionStage<Gateway.AppendBatchReply> appendBatch(
      Gateway.AppendBatch request, TopicMetadata metadata) {
    String name = partitionName(request.topic(), request.partition());
    ApiError tooLarge =
        AppendValidation.sizeError(
            request.batch().length,
            request.topic() + "-" + request.partition(),
            maxMessageBytes(metadata));
    if (tooLarge != null) {
      return CompletableFuture.completedFuture(Gateway.AppendBatchReply.failed(tooLarge));
    }
    Duration askTimeout = Duration.ofMillis(request.timeoutMs()).plus(askMargin);
    return retry
        .call(
            () ->
                leaders.append(
                    request.topic(),
                    request.partition(),
                    request.batch(),
                    request.acks(),
                    request.timeoutMs(),
                    askTimeout),
            PartitionLeaders.Appended::error,
            error -> new PartitionLeaders.Appended(-1L, -1L, error),
            name,
            clock.millis() + request.timeoutMs())
        .handle(
            (reply, failure) ->
                failure == null
                    ? new Gateway.AppendBatchReply(
                        reply.baseOffset(), reply.logAppendTime(), reply.error())
                    : Gateway.AppendBatchReply.failed(
                        ApiError.of(
                            ErrorCode.UNKNOWN_SERVER_ERROR,
                            "Appending to %s failed: %s",
                            name,
                            failure)));
  }

  /**
   * Whole batches from the leader, as it stored them, waiting up to {@code maxWaitMs}; leadership
   * moves are retried within the wait. {@code currentLeaderEpoch} -1 for no epoch check.
   */
  CompletionStage<Gateway.FetchBatchesReply> fetchBatches(
      String topic,
      int partition,
      int currentLeaderEpoch,
      long offset,
      int maxBytes,
      long maxWaitMs) {
    String name = partitionName(topic, partition);
    Duration askTimeout = Duration.ofMillis(maxWaitMs).plus(askMargin);
    return retry
        .call(
            () ->
                leaders.fetch(
                    topic, partition, currentLeaderEpoch, offset, maxBytes, maxWaitMs, askTimeout),
            PartitionLeaders.Fetched::error,
            error -> new PartitionLeaders.Fetched(null, null, error),
            name,
            deadline(maxWaitMs))
        .handle(
            (reply, failure) -> {
              if (failure != null) {
                return Gateway.FetchBatchesReply.failed(
                    ApiError.of(
                        ErrorCode.UNKNOWN_SERVER_ERROR,
                        "Fetching from %s failed: %s",
                        name,
                        failure));
              }
              return reply.error() != null
                  ? new Gateway.FetchBatchesReply(new byte[0], reply.offsets(), reply.error())
                  : new Gateway.FetchBatchesReply(reply.batches(), reply.offsets(), null);
            });
  }

  /** Fetches from the leader, waiting up to the request's max wait, and decodes the records. */
  CompletionStage<Gateway.FetchReply> fetch(Gateway.Fetch request) {
    return fetchBatches(
            request.topic(),
            request.partition(),
            -1,
            request.offset(),
            request.maxBytes(),
            request.maxWaitMs())
        .thenApply(reply -> decode(request, reply));
  }

  /**
   * The records of the fetched batches up to the first corrupt one (logged); the fetch fails with
   * {@code CORRUPT_MESSAGE} only when no record comes before it, so a consumer gets every valid
   * record and meets the error when its next fetch starts at the bad batch. The leader is told of
   * the bad batch, to check its own copy.
   */
  private Gateway.FetchReply decode(Gateway.Fetch request, Gateway.FetchBatchesReply reply) {
    if (reply.error() != null) {
      return new Gateway.FetchReply(List.of(), reply.offsets(), reply.error());
    }
    BatchDecoder.Decoded decoded =
        BatchDecoder.decodePrefix(
            request.topic(), request.partition(), reply.batches(), request.offset());
    if (decoded.corruption() == null) {
      return new Gateway.FetchReply(decoded.records(), reply.offsets(), null);
    }
    leaders.corruptBatchSeen(
        request.topic(), request.partition(), decoded.corruptOffset(), decoded.corruption());
    if (decoded.records().isEmpty()) {
      return new Gateway.FetchReply(
          List.of(),
          reply.offsets(),
          ApiError.of(
              ErrorCode.CORRUPT_MESSAGE,
              "Partition %s-%d served a corrupt batch at offset %d: %s",
              request.topic(),
              request.partition(),
              decoded.corruptOffset(),
              decoded.corruption()));
    }
    LOG.warn(
        "Partition {}-{} served a corrupt batch at offset {}: {}; answered the {} records before"
            + " it",
        request.topic(),
        request.partition(),
        decoded.corruptOffset(),
        decoded.corruption(),
        decoded.records().size());
    return new Gateway.FetchReply(decoded.records(), reply.offsets(), null);
  }

  CompletionStage<Gateway.OffsetsReply> offsets(String topic, int partition) {
    return retry.call(
        () -> leaders.offsets(topic, partition, askMargin),
        Gateway.OffsetsReply::error,
        error -> new Gateway.OffsetsReply(null, error),
        partitionName(topic, partition),
        deadline(0));
  }

  CompletionStage<Gateway.OffsetForTimeReply> offsetForTime(
      String topic, int partition, long timestamp) {
    return retry.call(
        () -> leaders.offsetForTime(topic, partition, timestamp, askMargin),
        Gateway.OffsetForTimeReply::error,
        error -> new Gateway.OffsetForTimeReply(-1L, error),
        partitionName(topic, partition),
        deadline(0));
  }

  CompletionStage<Gateway.EpochEndReply> epochEnd(Gateway.EpochEnd request) {
    return retry.call(
        () ->
            leaders.epochEnd(
                request.topic(),
                request.partition(),
                request.currentLeaderEpoch(),
                request.leaderEpoch(),
                askMargin),
        Gateway.EpochEndReply::error,
        error -> new Gateway.EpochEndReply(-1, -1L, error),
        partitionName(request.topic(), request.partition()),
        deadline(0));
  }

  /** Retries of leadership errors may go on for the wait plus the ask margin. */
  private long deadline(long waitMs) {
    return clock.millis() + waitMs + askMargin.toMillis();
  }

  private static String partitionName(String topic, int partition) {
    return "Partition " + topic + "-" + partition;
  }
}
