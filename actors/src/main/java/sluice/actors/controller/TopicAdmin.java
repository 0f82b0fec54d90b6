package sluice.actors.controller;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.AdminRequest.CreatePartitions;
import sluice.actors.api.AdminRequest.CreateTopic;
import sluice.actors.api.AdminRequest.DeleteTopic;
import sluice.actors.api.AdminRequest.TopicList;
import sluice.actors.api.AdminRequest.TopicReply;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionInfo;
import sluice.actors.api.TopicDescription;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * Topic administration, as Kafka's {@code ReplicationControlManager} does it for topics: decides
 * what a creation, a partition addition or a deletion writes (with {@link NewTopics} and {@link
 * NewPartitions} for the checks), and what the requester is answered once the write ended; answers
 * describe and list. Every refusal is a {@link TopicReply} carrying an {@link ApiError} that names
 * the value and what is allowed.
 *
 * <p>Pure functions of the topics and live brokers it is given; the controller runs the writes, the
 * placements and the replies. Immutable; safe from any thread.
 */
final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  /** What a request leads to: an answer at once, or a write whose outcome decides the answer. */
  sealed interface Step {}

  /** Answer {@code result} now; nothing is written. */
  record Answer(TopicReply result) implements Step {}

  /** Write {@code write}; the answer follows from its outcome. */
  record Write(TopicStore.Write write) implements Step {}

  /**
   * What follows a write that ended: the answer, once the partitions of {@code place} are placed
   * or, for a deletion, once the partitions of {@code delete} are deleted on their leaders; and
   * whether {@code delete}'s id is to be recorded as deleted (only after a confirmed removal).
   */
  record Settled(
      TopicReply result, List<TopicMetadata> place, TopicMetadata delete, boolean recordDeleted) {
    Settled {
      place = List.copyOf(place);
    }

    static Settled answer(TopicReply result) {
      return new Settled(result, List.of(), null, false);
    }
  }

  private final int maxPartitionsPerTopic;
  private final Duration writeTimeout;

  TopicAdmin(int maxPartitionsPerTopic, Duration writeTimeout) {
    this.maxPartitionsPerTopic = maxPartitionsPerTopic;
    this.writeTimeout = writeTimeout;
  }

  /**
   * A creation: refused, or the new topic to write (a {@link TopicStore.Create}).
   *
   * @param internal whether the topic is one of the broker's own ({@link
   *     Controller.CreateInternalTopic}); a client's creation never is
   */
  Step create(
      CreateTopic request,
      boolean internal,
      Map<String, TopicMetadata> topics,
      SortedSet<Integer> live) {
    var validated = NewTopics.validate(request, internal, topics, live, maxPartitionsPerTopic);
    return validated.error() != null
        ? new Answer(new TopicReply(null, validated.error()))
        : new Write(new TopicStore.Create(validated.topic()));
  }

  /**
   * What follows a write of this class's ({@link #create}, {@link #grow}, {@link #delete}) that
   * ended with {@code outcome}. Nothing but the answer if the compare-and-set refused.
   */
  Settled settle(TopicStore.Write write, WriteOutcome outcome) {
    if (write instanceof TopicStore.Create create) {
      TopicMetadata topic = create.topic();
      TopicReply result = created(topic, outcome);
      if (outcome instanceof WriteOutcome.Written) {
        LOG.info("Created topic {}: {}", topic.name(), topic.partitions());
      }
      return outcome.stored()
          ? new Settled(result, List.of(topic), null, false)
          : Settled.answer(result);
    }
    if (write instanceof TopicStore.Grow grow) {
      TopicWrites.Change change = grow.change();
      TopicReply result = grown(change, outcome);
      if (outcome instanceof WriteOutcome.Written) {
        LOG.info(
            "Added partitions to topic {}: {} -> {}",
            change.after().name(),
            change.before().partitions().size(),
            change.after().partitions().size());
      }
      return outcome.stored()
          ? new Settled(result, List.of(added(change)), null, false)
          : Settled.answer(result);
    }
    if (write instanceof TopicStore.Remove remove) {
      TopicReply result = deleted(remove.topic(), outcome);
      return outcome.stored()
          ? new Settled(result, List.of(), remove.topic(), outcome instanceof WriteOutcome.Written)
          : Settled.answer(result);
    }
    throw new IllegalArgumentException("Not a topic administration write: " + write);
  }

  /** The answer to a creation of {@code topic} whose write ended with {@code outcome}. */
  TopicReply created(TopicMetadata topic, WriteOutcome outcome) {
    return result(
        topic,
        outcome.error(
            String.format("Topic '%s' is stored", topic.name()),
            "describe it to see whether it was created",
            writeTimeout,
            exists(topic.name())));
  }

  /** A partition addition: refused, or the grown topic to write (a {@link TopicStore.Grow}). */
  Step grow(CreatePartitions request, Map<String, TopicMetadata> topics, SortedSet<Integer> live) {
    var validated =
        NewPartitions.validate(
            request.name(), request.partitions(), topics, live, maxPartitionsPerTopic);
    if (validated.error() != null) {
      return new Answer(new TopicReply(null, validated.error()));
    }
    var change = new TopicWrites.Change(topics.get(request.name()), validated.topic());
    return new Write(new TopicStore.Grow(change));
  }

  /** The answer to a partition addition whose write ended with {@code outcome}. */
  TopicReply grown(TopicWrites.Change change, WriteOutcome outcome) {
    TopicMetadata grown = change.after();
    return result(
        grown,
        outcome.error(
            String.format("Topic '%s' has %d partitions", grown.name(), grown.partitions().size()),
            "describe it to see whether they were added",
            writeTimeout,
            ApiError.of(
                ErrorCode.INVALID_PARTITIONS,
                "Topic '%s' changed while partitions were being added to it; nothing was added",
                grown.name())));
  }

  /** The partitions a partition addition added, to place just those. */
  static TopicMetadata added(TopicWrites.Change change) {
    List<PartitionAssignment> all = change.after().partitions();
    return PartitionPlacement.only(
        change.after(), all.subList(change.before().partitions().size(), all.size()));
  }

  /** A deletion: refused, or the topic to remove (a {@link TopicStore.Remove}). */
  Step delete(DeleteTopic request, Map<String, TopicMetadata> topics) {
    TopicMetadata topic = topics.get(request.name());
    if (topic == null) {
      return new Answer(unknown(request.name()));
    }
    if (topic.internal()) {
      return new Answer(
          failed(
              ErrorCode.INVALID_TOPIC_EXCEPTION,
              "Topic '%s' is internal and cannot be deleted",
              topic.name()));
    }
    return new Write(new TopicStore.Remove(topic));
  }

  /** The answer to a deletion of {@code topic} whose write ended with {@code outcome}. */
  TopicReply deleted(TopicMetadata topic, WriteOutcome outcome) {
    return result(
        topic,
        outcome.error(
            String.format("Topic '%s' is removed", topic.name()),
            "describe it to see whether it is gone",
            writeTimeout,
            // A removal has nothing to compare; a refusal would be a new kind of write.
            ApiError.of(
                ErrorCode.UNKNOWN_SERVER_ERROR,
                "Removing topic '%s' was refused: %s",
                topic.name(),
                outcome)));
  }

  TopicReply describe(String name, Map<String, TopicMetadata> topics) {
    TopicMetadata topic = topics.get(name);
    return topic == null ? unknown(name) : new TopicReply(describe(topic), null);
  }

  TopicList list(Map<String, TopicMetadata> topics) {
    return new TopicList(topics.values().stream().map(TopicAdmin::describe).toList());
  }

  /** The description of a topic as clients see it. */
  static TopicDescription describe(TopicMetadata topic) {
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

  private static TopicReply result(TopicMetadata topic, ApiError error) {
    return error == null ? new TopicReply(describe(topic), null) : new TopicReply(null, error);
  }

  private static TopicReply unknown(String name) {
    return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '%s' does not exist", name);
  }

  private static ApiError exists(String name) {
    return ApiError.of(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic '%s' already exists", name);
  }

  private static TopicReply failed(ErrorCode code, String format, Object... args) {
    return new TopicReply(null, ApiError.of(code, format, args));
  }
}
