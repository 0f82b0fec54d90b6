package sluice.actors.consumer;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import java.util.List;
import java.util.Objects;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.group.state.TopicPartition;

/**
 * The protocol of an HTTP consumer instance entity (Cluster Sharding, one entity per group and
 * instance name, see {@link InstanceRefs}): the REST Proxy v2 consumer resources as messages. Every
 * answer carries a {@link Failure}, null when the request was done. The messages cross brokers, so
 * all are {@link CborSerializable}.
 */
public sealed interface InstanceCommand extends CborSerializable {

  /** Why a request was not done; nothing changed unless {@link Kind} says so. */
  record Failure(Kind kind, String message, ApiError apiError) implements CborSerializable {
    public Failure {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }

    public static Failure of(Kind kind, String message) {
      return new Failure(kind, message, null);
    }

    /** A broker error passed on as it is. */
    public static Failure broker(ApiError error) {
      return new Failure(Kind.BROKER, error.message(), error);
    }
  }

  enum Kind {
    /** No instance of that name in the group (never created, deleted or expired): 40403. */
    UNKNOWN_INSTANCE,
    /** {@link Create} of a name the group already has: 40902. */
    ALREADY_EXISTS,
    /** A {@link Rejection} of the instance's logic (subscription kinds, not assigned): 40903. */
    ILLEGAL_STATE,
    /** A poll met a partition with no committed offset and {@code auto.offset.reset=none}. */
    NO_OFFSET,
    /** The request is invalid as sent (a setting, a regex, an offset): the message says which. */
    INVALID,
    /** The coordinator refused some partitions of a commit (stale epoch, not owned). */
    COMMIT_REFUSED,
    /** An error of the broker or the coordinator, in {@code apiError}. */
    BROKER
  }

  /** Answer to a request with nothing else to say. */
  record Done(Failure failure) implements CborSerializable {
    public static final Done OK = new Done(null);
  }

  /**
   * Creates the instance with these settings (the REST Proxy's create request; the broker sets the
   * poll and auto-commit intervals). An instance of the name that exists is {@code ALREADY_EXISTS},
   * as in the REST Proxy.
   */
  record Create(InstanceConfig config, ActorRef<Done> replyTo) implements InstanceCommand {}

  /**
   * The settings the instance was created with. The HTTP API asks before a {@code GET records}: the
   * answer's content type is the instance's format, and an {@code Accept} header asking for the
   * other format is refused before any record is consumed.
   */
  record GetConfig(ActorRef<ConfigAnswer> replyTo) implements InstanceCommand {}

  /** The instance's settings; null with a failure. */
  record ConfigAnswer(InstanceConfig config, Failure failure) implements CborSerializable {}

  /** Deletes the instance: it commits first with auto-commit, leaves its group, is forgotten. */
  record Delete(ActorRef<Done> replyTo) implements InstanceCommand {}

  /** Subscribes to {@code topics}, or to the topics matching {@code topicPattern}. */
  record Subscribe(List<String> topics, String topicPattern, ActorRef<Done> replyTo)
      implements InstanceCommand {}

  /** Drops the subscription or manual assignment. */
  record Unsubscribe(ActorRef<Done> replyTo) implements InstanceCommand {}

  record GetSubscription(ActorRef<TopicsAnswer> replyTo) implements InstanceCommand {}

  /** The subscribed topics (for a pattern: the topics it matches now, as Kafka's consumer). */
  record TopicsAnswer(List<String> topics, Failure failure) implements CborSerializable {}

  /** Assigns partitions by hand. */
  record Assign(List<TopicPartition> partitions, ActorRef<Done> replyTo)
      implements InstanceCommand {}

  record GetAssignment(ActorRef<PartitionsAnswer> replyTo) implements InstanceCommand {}

  record PartitionsAnswer(List<TopicPartition> partitions, Failure failure)
      implements CborSerializable {}

  /** A partition and an offset: a position to seek to, or (in a commit) the last one consumed. */
  record PartitionOffset(TopicPartition partition, long offset, String metadata)
      implements CborSerializable {}

  /** Seeks: the next poll returns these offsets. */
  record Seek(List<PartitionOffset> offsets, ActorRef<Done> replyTo) implements InstanceCommand {}

  /** Seeks to the log start ({@code beginning}) or the end. */
  record SeekTo(List<TopicPartition> partitions, boolean beginning, ActorRef<Done> replyTo)
      implements InstanceCommand {}

  /**
   * A {@code GET records}: waits up to {@code timeoutMs} (and at least until {@code
   * fetch.min.bytes} or the instance's request timeout, as the REST Proxy), at most {@code
   * maxBytes}.
   */
  record Poll(long timeoutMs, int maxBytes, ActorRef<RecordsAnswer> replyTo)
      implements InstanceCommand {}

  record RecordsAnswer(List<ConsumedRecord> records, Failure failure) implements CborSerializable {}

  /**
   * Commits offsets: each the last one consumed (the committed offset is one more, as the REST
   * Proxy); null commits every position, that is everything fetched.
   */
  record Commit(List<PartitionOffset> lastConsumed, ActorRef<Done> replyTo)
      implements InstanceCommand {}

  /** The group's committed offsets of {@code partitions}. */
  record GetCommitted(List<TopicPartition> partitions, ActorRef<CommittedAnswer> replyTo)
      implements InstanceCommand {}

  /** Committed offsets (the next to read) with their metadata; only partitions with a commit. */
  record CommittedAnswer(List<PartitionOffset> offsets, Failure failure)
      implements CborSerializable {}

  /**
   * The messages an instance entity sends itself (answers of its asks, timers): never sent by
   * others, never across brokers.
   */
  non-sealed interface Internal extends InstanceCommand, NoSerializationVerificationNeeded {}
}
