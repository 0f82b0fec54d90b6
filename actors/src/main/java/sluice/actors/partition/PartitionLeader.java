package sluice.actors.partition;

import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.ShardingMessageExtractor;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.util.LinkedHashMap;
import java.util.Map;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.PartitionAssignment;
import sluice.storage.log.LogConfig;

/**
 * The leader of one partition as a Cluster Sharding entity, id {@code topic-partition}: its public
 * protocol ({@link Command}, what the gateway, followers and sharding send it) and its sharding
 * setup. The entity starts in {@link LeaderStartup} (topic metadata, leadership check, the log's
 * write lease, opening the log) and then becomes an {@link EventSourcedLeader}, the log's only
 * writer. How it works and why: {@code docs/partition-leader.md}.
 *
 * <p>The entity's behavior handles {@link Message}: the serializable {@link Command}s and its own
 * {@link Internal} messages (timers, answers to its asks, its metadata subscription), which are not
 * part of the protocol and never leave the node. {@link #create} narrows it to {@code
 * Behavior<Command>}, so nothing outside this package can send an internal message.
 *
 * <p>Stateless apart from the constants; the factories are safe from any thread.
 */
public final class PartitionLeader {
  private PartitionLeader() {}

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "partition");

  // ---- protocol --------------------------------------------------------------------------------

  /** What the entity's behavior handles: the public {@link Command}s and its {@link Internal}s. */
  interface Message {}

  /**
   * A message the leader sends itself (a timer, the answer to one of its asks or reads, a metadata
   * change): local to the node, so never serialized.
   */
  interface Internal extends Message, NoSerializationVerificationNeeded {}

  /** Everything other actors may send a partition leader. */
  public sealed interface Command extends Message, CborSerializable {}

  /**
   * Appends one record batch.
   *
   * @param batch one Kafka v2 batch (any base offset; the leader assigns offsets)
   * @param timeoutMs how long the sender waits: an append still queued after that long is answered
   *     {@code REQUEST_TIMED_OUT} and not written; 0 for no limit
   */
  public record Append(byte[] batch, Acks acks, long timeoutMs, ActorRef<AppendReply> replyTo)
      implements Command {}

  /**
   * @param baseOffset the first offset of the batch, -1 on error or for acks=0
   * @param logAppendTime the broker time stored in the batch, -1 for CreateTime topics
   * @param error null on success
   */
  public record AppendReply(long baseOffset, long logAppendTime, ApiError error)
      implements CborSerializable {
    static AppendReply failed(ApiError error) {
      return new AppendReply(-1, -1, error);
    }
  }

  /**
   * Reads whole batches from {@code offset}, up to {@code maxBytes} (at least one batch if there is
   * one), waiting up to {@code maxWaitMs} when there is nothing to read yet.
   *
   * @param currentLeaderEpoch the epoch the consumer believes current (KIP-320), -1 for no check:
   *     older than the leader's is {@code FENCED_LEADER_EPOCH}, newer {@code UNKNOWN_LEADER_EPOCH}
   */
  public record Fetch(
      int currentLeaderEpoch,
      long offset,
      int maxBytes,
      long maxWaitMs,
      ActorRef<FetchReply> replyTo)
      implements Command {
    /** A fetch that does not check the leader epoch. */
    public Fetch(long offset, int maxBytes, long maxWaitMs, ActorRef<FetchReply> replyTo) {
      this(-1, offset, maxBytes, maxWaitMs, replyTo);
    }
  }

  /**
   * @param batches concatenated whole batches, possibly empty; never null
   * @param offsets the partition's offsets when the reply was made; null on error
   */
  public record FetchReply(byte[] batches, PartitionOffsets offsets, ApiError error)
      implements CborSerializable {
    static FetchReply failed(ApiError error) {
      return new FetchReply(new byte[0], null, error);
    }
  }

  public record GetOffsets(ActorRef<OffsetsReply> replyTo) implements Command {}

  public record OffsetsReply(PartitionOffsets offsets, ApiError error)
      implements CborSerializable {}

  /**
   * The first offset whose timestamp is at least {@code timestamp}; Kafka's special values {@code
   * -2} (earliest) and {@code -1} (latest, the high watermark) are understood.
   */
  public record OffsetForTime(long timestamp, ActorRef<OffsetForTimeReply> replyTo)
      implements Command {}

  /**
   * @param offset -1 if no record is that recent, or on error
   */
  public record OffsetForTimeReply(long offset, ApiError error) implements CborSerializable {}

  /**
   * Where leader epoch {@code leaderEpoch} ends in this leader's log (Kafka's OffsetForLeaderEpoch,
   * which a consumer asks to validate its position after a leader change, KIP-320): the largest
   * epoch at or below it and the offset after its last batch (the log end offset for the latest
   * epoch), as the log's leader-epoch cache answers it (Kafka's rules: both -1 for an epoch newer
   * than the latest, or for -1).
   *
   * @param currentLeaderEpoch the epoch the asker believes current, -1 for no check: older than the
   *     leader's is {@code FENCED_LEADER_EPOCH}, newer {@code UNKNOWN_LEADER_EPOCH}
   */
  public record EpochEnd(int currentLeaderEpoch, int leaderEpoch, ActorRef<EpochEndReply> replyTo)
      implements Command {}

  /**
   * @param leaderEpoch the epoch answered about, -1 if undefined or on error
   * @param endOffset where it ends, -1 if undefined or on error
   */
  public record EpochEndReply(int leaderEpoch, long endOffset, ApiError error)
      implements CborSerializable {}

  /**
   * A follower's fetch (Kafka's Fetch from a replica, with the KIP-101/KIP-320 fields): batches
   * from {@code fetchOffset} up to the leader's log end offset (not only below the high watermark),
   * or, when the follower's log diverges from the leader's, where to truncate. It also tells the
   * leader the follower's log end offset ({@code fetchOffset}), from which the leader moves the
   * high watermark and the ISR. Parks like a consumer fetch when there is nothing new.
   *
   * @param replicaId the follower's broker id; must be a replica of the partition
   * @param currentLeaderEpoch the leader epoch the follower believes current: lower than the
   *     leader's is answered {@code FENCED_LEADER_EPOCH} (the follower waits for newer metadata),
   *     higher {@code UNKNOWN_LEADER_EPOCH} (this leader has not heard of it yet, or was deposed)
   * @param fetchOffset the follower's log end offset
   * @param lastFetchedEpoch the leader epoch of the follower's last batch (its latest epoch entry),
   *     -1 if its log has none; checked against the leader's epochs before anything is sent
   */
  public record ReplicaFetch(
      int replicaId,
      int currentLeaderEpoch,
      long fetchOffset,
      int lastFetchedEpoch,
      int maxBytes,
      long maxWaitMs,
      ActorRef<ReplicaFetchReply> replyTo)
      implements Command {}

  /**
   * The leader's answer to a follower: either batches, or {@code diverging}, or an error.
   *
   * @param batches concatenated whole batches starting exactly at the fetch offset, below the
   *     leader's log end offset; empty with {@code diverging} or an error; never null
   * @param highWatermark the leader's high watermark; the follower's own is the minimum of this and
   *     its log end offset
   * @param diverging non-null when the follower's last fetched epoch ends earlier on the leader (or
   *     is unknown to it): the leader's largest epoch at or below the one asked and where it ends,
   *     which the follower gives to {@code FollowerTruncation.decide}
   * @param error null on success; {@code NOT_LEADER_OR_FOLLOWER}, {@code FENCED_LEADER_EPOCH},
   *     {@code UNKNOWN_LEADER_EPOCH}, or {@code OFFSET_OUT_OF_RANGE} (the fetch offset is below the
   *     log start offset, after retention, or above the log end offset: the follower truncates
   *     accordingly and fetches from the log start or its new end)
   */
  public record ReplicaFetchReply(
      byte[] batches,
      long highWatermark,
      long logStartOffset,
      long logEndOffset,
      Diverging diverging,
      ApiError error)
      implements CborSerializable {
    /** A refusal: no batches, no offsets (-1). */
    static ReplicaFetchReply failed(ApiError error) {
      return new ReplicaFetchReply(new byte[0], -1, -1, -1, null, error);
    }
  }

  /** The leader's end of a leader epoch: the answer to a diverging follower (KIP-101). */
  public record Diverging(int epoch, long endOffset) implements CborSerializable {}

  /**
   * A reader of this leader's batches found the batch at {@code offset} corrupt (a follower's
   * fetch, or a consumer's through a gateway). Not answered: the leader reads that batch back from
   * its own log and, if its own copy is corrupt, resigns ({@code CorruptBatches}); damage on the
   * way is only logged, as the reader's next fetch reads the batch again.
   *
   * @param seenBy who found it, for the log ("broker 2's follower", "the gateway of broker 1")
   * @param problem what failed (the CRCs, a length)
   */
  public record CorruptBatchSeen(long offset, String seenBy, String problem) implements Command {}

  /** Stops the leader and deletes the partition's log and snapshots on this broker. */
  public record Delete(ActorRef<Done> replyTo) implements Command {}

  /**
   * The entity's stop message: sharding sends it on passivation and hand-off. Queued appends and
   * parked fetches are answered with a retriable error first.
   */
  record Stop() implements Command {}

  // ---- sharding --------------------------------------------------------------------------------

  /** {@code topic-partition}, the entity id, persistence id and directory name of a partition. */
  public static String entityId(String topic, int partition) {
    return topic + "-" + partition;
  }

  /**
   * Starts sharding of partition leaders on this node. Shards are placed by the controller through
   * {@link ControllerPlacement}, one shard per partition (the shard id is the entity id); a dead
   * broker's shards move once its region is gone, without waiting out a hand-off ({@link
   * ReachableRegionsAllocation}). No passivation: an idle leader may hold parked fetches and its
   * log stays open anyway.
   */
  public static void init(ActorSystem<?> system) {
    init(system, LeaderClock.SYSTEM);
  }

  /** As {@link #init(ActorSystem)}, with the leaders reading time from {@code clock}. */
  static void init(ActorSystem<?> system, LeaderClock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(TYPE_KEY, context -> create(context.getEntityId(), context.getShard(), clock))
                .withStopMessage(new Stop())
                .withMessageExtractor(new ShardPerEntity())
                .withAllocationStrategy(
                    ReachableRegionsAllocation.inCluster(
                        Adapter.toClassic(system),
                        new ControllerPlacement(system, TYPE_KEY.name())))
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /** Shard id == entity id, so the controller places each partition on its own. */
  private static final class ShardPerEntity
      extends ShardingMessageExtractor<ShardingEnvelope<Command>, Command> {
    @Override
    public String entityId(ShardingEnvelope<Command> envelope) {
      return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
      return entityId;
    }

    @Override
    public Command unwrapMessage(ShardingEnvelope<Command> envelope) {
      return envelope.message();
    }
  }

  /**
   * The leader of partition {@code entityId} ("topic-partition") as a sharded entity: it leaves
   * through passivation via {@code shard} (null: it stops instead), so that sharding re-delivers
   * what arrives meanwhile.
   */
  static Behavior<Command> create(
      String entityId, ActorRef<ClusterSharding.ShardCommand> shard, LeaderClock clock) {
    Behavior<Message> behavior =
        Behaviors.setup(
            context ->
                Behaviors.withStash(
                    context
                        .getSystem()
                        .settings()
                        .config()
                        .getInt("akka.persistence.typed.stash-capacity"),
                    stash ->
                        Behaviors.withTimers(
                            timers ->
                                new LeaderStartup(context, stash, timers, shard, entityId, clock)
                                    .begin())));
    return behavior.narrow();
  }

  /** Topic configs minus those that are not the log's (replication settings, say). */
  public static Map<String, String> logConfigs(Map<String, String> topicConfigs) {
    Map<String, String> result = new LinkedHashMap<>(topicConfigs);
    result.keySet().retainAll(LogConfig.names());
    return result;
  }

  static ApiError notLeader(int brokerId, PartitionAssignment assignment) {
    return ApiError.of(
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        "Broker %d is not the leader of partition %d: broker %d is, in leader epoch %d",
        brokerId,
        assignment.partition(),
        assignment.leader(),
        assignment.leaderEpoch());
  }

  /** Refuses a message; a {@link Delete} still deletes the partition's data on this broker. */
  static void refuseCommand(
      ActorContext<Message> context, String topicPartition, Message message, ApiError error) {
    if (message instanceof Delete delete) {
      Logs.get(context.getSystem()).delete(topicPartition);
      delete.replyTo().tell(Done.done());
    } else {
      replyWithError(message, error);
    }
  }

  /** Answers a command that will not be carried out; internal messages are dropped. */
  static void replyWithError(Message message, ApiError error) {
    if (message instanceof Append append) {
      append.replyTo().tell(AppendReply.failed(error));
    } else if (message instanceof Fetch fetch) {
      fetch.replyTo().tell(FetchReply.failed(error));
    } else if (message instanceof GetOffsets get) {
      get.replyTo().tell(new OffsetsReply(null, error));
    } else if (message instanceof OffsetForTime forTime) {
      forTime.replyTo().tell(new OffsetForTimeReply(-1, error));
    } else if (message instanceof ReplicaFetch fetch) {
      fetch.replyTo().tell(ReplicaFetchReply.failed(error));
    }
  }
}
