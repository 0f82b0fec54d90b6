package sluice.actors.gateway;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.ProduceRecord;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.FetchValidation;

/**
 * The gateway's partition requests once their topic is known: checks what the request itself
 * carries, chooses partitions ({@link Partitioner}) and hands the request to {@link
 * PartitionCalls}, which answers {@code replyTo} from the dispatcher. Not thread-safe: only the
 * gateway actor calls it (the partitioner's sticky choice and the produce order are its state).
 */
final class PartitionRouting {
  private final Partitioner partitioner;
  private final PartitionCalls calls;
  private final Clock clock;

  PartitionRouting(Partitioner partitioner, PartitionCalls calls, Clock clock) {
    this.partitioner = partitioner;
    this.calls = calls;
    this.clock = clock;
  }

  /** Why the produce request cannot be served whatever the topic, or null. */
  static ApiError invalid(Gateway.Produce request) {
    if (request.acks() == null) {
      return ApiError.of(ErrorCode.INVALID_REQUIRED_ACKS, "acks is required: 0, 1 or all");
    }
    if (request.timeoutMs() <= 0) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "The produce timeout must be positive milliseconds, not %d",
          request.timeoutMs());
    }
    return request.idempotent() == null ? null : unnamedPartition(request);
  }

  /**
   * An idempotent request whose record names no partition, or one the request gives no first
   * sequence: the whole request is refused, since its records could not be numbered.
   */
  private static ApiError unnamedPartition(Gateway.Produce request) {
    Map<Integer, Integer> sequences = request.idempotent().firstSequences();
    for (int i = 0; i < request.records().size(); i++) {
      ProduceRecord record = request.records().get(i);
      if (record == null || record.partition() == null) {
        return ApiError.of(
            ErrorCode.INVALID_REQUEST,
            "Record %d of an idempotent produce request names no partition; such a request names"
                + " the partition of every record",
            i);
      }
      if (!sequences.containsKey(record.partition())) {
        return ApiError.of(
            ErrorCode.INVALID_REQUEST,
            "Record %d of an idempotent produce request is for partition %d, which the request"
                + " gives no first sequence (it gives %s)",
            i,
            record.partition(),
            sequences.keySet());
      }
    }
    return null;
  }

  /** Why the client's batch cannot be appended whatever the topic, or null. */
  static ApiError invalid(Gateway.AppendBatch request) {
    if (request.acks() == null) {
      return ApiError.of(ErrorCode.INVALID_REQUIRED_ACKS, "acks is required: 0, 1 or all");
    }
    if (request.timeoutMs() < 0) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "The produce timeout must be 0 or more milliseconds, not %d",
          request.timeoutMs());
    }
    return ClientBatches.check(
        partitionName(request.topic(), request.partition()), request.batch());
  }

  /** Why the fetch cannot be served whatever the topic, or null. */
  static ApiError invalid(Gateway.Fetch request) {
    return FetchValidation.limits("A fetch", request.maxBytes(), request.maxWaitMs());
  }

  /** Why the fetch cannot be served whatever the topic, or null. */
  static ApiError invalid(Gateway.FetchBatches request) {
    return FetchValidation.limits("A fetch", request.maxBytes(), request.maxWaitMs());
  }

  /**
   * Produces the records (a partition a record names beyond the topic is refused for it). An
   * internal topic ({@code __consumer_offsets}) is refused whole, as Kafka refuses a client's
   * append to one: only the broker's own components write there, past the gateway.
   */
  void produce(Gateway.Produce request, TopicMetadata topic) {
    if (topic.internal()) {
      request.refuse(internalTopic(topic));
      return;
    }
    List<ProduceRecord> records = request.records();
    Partitioner.Request choice = partitioner.startRequest(topic.name(), topic.partitions().size());
    calls
        .produce(
            topic,
            choice,
            records,
            request.acks(),
            request.timeoutMs(),
            request.idempotent(),
            clock.millis())
        .thenAccept(request.replyTo()::tell);
  }

  /**
   * Appends a client's batch to its partition, as it is; an internal topic is refused as {@link
   * #produce} refuses it, and so is a batch over the topic's {@code max.message.bytes}.
   */
  void appendBatch(Gateway.AppendBatch request, TopicMetadata topic) {
    if (topic.internal()) {
      request.refuse(internalTopic(topic));
      return;
    }
    if (exists(request, request.partition(), topic)) {
      calls.appendBatch(request, topic).thenAccept(request.replyTo()::tell);
    }
  }

  void fetch(Gateway.Fetch request, TopicMetadata topic) {
    if (exists(request, request.partition(), topic)) {
      calls.fetch(request).thenAccept(request.replyTo()::tell);
    }
  }

  /**
   * Fetches whole batches, once the topic is the one the request's topic id names (a topic deleted
   * and created again has a new id, and is refused {@code UNKNOWN_TOPIC_ID}).
   */
  void fetchBatches(Gateway.FetchBatches request, TopicMetadata topic) {
    if (request.topicId() != null && !request.topicId().equals(topic.topicId())) {
      request.refuse(
          ApiError.of(
              ErrorCode.UNKNOWN_TOPIC_ID,
              "Topic '%s' has id %s, not %s: the topic of that id no longer exists",
              topic.name(),
              topic.topicId(),
              request.topicId()));
      return;
    }
    if (exists(request, request.partition(), topic)) {
      calls
          .fetchBatches(
              request.topic(),
              request.partition(),
              request.currentLeaderEpoch(),
              request.offset(),
              request.maxBytes(),
              request.maxWaitMs())
          .thenAccept(request.replyTo()::tell);
    }
  }

  void offsets(Gateway.GetOffsets request, TopicMetadata topic) {
    if (exists(request, request.partition(), topic)) {
      calls.offsets(request.topic(), request.partition()).thenAccept(request.replyTo()::tell);
    }
  }

  void offsetForTime(Gateway.OffsetForTime request, TopicMetadata topic) {
    if (exists(request, request.partition(), topic)) {
      calls
          .offsetForTime(request.topic(), request.partition(), request.timestamp())
          .thenAccept(request.replyTo()::tell);
    }
  }

  void epochEnd(Gateway.EpochEnd request, TopicMetadata topic) {
    if (exists(request, request.partition(), topic)) {
      calls.epochEnd(request).thenAccept(request.replyTo()::tell);
    }
  }

  /** Whether the one partition the request names exists; if not, the request is refused. */
  private static boolean exists(
      Gateway.PartitionRequest request, int partition, TopicMetadata topic) {
    int count = topic.partitions().size();
    if (partition < 0 || partition >= count) {
      request.refuse(ProducePlan.unknownPartition(topic.name(), partition, count));
      return false;
    }
    return true;
  }

  private static ApiError internalTopic(TopicMetadata topic) {
    return ApiError.of(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        "Topic '%s' is internal: clients cannot produce to it",
        topic.name());
  }

  private static String partitionName(String topic, int partition) {
    return topic + "-" + partition;
  }
}
