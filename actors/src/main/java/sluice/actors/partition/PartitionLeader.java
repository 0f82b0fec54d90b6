package sluice.actors.partition;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.external.ExternalShardAllocationStrategy;
import akka.cluster.sharding.typed.ClusterShardingSettings;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.ShardingMessageExtractor;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import akka.util.Timeout;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.controller.Controller;
import sluice.actors.journal.BatchEvent;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

/**
 * The leader of one partition: a Cluster Sharding entity, id {@code topic-partition}, and an
 * event-sourced behavior whose events are the partition's record batches ({@link BatchEvent}),
 * journaled by {@link sluice.actors.journal.SegmentJournal} straight into the partition's segment
 * log. It is the log's only writer.
 *
 * <p><b>Start</b> ({@link LeaderStartup}). The entity first reads the topic's {@link TopicMetadata}
 * from Distributed Data (local replica, then a majority read if the topic or the partition is
 * absent: partitions can be added to a topic), stashing commands. Unknown topic or partition: every
 * command is answered {@code UNKNOWN_TOPIC_OR_PARTITION}. This broker ({@code sluice.broker-id})
 * not the partition's leader: retriable {@code NOT_LEADER_OR_FOLLOWER} (a sharding location set a
 * moment ago may start the entity on the wrong node first). Either way the entity then leaves
 * through passivation, so sharding hands later messages to a new incarnation that reads the
 * metadata again. Otherwise the log is opened through {@link Logs} with the topic's configs and
 * recovery runs from the latest snapshot plus the batch headers after it.
 *
 * <p><b>While leading</b> the entity follows its topic's metadata: new configs, a newer leader
 * epoch naming this broker (recorded in the log before the next write) and a newer ISR apply at
 * once; if the topic is deleted or another broker becomes the leader, it answers what waits and
 * everything after with the reason, and passivates.
 *
 * <p><b>Produce.</b> {@link Append} is checked (exactly one batch, CRC, {@code max.message.bytes},
 * not empty, not a control batch) and queued. While a write is in flight the queue grows; when the
 * write completes the next one persists the whole queue with one {@code persist(List)} (group
 * commit). Offsets, the leader epoch and, under {@code message.timestamp.type=LogAppendTime}, the
 * append time are set just before persisting. acks=0 is answered on arrival, acks=1 once the write
 * is done, acks=all once the high watermark passes the batch ({@link AckWaiters}); acks=all is
 * refused up front with {@code NOT_ENOUGH_REPLICAS} while the ISR is smaller than {@code
 * min.insync.replicas}.
 *
 * <p><b>Replication</b> (Kafka's protocol, leader side; {@link LeaderReplication}). Followers send
 * {@link ReplicaFetch}; their fetch offsets are their log end offsets, kept with their caught-up
 * times in a {@link ReplicaTracker}. The high watermark, kept in {@link
 * PartitionLog#highWatermark()}, is the least log end offset over the (maximal) ISR including the
 * leader's, and never goes down while leading. ISR changes (out: not caught up for {@code
 * sluice.replication.replica-lag-time-max}; in: caught up with the high watermark) are proposed to
 * the controller ({@link Controller.AlterPartition}), one at a time, with the current leader and
 * partition epochs.
 *
 * <p><b>Fetch</b> returns whole batches below the high watermark read straight from the segment
 * files, on the fetch dispatcher rather than the leader's thread; a fetch at the high watermark
 * parks until it moves or the fetch's {@code maxWaitMs} expires (a timer, no polling). The first
 * batch returned may start before the requested offset.
 *
 * <p>The queue of appends, the acks=all appends waiting for the ISR, the parked fetches and the
 * follower states are not state: a leader that stops answers them with a retriable error; one that
 * crashes loses them and their senders time out. The snapshot ({@link LeaderState}) is taken every
 * {@code sluice.partition.snapshot-every} batches; the high watermark is checkpointed by the log
 * every {@code sluice.replication.high-watermark-checkpoint-interval}.
 */
public final class PartitionLeader
    extends EventSourcedBehaviorWithEnforcedReplies<
        PartitionLeader.Command, BatchEvent, LeaderState> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "partition");

  static final String JOURNAL_PLUGIN_ID = "sluice.journal";
  static final String SNAPSHOT_PLUGIN_ID = "sluice.snapshot-store";

  // ---- protocol --------------------------------------------------------------------------------

  /** Everything a partition leader handles. */
  public sealed interface Command extends CborSerializable {}

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
   */
  public record Fetch(long offset, int maxBytes, long maxWaitMs, ActorRef<FetchReply> replyTo)
      implements Command {}

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
      implements CborSerializable {}

  /** The leader's end of a leader epoch: the answer to a diverging follower (KIP-101). */
  public record Diverging(int epoch, long endOffset) implements CborSerializable {}

  /** Stops the leader and deletes the partition's log and snapshots on this broker. */
  public record Delete(ActorRef<Done> replyTo) implements Command {}

  /**
   * The entity's stop message: sharding sends it on passivation and hand-off. Queued appends and
   * parked fetches are answered with a retriable error first.
   */
  record Stop() implements Command {}

  /** Persists the queued appends; sent to itself, at most one outstanding. */
  private record FlushAppends() implements Command {}

  private record FetchExpired(long fetchId) implements Command {}

  record ReplicaFetchExpired(long fetchId) implements Command {}

  /** Time to look for ISR members to propose out (and followers to propose in). */
  record CheckIsr() implements Command {}

  record CheckpointHighWatermark() implements Command {}

  /** The earliest deadline of a waiting acks=all append has come. */
  record AckDeadline() implements Command {}

  /**
   * The controller's answer to this leader's {@link Controller.AlterPartition}, proposed in {@code
   * leaderEpoch} and {@code partitionEpoch}: exactly one of {@code partition} and {@code error} is
   * non-null ({@code REQUEST_TIMED_OUT} without an answer).
   */
  record AlterPartitionAnswered(
      int leaderEpoch, int partitionEpoch, PartitionAssignment partition, ApiError error)
      implements Command {}

  /** The partition's log is open (recovered) in {@link Logs}. */
  record LogOpened() implements Command {}

  record LogOpenFailed(String reason) implements Command {}

  /** The replica manager granted this entity the write lease of the partition's log. */
  record LeaseGranted() implements Command {}

  record LeaseRefused(String reason) implements Command {}

  record MetadataFound(TopicMetadata topic) implements Command {}

  record MetadataMissing(boolean afterMajorityRead) implements Command {}

  record MetadataUnavailable(String reason) implements Command {}

  /** The topic's metadata changed; {@code topic} is null if the topic is gone. */
  record MetadataChanged(TopicMetadata topic) implements Command {}

  // ---- sharding --------------------------------------------------------------------------------

  /** {@code topic-partition}, the entity id, persistence id and directory name of a partition. */
  public static String entityId(String topic, int partition) {
    return topic + "-" + partition;
  }

  /**
   * Starts sharding of partition leaders on this node. Shards are placed by the controller through
   * {@link ExternalShardAllocationStrategy}, one shard per partition (the shard id is the entity
   * id); a dead broker's shards move once its region is gone, without waiting out a hand-off
   * ({@link ReachableRegionsAllocation}). No passivation: an idle leader may hold parked fetches
   * and its log stays open anyway.
   */
  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system)
        .init(
            Entity.of(TYPE_KEY, context -> create(context.getEntityId(), context.getShard()))
                .withStopMessage(new Stop())
                .withMessageExtractor(new ShardPerEntity())
                .withAllocationStrategy(
                    ReachableRegionsAllocation.inCluster(
                        Adapter.toClassic(system),
                        new ExternalShardAllocationStrategy(
                            system, TYPE_KEY.name(), Timeout.create(Duration.ofSeconds(5)))))
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
   * through passivation via {@code shard}, so that sharding re-delivers what arrives meanwhile.
   */
  static Behavior<Command> create(String entityId, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
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
                            new LeaderStartup(context, stash, timers, shard, entityId).begin())));
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

  /** Refuses a command; a {@link Delete} still deletes the partition's data on this broker. */
  static void refuseCommand(
      ActorContext<Command> context, String topicPartition, Command command, ApiError error) {
    if (command instanceof Delete delete) {
      Logs.get(context.getSystem()).delete(topicPartition);
      delete.replyTo().tell(Done.done());
    } else {
      replyWithError(command, error);
    }
  }

  /** Answers a command that will not be carried out; internal messages are dropped. */
  static void replyWithError(Command command, ApiError error) {
    if (command instanceof Append append) {
      append.replyTo().tell(AppendReply.failed(error));
    } else if (command instanceof Fetch fetch) {
      fetch.replyTo().tell(FetchReply.failed(error));
    } else if (command instanceof GetOffsets get) {
      get.replyTo().tell(new OffsetsReply(null, error));
    } else if (command instanceof OffsetForTime forTime) {
      forTime.replyTo().tell(new OffsetForTimeReply(-1, error));
    } else if (command instanceof ReplicaFetch fetch) {
      fetch.replyTo().tell(new ReplicaFetchReply(new byte[0], -1, -1, -1, null, error));
    }
  }

  // ---- the event-sourced leader ----------------------------------------------------------------

  /** An accepted append waiting for the next write, since {@code queuedAtNanos}. */
  private record Queued(Append append, long queuedAtNanos) {
    boolean timedOut(long nowNanos) {
      return append.timeoutMs() > 0
          && nowNanos - queuedAtNanos > TimeUnit.MILLISECONDS.toNanos(append.timeoutMs());
    }
  }

  /** An append in the write in flight, with what its sender will be told. */
  private record Written(
      Append append, long baseOffset, long lastOffset, long logAppendTime, long arrivedNanos) {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final LeaderSettings settings;
  private final String topic;
  private final String topicId;
  private final int partition;
  private final String topicPartition;
  private final PartitionLog log;
  private final Clock clock = Clock.systemUTC();
  private final Executor fetchExecutor;
  private final LeaderReplication replication;
  private LogConfig config;
  private Map<String, String> topicConfigs;
  private List<Queued> queued = new ArrayList<>();
  private boolean flushRequested;
  private final Map<Long, Fetch> parked = new LinkedHashMap<>();
  private long nextFetchId;

  /** Why this entity no longer leads, once it does not; it is then passivating. */
  private ApiError refusal;

  PartitionLeader(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      LeaderSettings settings,
      TopicMetadata metadata,
      int partition,
      PartitionAssignment assignment,
      PartitionLog log,
      LogConfig config) {
    super(PersistenceId.ofUniqueId(entityId(metadata.name(), partition)));
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.settings = settings;
    this.topic = metadata.name();
    this.topicId = metadata.topicId();
    this.partition = partition;
    this.topicPartition = entityId(topic, partition);
    this.log = log;
    this.config = config;
    this.topicConfigs = metadata.configs();
    this.fetchExecutor =
        context
            .getSystem()
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig("sluice.partition.fetch-dispatcher"));
    this.replication =
        new LeaderReplication(
            context,
            timers,
            settings,
            topic,
            topicId,
            partition,
            assignment,
            topicConfigs,
            log,
            clock,
            fetchExecutor,
            context.getSystem().dispatchers().lookup(DispatcherSelector.blocking()),
            this::wakeParkedFetches);
  }

  @Override
  public String journalPluginId() {
    return JOURNAL_PLUGIN_ID;
  }

  @Override
  public String snapshotPluginId() {
    return SNAPSHOT_PLUGIN_ID;
  }

  @Override
  public LeaderState emptyState() {
    return LeaderState.startingAt(log.logStartOffset());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Command, BatchEvent, LeaderState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> refusal != null).onAnyCommand(this::onCommandAfterLeading);
    builder
        .forAnyState()
        .onCommand(Append.class, this::onAppend)
        .onCommand(FlushAppends.class, this::onFlushAppends)
        .onCommand(Fetch.class, this::onFetch)
        .onCommand(FetchExpired.class, this::onFetchExpired)
        .onCommand(ReplicaFetch.class, this::onReplicaFetch)
        .onCommand(ReplicaFetchExpired.class, this::onReplicaFetchExpired)
        .onCommand(AckDeadline.class, this::onAckDeadline)
        .onCommand(CheckIsr.class, this::onCheckIsr)
        .onCommand(AlterPartitionAnswered.class, this::onAlterPartitionAnswered)
        .onCommand(CheckpointHighWatermark.class, this::onCheckpointHighWatermark)
        .onCommand(GetOffsets.class, this::onGetOffsets)
        .onCommand(OffsetForTime.class, this::onOffsetForTime)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(MetadataChanged.class, this::onMetadataChanged)
        .onCommand(Stop.class, this::onStop)
        .onAnyCommand(command -> Effect().unhandled().thenNoReply());
    return builder.build();
  }

  @Override
  public EventHandler<LeaderState, BatchEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.applied(event.header()));
  }

  @Override
  public SignalHandler<LeaderState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecoveryCompleted)
        .build();
  }

  private void onRecoveryCompleted(LeaderState state) {
    if (state.logEndOffset() != log.logEndOffset()) {
      throw new IllegalStateException(
          "Recovered log end offset "
              + state.logEndOffset()
              + " of "
              + topicPartition
              + " differs from the log's "
              + log.logEndOffset());
    }
    replication.start(state);
  }

  // ---- produce ---------------------------------------------------------------------------------

  private ReplyEffect<BatchEvent, LeaderState> onAppend(LeaderState state, Append append) {
    ApiError error = AppendValidation.check(append, topicPartition, config);
    if (error != null) {
      return Effect().reply(append.replyTo(), AppendReply.failed(error));
    }
    if (append.acks() == Acks.ALL) {
      ApiError tooFew = replication.refuseAcksAll();
      if (tooFew != null) {
        return Effect().reply(append.replyTo(), AppendReply.failed(tooFew));
      }
    }
    queued.add(new Queued(append, System.nanoTime()));
    if (!flushRequested) {
      flushRequested = true;
      context.getSelf().tell(new FlushAppends());
    }
    if (append.acks() == Acks.NONE) {
      return Effect().reply(append.replyTo(), new AppendReply(-1, -1, null));
    }
    return Effect().noReply();
  }

  /**
   * Writes every queued append in one {@code persist(List)}. While that write is in flight akka
   * stashes new commands; they are unstashed, all of them, before this message comes again.
   */
  private ReplyEffect<BatchEvent, LeaderState> onFlushAppends(
      LeaderState state, FlushAppends flush) {
    flushRequested = false;
    List<Queued> toWrite = queued;
    queued = new ArrayList<>();
    long now = System.nanoTime();
    long appendTime = AppendValidation.logAppendTime(config) ? clock.millis() : -1;
    long nextOffset = state.logEndOffset();
    List<BatchEvent> events = new ArrayList<>(toWrite.size());
    List<Written> written = new ArrayList<>(toWrite.size());
    for (Queued entry : toWrite) {
      Append append = entry.append();
      if (entry.timedOut(now)) {
        append
            .replyTo()
            .tell(
                AppendReply.failed(
                    ApiError.of(
                        ErrorCode.REQUEST_TIMED_OUT,
                        "The append to %s waited longer than its timeout of %d ms and was not"
                            + " written",
                        topicPartition,
                        append.timeoutMs())));
        continue;
      }
      byte[] bytes = append.batch().clone();
      RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
      batch.setBaseOffset(nextOffset);
      batch.setPartitionLeaderEpoch(replication.leaderEpoch());
      if (appendTime >= 0) {
        batch.setLogAppendTime(appendTime);
      }
      events.add(new BatchAppended(bytes));
      written.add(
          new Written(append, nextOffset, batch.lastOffset(), appendTime, entry.queuedAtNanos()));
      nextOffset = batch.lastOffset() + 1;
    }
    if (events.isEmpty()) {
      return Effect().noReply();
    }
    return Effect()
        .persist(events)
        .thenRun(
            newState -> {
              for (Written entry : written) {
                Append append = entry.append();
                if (append.acks() == Acks.LEADER) {
                  append
                      .replyTo()
                      .tell(new AppendReply(entry.baseOffset(), entry.logAppendTime(), null));
                } else if (append.acks() == Acks.ALL) {
                  replication.written(
                      append,
                      entry.baseOffset(),
                      entry.lastOffset(),
                      entry.logAppendTime(),
                      AckWaiters.deadline(append, entry.arrivedNanos()));
                }
              }
              replication.afterWrite(newState);
            })
        .thenNoReply();
  }

  // ---- fetch -----------------------------------------------------------------------------------

  private ReplyEffect<BatchEvent, LeaderState> onFetch(LeaderState state, Fetch fetch) {
    if (fetch.maxBytes() <= 0 || fetch.maxWaitMs() < 0) {
      return Effect()
          .reply(
              fetch.replyTo(),
              FetchReply.failed(
                  ApiError.of(
                      ErrorCode.INVALID_REQUEST,
                      "A fetch needs maxBytes > 0 and maxWaitMs >= 0, not maxBytes=%d and"
                          + " maxWaitMs=%d",
                      fetch.maxBytes(),
                      fetch.maxWaitMs())));
    }
    long logStart = log.logStartOffset();
    if (fetch.offset() < logStart || fetch.offset() > state.logEndOffset()) {
      return Effect()
          .reply(
              fetch.replyTo(),
              FetchReply.failed(
                  outOfRange(topicPartition, fetch.offset(), logStart, state.logEndOffset())));
    }
    if (fetch.offset() >= log.highWatermark() && fetch.maxWaitMs() > 0) {
      long fetchId = nextFetchId++;
      parked.put(fetchId, fetch);
      timers.startSingleTimer(
          fetchId, new FetchExpired(fetchId), Duration.ofMillis(fetch.maxWaitMs()));
      return Effect().noReply();
    }
    serve(fetch, state);
    return Effect().noReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onFetchExpired(
      LeaderState state, FetchExpired expired) {
    Fetch fetch = parked.remove(expired.fetchId());
    if (fetch == null) {
      return Effect().noReply();
    }
    serve(fetch, state);
    return Effect().noReply();
  }

  private void wakeParkedFetches(LeaderState state) {
    var iterator = parked.entrySet().iterator();
    while (iterator.hasNext()) {
      Map.Entry<Long, Fetch> entry = iterator.next();
      if (entry.getValue().offset() < log.highWatermark()) {
        iterator.remove();
        timers.cancel(entry.getKey());
        serve(entry.getValue(), state);
      }
    }
  }

  /**
   * Answers a fetch: empty at the high watermark, else whole batches below it, read straight from
   * the segment files on the fetch dispatcher ({@code sluice.partition.fetch-dispatcher}) so that
   * reads never hold up appends. The high watermark only grows, so the one seen here stays valid.
   */
  private void serve(Fetch fetch, LeaderState state) {
    long highWatermark = log.highWatermark();
    long logEnd = state.logEndOffset();
    if (fetch.offset() >= highWatermark) {
      fetch
          .replyTo()
          .tell(
              new FetchReply(
                  new byte[0],
                  new PartitionOffsets(log.logStartOffset(), highWatermark, logEnd),
                  null));
      return;
    }
    fetchExecutor.execute(() -> fetch.replyTo().tell(read(fetch, highWatermark, logEnd)));
  }

  /** Reads for {@link #serve}; runs on the fetch dispatcher, so it touches no actor state. */
  private FetchReply read(Fetch fetch, long highWatermark, long logEnd) {
    LogRead read =
        LogRead.of(
            log,
            topicPartition,
            fetch.offset(),
            Math.min(fetch.maxBytes(), settings.fetchMaxBytes()),
            highWatermark,
            logEnd);
    return read.error() != null
        ? FetchReply.failed(read.error())
        : new FetchReply(
            read.batches(),
            new PartitionOffsets(log.logStartOffset(), highWatermark, logEnd),
            null);
  }

  static ApiError outOfRange(String topicPartition, long offset, long logStart, long logEnd) {
    return ApiError.of(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        "Offset %d is out of range for partition %s: valid offsets are %d (log start) to %d (log"
            + " end)",
        offset,
        topicPartition,
        logStart,
        logEnd);
  }

  // ---- replication (LeaderReplication) ----------------------------------------------------------

  private ReplyEffect<BatchEvent, LeaderState> onReplicaFetch(
      LeaderState state, ReplicaFetch fetch) {
    replication.onReplicaFetch(state, fetch);
    return Effect().noReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onReplicaFetchExpired(
      LeaderState state, ReplicaFetchExpired expired) {
    replication.onReplicaFetchExpired(state, expired);
    return Effect().noReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onAckDeadline(
      LeaderState state, AckDeadline deadline) {
    replication.onAckDeadline();
    return Effect().noReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onCheckIsr(LeaderState state, CheckIsr check) {
    replication.onCheckIsr(state);
    return Effect().noReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onAlterPartitionAnswered(
      LeaderState state, AlterPartitionAnswered answer) {
    replication.onAlterPartitionAnswered(state, answer);
    return Effect().noReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onCheckpointHighWatermark(
      LeaderState state, CheckpointHighWatermark checkpoint) {
    replication.onCheckpointHighWatermark();
    return Effect().noReply();
  }

  // ---- offsets ---------------------------------------------------------------------------------

  private PartitionOffsets offsets(LeaderState state) {
    return new PartitionOffsets(log.logStartOffset(), log.highWatermark(), state.logEndOffset());
  }

  private ReplyEffect<BatchEvent, LeaderState> onGetOffsets(LeaderState state, GetOffsets get) {
    return Effect().reply(get.replyTo(), new OffsetsReply(offsets(state), null));
  }

  private ReplyEffect<BatchEvent, LeaderState> onOffsetForTime(
      LeaderState state, OffsetForTime query) {
    long timestamp = query.timestamp();
    OffsetForTimeReply reply;
    if (timestamp == -2) {
      reply = new OffsetForTimeReply(log.logStartOffset(), null);
    } else if (timestamp == -1) {
      reply = new OffsetForTimeReply(log.highWatermark(), null);
    } else if (timestamp < 0) {
      reply =
          new OffsetForTimeReply(
              -1,
              ApiError.of(
                  ErrorCode.INVALID_REQUEST,
                  "Timestamp %d is not valid: use epoch milliseconds, -2 (earliest) or -1"
                      + " (latest)",
                  timestamp));
    } else {
      long offset = log.offsetForTimestamp(timestamp).orElse(-1);
      reply = new OffsetForTimeReply(offset < log.highWatermark() ? offset : -1, null);
    }
    return Effect().reply(query.replyTo(), reply);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  private ReplyEffect<BatchEvent, LeaderState> onDelete(LeaderState state, Delete delete) {
    ReplyEffect<BatchEvent, LeaderState> effect =
        stopLeading(
            ApiError.of(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Partition %s was deleted", topicPartition));
    Logs.get(context.getSystem()).delete(topicPartition);
    delete.replyTo().tell(Done.done());
    return effect;
  }

  private ReplyEffect<BatchEvent, LeaderState> onStop(LeaderState state, Stop stop) {
    abandon(
        ApiError.of(
            ErrorCode.NOT_LEADER_OR_FOLLOWER,
            "Partition %s is moving or its broker is stopping",
            topicPartition));
    replication.checkpointHighWatermark();
    return Effect().stop().thenNoReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onCommandAfterLeading(
      LeaderState state, Command command) {
    if (command instanceof Stop) {
      return Effect().stop().thenNoReply();
    }
    refuseCommand(context, topicPartition, command, refusal);
    return Effect().noReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onMetadataChanged(
      LeaderState state, MetadataChanged changed) {
    TopicMetadata metadata = changed.topic();
    if (metadata == null || !Objects.equals(metadata.topicId(), topicId)) {
      return stopLeading(
          ApiError.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '%s' was deleted", topic));
    }
    PartitionAssignment assignment = metadata.partition(partition).orElse(null);
    if (assignment == null) {
      return stopLeading(
          ApiError.of(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              "Partition %s no longer exists",
              topicPartition));
    }
    if (assignment.leader() != settings.brokerId()) {
      return stopLeading(notLeader(settings.brokerId(), assignment));
    }
    replication.onAssignment(state, assignment);
    if (!metadata.configs().equals(topicConfigs)) {
      try {
        LogConfig updated = LogConfig.from(logConfigs(metadata.configs()));
        log.updateConfig(updated);
        config = updated;
        topicConfigs = metadata.configs();
        replication.configsChanged(topicConfigs);
      } catch (RuntimeException e) {
        context
            .getLog()
            .error("Keeping the configs of {}: the new ones are refused", topicPartition, e);
      }
    }
    return Effect().noReply();
  }

  /**
   * Stops writing for good: what waits is answered with {@code error}, and so is every command
   * until sharding's stop message arrives (passivation, so sharding re-delivers later messages to a
   * new incarnation, which reads the metadata again).
   */
  private ReplyEffect<BatchEvent, LeaderState> stopLeading(ApiError error) {
    context.getLog().info("Partition {} stops leading: {}", topicPartition, error.message());
    abandon(error);
    refusal = error;
    if (shard == null) {
      return Effect().stop().thenNoReply();
    }
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    return Effect().noReply();
  }

  /**
   * Answers queued appends and parked fetches with {@code error}, and written acks=all appends
   * still waiting for the ISR with {@code NOT_LEADER_OR_FOLLOWER}: never success.
   */
  private void abandon(ApiError error) {
    replication.abandon(error);
    for (Queued entry : queued) {
      if (entry.append().acks() != Acks.NONE) {
        entry.append().replyTo().tell(AppendReply.failed(error));
      }
    }
    queued.clear();
    for (Map.Entry<Long, Fetch> entry : parked.entrySet()) {
      timers.cancel(entry.getKey());
      entry.getValue().replyTo().tell(FetchReply.failed(error));
    }
    parked.clear();
  }
}
