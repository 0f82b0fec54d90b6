package sluice.actors.partition;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.PostStop;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.journal.BatchEvent;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.CorruptBatches.OwnCopyChecked;
import sluice.actors.partition.CorruptBatches.ResignationAnswered;
import sluice.actors.partition.HighWatermark.AckDeadline;
import sluice.actors.partition.HighWatermark.CheckpointHighWatermark;
import sluice.actors.partition.LeaderMetadata.MetadataChanged;
import sluice.actors.partition.LeaderReplication.AlterPartitionAnswered;
import sluice.actors.partition.LeaderReplication.CheckIsr;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.partition.PartitionLeader.CorruptBatchSeen;
import sluice.actors.partition.PartitionLeader.Delete;
import sluice.actors.partition.PartitionLeader.EpochEnd;
import sluice.actors.partition.PartitionLeader.Fetch;
import sluice.actors.partition.PartitionLeader.GetOffsets;
import sluice.actors.partition.PartitionLeader.Internal;
import sluice.actors.partition.PartitionLeader.Message;
import sluice.actors.partition.PartitionLeader.OffsetForTime;
import sluice.actors.partition.PartitionLeader.OffsetForTimeReply;
import sluice.actors.partition.PartitionLeader.OffsetsReply;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.actors.partition.PartitionLeader.Stop;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;

/**
 * The second phase of a {@link PartitionLeader} entity, once {@link LeaderStartup} opened the log:
 * an event-sourced behavior whose events are the partition's record batches ({@link BatchEvent}),
 * journaled by {@link sluice.actors.journal.SegmentJournal} straight into the segment log, and the
 * log's only writer. It keeps the message table and hands each job to a part: appends to the {@link
 * AppendQueue} (group commit), consumer fetches to {@link ConsumerFetches}, replication to {@link
 * LeaderReplication}, the parked fetches of both to one {@link FetchPurgatory}. While leading it
 * follows its topic's metadata ({@link LeaderMetadata}); deleted, or another broker leading, it
 * answers what waits and everything after with the reason, and passivates.
 *
 * <p>The state ({@link LeaderState}: the confirmed log end offset, the producer state) is
 * snapshotted every {@code sluice.partition.snapshot-every} batches; queued appends, waiting acks,
 * parked fetches and follower states are not state: a leader that stops answers them with a
 * retriable error, one that crashes loses them and their senders time out.
 */
final class EventSourcedLeader
    extends EventSourcedBehaviorWithEnforcedReplies<Message, BatchEvent, LeaderState> {

  static final String JOURNAL_PLUGIN_ID = "sluice.journal";
  static final String SNAPSHOT_PLUGIN_ID = "sluice.snapshot-store";

  private static final String FETCH_DEADLINE_TIMER = "fetch-deadline";

  /** Persists the queued appends; sent to itself, at most one outstanding. */
  private record FlushAppends() implements Internal {}

  /** The earliest deadline of a parked fetch has come. */
  private record FetchDeadline() implements Internal {}

  private final PartitionContext partition;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final String topicId;
  private final PartitionLog log;
  private final SegmentSnapshots segmentSnapshots;
  private final LeaderWrites writes;
  private final FetchPurgatory purgatory;
  private final ConsumerFetches fetches;
  private final LeaderReplication replication;
  private final CorruptBatches corrupt;
  private LogConfig config;
  private Map<String, String> topicConfigs;

  /** Why this entity no longer leads, once it does not; it is then passivating. */
  private ApiError refusal;

  EventSourcedLeader(
      PartitionContext partition,
      ActorRef<ClusterSharding.ShardCommand> shard,
      TopicMetadata metadata,
      PartitionAssignment assignment,
      LogConfig config) {
    super(PersistenceId.ofUniqueId(partition.topicPartition()));
    this.partition = partition;
    this.shard = shard;
    this.topicId = metadata.topicId();
    this.log = partition.log();
    this.segmentSnapshots = new SegmentSnapshots(log);
    this.config = config;
    this.topicConfigs = metadata.configs();
    this.purgatory =
        new FetchPurgatory(
            partition.clock(),
            new DeadlineTimer.Timer() {
              @Override
              public void start(Duration delay) {
                partition
                    .timers()
                    .startSingleTimer(FETCH_DEADLINE_TIMER, new FetchDeadline(), delay);
              }

              @Override
              public void cancel() {
                partition.timers().cancel(FETCH_DEADLINE_TIMER);
              }
            });
    this.fetches = new ConsumerFetches(partition, purgatory);
    this.replication = new LeaderReplication(partition, assignment, topicConfigs, purgatory);
    this.corrupt = new CorruptBatches(partition);
    this.writes =
        new LeaderWrites(
            partition, replication, purgatory, Logs.get(partition.actor().getSystem()).health());
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
  public boolean shouldSnapshot(LeaderState state, BatchEvent event, long sequenceNr) {
    return segmentSnapshots.due();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(partition.settings().snapshotEvery(), 2);
  }

  @Override
  public CommandHandlerWithReply<Message, BatchEvent, LeaderState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> refusal != null).onAnyCommand(this::onMessageAfterLeading);
    builder
        .forAnyState()
        .onCommand(Append.class, this::onAppend)
        .onCommand(FlushAppends.class, this::onFlushAppends)
        .onCommand(
            Fetch.class,
            (state, fetch) ->
                done(() -> fetches.onFetch(fetch, end(state), replication.leaderEpoch())))
        .onCommand(FetchDeadline.class, (state, deadline) -> done(() -> expireFetches(state)))
        .onCommand(
            ReplicaFetch.class,
            (state, fetch) -> done(() -> replication.onReplicaFetch(fetch, end(state))))
        .onCommand(
            AckDeadline.class,
            (state, deadline) -> done(() -> replication.highWatermark().onAckDeadline()))
        .onCommand(CheckIsr.class, (state, check) -> done(() -> replication.onCheckIsr(end(state))))
        .onCommand(
            AlterPartitionAnswered.class,
            (state, answer) -> done(() -> replication.onAlterPartitionAnswered(answer, end(state))))
        .onCommand(
            CheckpointHighWatermark.class,
            (state, checkpoint) -> done(() -> replication.highWatermark().onCheckpointTimer()))
        .onCommand(CorruptBatchSeen.class, (state, seen) -> done(() -> onCorruptBatchSeen(seen)))
        .onCommand(OwnCopyChecked.class, (state, read) -> done(() -> onOwnCopyChecked(read)))
        .onCommand(ResignationAnswered.class, this::onResignationAnswered)
        .onCommand(GetOffsets.class, this::onGetOffsets)
        .onCommand(OffsetForTime.class, this::onOffsetForTime)
        .onCommand(EpochEnd.class, this::onEpochEnd)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(MetadataChanged.class, this::onMetadataChanged)
        .onCommand(Stop.class, this::onStop)
        .onAnyCommand(command -> Effect().unhandled().thenNoReply());
    return builder.build();
  }

  /** Runs a handler that answers by itself (or later), and keeps the behavior. */
  private ReplyEffect<BatchEvent, LeaderState> done(Runnable handler) {
    handler.run();
    return Effect().noReply();
  }

  private static long end(LeaderState state) {
    return state.logEndOffset();
  }

  @Override
  public EventHandler<LeaderState, BatchEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) ->
                state.applied(
                    event.header(),
                    partition.clock().millis(),
                    partition.settings().producerIdExpiration().toMillis()));
  }

  @Override
  public SignalHandler<LeaderState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecoveryCompleted)
        .onSignal(PostStop.instance(), state -> writes.answerFailedWrite())
        .build();
  }

  private void onRecoveryCompleted(LeaderState state) {
    if (state.logEndOffset() != log.logEndOffset()) {
      throw new IllegalStateException(
          "Recovered log end offset "
              + state.logEndOffset()
              + " of "
              + partition.topicPartition()
              + " differs from the log's "
              + log.logEndOffset());
    }
    replication.start(state.logEndOffset());
  }

  // ---- produce ---------------------------------------------------------------------------------

  private ReplyEffect<BatchEvent, LeaderState> onAppend(LeaderState state, Append append) {
    ApiError error = writes.refusal(append, config);
    if (error != null) {
      return Effect().reply(append.replyTo(), AppendReply.failed(error));
    }
    if (writes.queue(append)) {
      partition.actor().getSelf().tell(new FlushAppends());
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
    AppendQueue.Group group = writes.nextWrite(state, config);
    if (group.events().isEmpty()) {
      writes.written(state, group.written());
      return Effect().noReply();
    }
    return Effect()
        .persist(group.events())
        .thenRun(newState -> writes.written(newState, group.written()))
        .thenNoReply();
  }

  private void expireFetches(LeaderState state) {
    purgatory.expire(log.highWatermark(), state.logEndOffset());
  }

  // ---- a corrupt batch in this leader's log (CorruptBatches) -----------------------------------

  private void onCorruptBatchSeen(CorruptBatchSeen seen) {
    corrupt.onReported(seen, replication.leaderEpoch(), replication.partitionEpoch());
  }

  private void onOwnCopyChecked(OwnCopyChecked checked) {
    corrupt.onOwnCopyChecked(checked, replication.leaderEpoch(), replication.partitionEpoch());
  }

  private ReplyEffect<BatchEvent, LeaderState> onResignationAnswered(
      LeaderState state, ResignationAnswered answer) {
    PartitionAssignment moved = corrupt.onAnswered(answer);
    return moved == null
        ? Effect().noReply()
        : stopLeading(PartitionLeader.notLeader(partition.settings().brokerId(), moved));
  }

  // ---- offsets ---------------------------------------------------------------------------------

  private ReplyEffect<BatchEvent, LeaderState> onGetOffsets(LeaderState state, GetOffsets get) {
    var offsets =
        new PartitionOffsets(log.logStartOffset(), log.highWatermark(), state.logEndOffset());
    return Effect().reply(get.replyTo(), new OffsetsReply(offsets, null));
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

  private ReplyEffect<BatchEvent, LeaderState> onEpochEnd(LeaderState state, EpochEnd query) {
    return Effect()
        .reply(
            query.replyTo(),
            EpochEnds.answer(partition, query, replication.leaderEpoch(), end(state)));
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  private ReplyEffect<BatchEvent, LeaderState> onDelete(LeaderState state, Delete delete) {
    ReplyEffect<BatchEvent, LeaderState> effect =
        stopLeading(
            ApiError.of(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                "Partition %s was deleted",
                partition.topicPartition()));
    Logs.get(partition.actor().getSystem()).delete(partition.topicPartition());
    delete.replyTo().tell(Done.done());
    return effect;
  }

  private ReplyEffect<BatchEvent, LeaderState> onStop(LeaderState state, Stop stop) {
    abandon(
        ApiError.of(
            ErrorCode.NOT_LEADER_OR_FOLLOWER,
            "Partition %s is moving or its broker is stopping",
            partition.topicPartition()));
    replication.highWatermark().checkpoint();
    return Effect().stop().thenNoReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onMessageAfterLeading(
      LeaderState state, Message message) {
    if (message instanceof Stop) {
      return Effect().stop().thenNoReply();
    }
    PartitionLeader.refuseCommand(partition.actor(), partition.topicPartition(), message, refusal);
    return Effect().noReply();
  }

  private ReplyEffect<BatchEvent, LeaderState> onMetadataChanged(
      LeaderState state, MetadataChanged changed) {
    TopicMetadata metadata = changed.topic();
    if (metadata == null || !Objects.equals(metadata.topicId(), topicId)) {
      return stopLeading(
          ApiError.of(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '%s' was deleted", partition.topic()));
    }
    PartitionAssignment assignment = metadata.partition(partition.partition()).orElse(null);
    if (assignment == null) {
      return stopLeading(
          ApiError.of(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              "Partition %s no longer exists",
              partition.topicPartition()));
    }
    int brokerId = partition.settings().brokerId();
    if (assignment.leader() != brokerId) {
      return stopLeading(PartitionLeader.notLeader(brokerId, assignment));
    }
    replication.onAssignment(assignment, state.logEndOffset());
    if (!metadata.configs().equals(topicConfigs)) {
      try {
        LogConfig updated = LogConfig.from(PartitionLeader.logConfigs(metadata.configs()));
        log.updateConfig(updated);
        config = updated;
        topicConfigs = metadata.configs();
        replication.highWatermark().configsChanged(topicConfigs);
      } catch (RuntimeException e) {
        partition
            .actor()
            .getLog()
            .error(
                "Keeping the configs of {}: the new ones are refused",
                partition.topicPartition(),
                e);
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
    partition
        .actor()
        .getLog()
        .info("Partition {} stops leading: {}", partition.topicPartition(), error.message());
    abandon(error);
    refusal = error;
    if (shard == null) {
      return Effect().stop().thenNoReply();
    }
    shard.tell(new ClusterSharding.Passivate<>(partition.actor().getSelf()));
    return Effect().noReply();
  }

  /**
   * Answers queued appends and parked fetches with {@code error}, and written acks=all appends
   * still waiting for the ISR with {@code REQUEST_TIMED_OUT}: never success.
   */
  private void abandon(ApiError error) {
    replication.abandon(error);
    writes.abandon(error);
    purgatory.abortAll(error);
  }
}
