package sluice.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.gateway.Gateway;

/**
 * Fetch (API key 1) for consumers: every partition's stored batches through the gateway's {@link
 * Gateway.FetchBatches}, cut to the request's limits by {@link FetchAnswers}. Safe from any thread.
 *
 * <p>Waiting: all partitions are read at once without waiting; if none has data and the request
 * allows a wait, each partition's leader parks a fetch for up to {@code max_wait_ms}, and when the
 * first of them has data (or all waits end) every partition is read again and answered. So {@code
 * min_bytes} is met as soon as any partition has a byte, which is what consumers ask by default
 * ({@code fetch.min.bytes=1}); a larger {@code min_bytes} is answered early.
 *
 * <p>Fetch sessions (KIP-227) are never created: a full fetch (session epoch 0 or -1) is answered
 * with session id 0, which tells kafka-clients to send full fetches again; an incremental one, for
 * a session this broker cannot have, is answered {@code FETCH_SESSION_ID_NOT_FOUND}. A follower's
 * fetch (replica id 0 or more) is answered {@code INVALID_REQUEST}: Sluice replicas fetch by actor
 * messages. Each partition's {@code current_leader_epoch} is checked by its leader (KIP-320).
 *
 * <p>After a wake, the other partitions' parked fetches stay parked at their leaders until their
 * wait ends; their answers are dropped (reads are not consumed, so nothing is lost).
 */
final class FetchApi {
  private static final Logger LOG = LoggerFactory.getLogger(FetchApi.class);

  /** How much longer than the request's wait the gateway's answers are awaited. */
  private static final Duration ASK_MARGIN = Duration.ofSeconds(5);

  private final GatewayCalls gateway;
  private final TopicIds topicIds;

  FetchApi(GatewayCalls gateway, TopicIds topicIds) {
    this.gateway = gateway;
    this.topicIds = topicIds;
  }

  /**
   * One partition asked for, with its topic's name, or why it has none ({@code error}: no topic has
   * the id, or the look-up was not answered).
   */
  private record Slot(FetchTopic topic, String name, ApiError error, FetchPartition partition) {}

  CompletionStage<FetchResponseData> answer(FetchRequestData request, short version) {
    int epoch = request.sessionEpoch();
    if (epoch != FetchMetadata.INITIAL_EPOCH && epoch != FetchMetadata.FINAL_EPOCH) {
      LOG.debug(
          "An incremental fetch of session {} epoch {}: Sluice keeps no fetch sessions",
          request.sessionId(),
          epoch);
      return CompletableFuture.completedFuture(
          FetchAnswers.sessionError(Errors.FETCH_SESSION_ID_NOT_FOUND));
    }
    boolean byId = version >= 13;
    return slots(request.topics(), byId)
        .thenCompose(
            slots -> fetch(request, slots).thenApply(replies -> response(request, replies, byId)));
  }

  private CompletionStage<List<Slot>> slots(List<FetchTopic> topics, boolean byId) {
    List<CompletableFuture<List<Slot>>> named = new ArrayList<>();
    for (FetchTopic topic : topics) {
      named.add(name(topic, byId).thenApply(slot -> slots(topic, slot)).toCompletableFuture());
    }
    return CompletableFuture.allOf(named.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> named.stream().flatMap(f -> f.join().stream()).toList());
  }

  /** Every partition of {@code topic} with the topic's name or error, as {@code named} holds. */
  private static List<Slot> slots(FetchTopic topic, Slot named) {
    return topic.partitions().stream()
        .map(p -> new Slot(topic, named.name(), named.error(), p))
        .toList();
  }

  /** The topic's name (from its id at v13+), or why there is none; no partition set yet. */
  private CompletionStage<Slot> name(FetchTopic topic, boolean byId) {
    if (!byId) {
      return CompletableFuture.completedFuture(new Slot(topic, topic.topic(), null, null));
    }
    return topicIds
        .name(topic.topicId())
        .handle(
            (name, failure) -> {
              if (failure != null) {
                return new Slot(
                    topic,
                    null,
                    ApiError.ofFailedAsk("Looking up the topic of id " + topic.topicId(), failure),
                    null);
              }
              return name.map(n -> new Slot(topic, n, null, null))
                  .orElseGet(
                      () ->
                          new Slot(
                              topic,
                              null,
                              ApiError.of(
                                  ErrorCode.UNKNOWN_TOPIC_ID,
                                  "No topic has id %s",
                                  topic.topicId()),
                              null));
            });
  }

  /** Why the whole request is refused, or null. */
  private static ApiError refusal(FetchRequestData request) {
    if (request.replicaId() >= 0 || request.replicaState().replicaId() >= 0) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "Fetch from replica %d: Sluice replicas do not fetch over the Kafka protocol",
          Math.max(request.replicaId(), request.replicaState().replicaId()));
    }
    if (request.isolationLevel() != IsolationLevel.READ_UNCOMMITTED.id()
        && request.isolationLevel() != IsolationLevel.READ_COMMITTED.id()) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "A fetch's isolation level must be 0 or 1, not %d",
          request.isolationLevel());
    }
    if (request.maxWaitMs() < 0 || request.maxBytes() <= 0) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "A fetch needs max_wait_ms >= 0 and max_bytes > 0, not %d and %d",
          request.maxWaitMs(),
          request.maxBytes());
    }
    return null;
  }

  /** Each slot's reply, in slot order, after the wait the request allows. */
  private CompletionStage<List<Gateway.FetchBatchesReply>> fetch(
      FetchRequestData request, List<Slot> slots) {
    ApiError refusal = refusal(request);
    if (refusal != null) {
      LOG.warn("Fetch refused: {}", refusal.message());
      List<Gateway.FetchBatchesReply> refused =
          slots.stream().map(s -> Gateway.FetchBatchesReply.failed(refusal)).toList();
      return CompletableFuture.completedFuture(refused);
    }
    return readAll(request, slots, 0L)
        .thenCompose(
            now -> {
              if (request.maxWaitMs() == 0 || slots.isEmpty() || anyAnswer(now)) {
                return CompletableFuture.completedFuture(now);
              }
              return firstData(request, slots).thenCompose(woken -> readAll(request, slots, 0L));
            });
  }

  private static boolean anyAnswer(List<Gateway.FetchBatchesReply> replies) {
    return replies.stream().anyMatch(r -> r.error() != null || r.batches().length > 0);
  }

  /** Completes when one parked fetch has data or an error, or when every wait is over. */
  private CompletionStage<Void> firstData(FetchRequestData request, List<Slot> slots) {
    CompletableFuture<Void> woken = new CompletableFuture<>();
    AtomicInteger waiting = new AtomicInteger(slots.size());
    for (Slot slot : slots) {
      read(request, slot, request.maxWaitMs())
          .whenComplete(
              (reply, failure) -> {
                boolean answered =
                    failure != null || reply.error() != null || reply.batches().length > 0;
                if (answered || waiting.decrementAndGet() == 0) {
                  woken.complete(null);
                }
              });
    }
    return woken;
  }

  private CompletionStage<List<Gateway.FetchBatchesReply>> readAll(
      FetchRequestData request, List<Slot> slots, long waitMs) {
    List<CompletableFuture<Gateway.FetchBatchesReply>> reads = new ArrayList<>();
    for (Slot slot : slots) {
      reads.add(read(request, slot, waitMs).toCompletableFuture());
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> reads.stream().map(CompletableFuture::join).toList());
  }

  private CompletionStage<Gateway.FetchBatchesReply> read(
      FetchRequestData request, Slot slot, long waitMs) {
    FetchPartition partition = slot.partition();
    if (slot.error() != null) {
      return CompletableFuture.completedFuture(Gateway.FetchBatchesReply.failed(slot.error()));
    }
    if (partition.partitionMaxBytes() <= 0) {
      return CompletableFuture.completedFuture(
          Gateway.FetchBatchesReply.failed(
              ApiError.of(
                  ErrorCode.INVALID_REQUEST,
                  "partition_max_bytes of %s-%d must be more than 0, not %d",
                  slot.name(),
                  partition.partition(),
                  partition.partitionMaxBytes())));
    }
    String topicId =
        Uuid.ZERO_UUID.equals(slot.topic().topicId())
            ? null
            : TopicIds.sluiceId(slot.topic().topicId());
    int maxBytes = Math.min(partition.partitionMaxBytes(), request.maxBytes());
    String name = slot.name() + "-" + partition.partition();
    CompletionStage<Gateway.FetchBatchesReply> reply =
        gateway.ask(
            replyTo ->
                new Gateway.FetchBatches(
                    slot.name(),
                    topicId,
                    partition.partition(),
                    partition.currentLeaderEpoch(),
                    partition.fetchOffset(),
                    maxBytes,
                    waitMs,
                    replyTo),
            Duration.ofMillis(waitMs).plus(ASK_MARGIN));
    return reply.exceptionally(
        failure ->
            Gateway.FetchBatchesReply.failed(ApiError.ofFailedAsk("Fetch of " + name, failure)));
  }

  /**
   * The answer to {@code request}: topics and partitions in request order, filled within the
   * request's limits; {@code replies} holds one reply per partition, in that order.
   */
  static FetchResponseData response(
      FetchRequestData request, List<Gateway.FetchBatchesReply> replies, boolean byId) {
    IsolationLevel isolation =
        request.isolationLevel() == IsolationLevel.READ_COMMITTED.id()
            ? IsolationLevel.READ_COMMITTED
            : IsolationLevel.READ_UNCOMMITTED;
    FetchAnswers.Budget budget = new FetchAnswers.Budget(request.maxBytes());
    FetchResponseData response =
        new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0);
    int i = 0;
    for (FetchTopic topic : request.topics()) {
      FetchableTopicResponse answer = new FetchableTopicResponse();
      if (byId) {
        answer.setTopicId(topic.topicId());
      } else {
        answer.setTopic(topic.topic());
      }
      for (FetchPartition partition : topic.partitions()) {
        Gateway.FetchBatchesReply reply = replies.get(i++);
        answer
            .partitions()
            .add(
                reply.error() != null
                    ? FetchAnswers.failed(partition.partition(), reply.error())
                    : FetchAnswers.served(
                        partition.partition(),
                        budget.take(reply.batches(), partition.partitionMaxBytes()),
                        reply,
                        isolation));
      }
      response.responses().add(answer);
    }
    return response;
  }
}
