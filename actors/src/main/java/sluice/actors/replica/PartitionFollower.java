package sluice.actors.replica;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import java.time.Clock;
import java.time.Duration;
import sluice.actors.api.CborSerializable;
import sluice.actors.journal.BatchEvent;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.partition.LeaderState;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.actors.partition.PartitionLeader.ReplicaFetchReply;
import sluice.actors.partition.SegmentSnapshots;
import sluice.actors.replica.FetchReplyRule.Append;
import sluice.actors.replica.FetchReplyRule.AppendPrefix;
import sluice.actors.replica.FetchReplyRule.Cut;
import sluice.actors.replica.FetchReplyRule.DropUnwrittenEpochs;
import sluice.actors.replica.FetchReplyRule.LogPosition;
import sluice.actors.replica.FetchReplyRule.Retry;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;

/**
 * A follower replica of one partition on this broker: an event-sourced behavior with the leader's
 * persistence id ({@code topic-partition}), journal ({@code sluice.journal}, the segment log),
 * snapshot store and state type ({@link LeaderState}), so that the same log recovers as a leader or
 * as a follower. Its events are the leader's batches ({@link BatchAppended}), offsets and leader
 * epochs unchanged. {@link FollowerStartup} opens (and, if asked, cuts) the log first.
 *
 * <p>The follower's position is its log's end offset ({@link PartitionLog#logEndOffset()}; this
 * actor is the log's only writer), not the state's: {@link LeaderState#empty()} starts at 0, and a
 * log restarted empty above 0 has no batch to replay.
 *
 * <p><b>Loop.</b> {@link ReplicaFetch} to the leader from the log end offset with the log's latest
 * epoch, at most one outstanding, waited for as {@link FetchTiming} says; the answer is decided by
 * {@link FetchReplyRule}: batches are persisted in one write, the high watermark becomes
 * min(leader's, own log end), and the next fetch goes at once (the leader parks it while it has
 * nothing new). A cut below the log end is a {@link TruncationNeeded} to the owner, which stops
 * this follower and starts a new one with the truncation; meanwhile nothing is fetched. A batch
 * that fails its CRC is never written: the valid batches before it are, and the follower backs off
 * and fetches again from its offset. Errors, a missing answer or an undecided divergence back off
 * and fetch again.
 *
 * <p>A follower that cannot recover its log, or whose write fails, stops; its owner starts another
 * after a pause. Threading: an actor; the log is read and written only from it (and from the
 * opening task before it starts writing). Nothing but the log is durable: a crash loses the fetch
 * in flight. See {@code docs/replica.md}.
 */
public final class PartitionFollower
    extends EventSourcedBehavior<PartitionFollower.Command, BatchEvent, LeaderState> {

  // ---- protocol --------------------------------------------------------------------------------

  /** Everything a follower handles. */
  public sealed interface Command extends CborSerializable {}

  /** Stops the follower once the write in flight, if any, is done. */
  public record Stop() implements Command {}

  /** The log is open (and cut, if asked): {@link FollowerStartup} hands over. */
  record LogReady() implements Command {}

  record LogFailed(String reason) implements Command {}

  private record FetchNow() implements Command {}

  private record Fetched(ReplicaFetchReply reply, long fetchOffset) implements Command {}

  private record FetchFailed(long fetchOffset, String reason) implements Command {}

  /**
   * The replica a follower keeps: partition {@code partition} of topic {@code topic} (id {@code
   * topicId}), copied from broker {@code leaderId} in leader epoch {@code leaderEpoch}.
   */
  public record Assignment(
      String topic, int partition, String topicId, int leaderId, int leaderEpoch)
      implements CborSerializable {
    public String topicPartition() {
      return PartitionLeader.entityId(topic, partition);
    }
  }

  /**
   * A cut of the log that needs the persistent writer stopped: to {@code offset} ({@link
   * PartitionLog#truncateTo}), or, with {@code startOver}, everything removed and the log restarted
   * empty at {@code offset} ({@link PartitionLog#truncateFullyAndStartAt}). Decided while following
   * {@code assignment}; void under any other.
   */
  public record Truncation(Assignment assignment, long offset, boolean startOver, String reason)
      implements CborSerializable {}

  /**
   * To the owner: stop {@code follower} and start a new one with {@code truncation}. The follower
   * fetches nothing more meanwhile.
   */
  public record TruncationNeeded(Truncation truncation, ActorRef<Command> follower)
      implements CborSerializable {}

  // ---- start -----------------------------------------------------------------------------------

  /**
   * A follower of {@code assignment} that fetches from {@code leader}; {@code truncation} (or null)
   * is applied to the log before recovery; {@code owner} hears when another cut is needed; {@code
   * clock} is the wall clock producer state ages by.
   */
  public static Behavior<Command> create(
      Assignment assignment,
      LogConfig config,
      Truncation truncation,
      ReplicationSettings settings,
      RecipientRef<PartitionLeader.Command> leader,
      ActorRef<TruncationNeeded> owner,
      Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers ->
                    new FollowerStartup(context, timers, assignment, settings, leader, owner, clock)
                        .begin(config, truncation)));
  }

  // ---- the event-sourced follower --------------------------------------------------------------

  private static final String FETCH_TIMER = "fetch";

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Assignment assignment;
  private final String topicPartition;
  private final ReplicationSettings settings;
  private final RecipientRef<PartitionLeader.Command> leader;
  private final ActorRef<TruncationNeeded> owner;
  private final Clock clock;
  private final PartitionLog log;
  private final SegmentSnapshots segmentSnapshots;
  private final FetchTiming timing;

  /** A cut was asked for: nothing more is fetched until the owner's stop. */
  private boolean awaitingStop;

  /** Called by {@link FollowerStartup} once the log is open. */
  PartitionFollower(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Assignment assignment,
      ReplicationSettings settings,
      RecipientRef<PartitionLeader.Command> leader,
      ActorRef<TruncationNeeded> owner,
      Clock clock,
      PartitionLog log) {
    super(PersistenceId.ofUniqueId(assignment.topicPartition()));
    this.context = context;
    this.timers = timers;
    this.assignment = assignment;
    this.topicPartition = assignment.topicPartition();
    this.settings = settings;
    this.leader = leader;
    this.owner = owner;
    this.clock = clock;
    this.log = log;
    this.segmentSnapshots = new SegmentSnapshots(log);
    this.timing = new FetchTiming(settings);
  }

  @Override
  public String journalPluginId() {
    return "sluice.journal";
  }

  @Override
  public String snapshotPluginId() {
    return "sluice.snapshot-store";
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
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public CommandHandler<Command, BatchEvent, LeaderState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(FetchNow.class, this::onFetchNow)
        .onCommand(Fetched.class, this::onFetched)
        .onCommand(FetchFailed.class, this::onFetchFailed)
        .onCommand(Stop.class, this::onStop)
        .onAnyCommand(command -> Effect().unhandled());
  }

  @Override
  public EventHandler<LeaderState, BatchEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) ->
                state.applied(
                    event.header(), clock.millis(), settings.producerIdExpiration().toMillis()));
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
              + " of follower "
              + topicPartition
              + " differs from the log's "
              + log.logEndOffset());
    }
    context
        .getLog()
        .info(
            "Partition {} follows broker {} in epoch {} from offset {} (log start {})",
            topicPartition,
            assignment.leaderId(),
            assignment.leaderEpoch(),
            log.logEndOffset(),
            log.logStartOffset());
    context.getSelf().tell(new FetchNow());
  }

  // ---- the fetch loop --------------------------------------------------------------------------

  private Effect<BatchEvent, LeaderState> onFetchNow(LeaderState state, FetchNow fetchNow) {
    if (awaitingStop) {
      return Effect().none();
    }
    long fetchOffset = log.logEndOffset();
    int lastFetchedEpoch = log.latestEpoch();
    context.ask(
        ReplicaFetchReply.class,
        leader,
        timing.askTimeout(),
        replyTo ->
            new ReplicaFetch(
                settings.brokerId(),
                assignment.leaderEpoch(),
                fetchOffset,
                lastFetchedEpoch,
                settings.fetchMaxBytes(),
                settings.fetchMaxWait().toMillis(),
                replyTo),
        (reply, failure) ->
            reply != null
                ? new Fetched(reply, fetchOffset)
                : new FetchFailed(fetchOffset, String.valueOf(failure)));
    return Effect().none();
  }

  private Effect<BatchEvent, LeaderState> onFetchFailed(LeaderState state, FetchFailed failed) {
    context
        .getLog()
        .info(
            "Follower of {}: no answer from broker {} to the fetch at offset {}: {}",
            topicPartition,
            assignment.leaderId(),
            failed.fetchOffset(),
            failed.reason());
    backOff();
    return Effect().none();
  }

  private Effect<BatchEvent, LeaderState> onFetched(LeaderState state, Fetched fetched) {
    if (awaitingStop) {
      return Effect().none();
    }
    timing.answered();
    if (fetched.fetchOffset() != log.logEndOffset()) {
      throw new IllegalStateException(
          "Follower of "
              + topicPartition
              + " got the answer to a fetch at offset "
              + fetched.fetchOffset()
              + " at log end offset "
              + log.logEndOffset()
              + ": only one fetch may be outstanding");
    }
    FetchReplyRule.Outcome outcome =
        FetchReplyRule.decide(assignment, LogPosition.of(log), fetched.reply());
    if (outcome instanceof Append append) {
      return onAppend(append);
    } else if (outcome instanceof AppendPrefix prefix) {
      return onAppendPrefix(prefix);
    } else if (outcome instanceof Cut cut) {
      requestTruncation(cut.truncation());
    } else if (outcome instanceof DropUnwrittenEpochs drop) {
      long logEnd = log.logEndOffset();
      log.truncateTo(logEnd);
      context
          .getLog()
          .info(
              "Follower of {} dropped its epochs starting at its log end {} ({})",
              topicPartition,
              logEnd,
              drop.reason());
      context.getSelf().tell(new FetchNow());
    } else if (outcome instanceof Retry retry) {
      Duration pause = backOff();
      if (retry.unexpected()) {
        context
            .getLog()
            .warn(
                "Follower of {}: {}, retrying in {} ms",
                topicPartition,
                retry.reason(),
                pause.toMillis());
      } else {
        context
            .getLog()
            .info(
                "Follower of {}: {}, retrying in {} ms",
                topicPartition,
                retry.reason(),
                pause.toMillis());
      }
    }
    return Effect().none();
  }

  private Effect<BatchEvent, LeaderState> onAppend(Append append) {
    timing.succeeded();
    if (append.events().isEmpty()) {
      updateHighWatermark(append.leaderHighWatermark());
      context.getSelf().tell(new FetchNow());
      return Effect().none();
    }
    return Effect()
        .persist(append.events())
        .thenRun(
            newState -> {
              updateHighWatermark(append.leaderHighWatermark());
              context.getSelf().tell(new FetchNow());
            });
  }

  /**
   * Writes the valid batches before a bad one, never the bad one, then fetches from it again after
   * a backoff that grows while the leader keeps serving it (no busy loop).
   */
  private Effect<BatchEvent, LeaderState> onAppendPrefix(AppendPrefix prefix) {
    if (prefix.events().isEmpty()) {
      refetchAfterBadBatch(prefix);
      return Effect().none();
    }
    return Effect()
        .persist(prefix.events())
        .thenRun(
            newState -> {
              updateHighWatermark(prefix.leaderHighWatermark());
              refetchAfterBadBatch(prefix);
            });
  }

  /** Tells the leader of the bad batch (it checks its own copy), and backs off. */
  private void refetchAfterBadBatch(AppendPrefix prefix) {
    leader.tell(
        new PartitionLeader.CorruptBatchSeen(
            prefix.refetchFrom(),
            "the follower on broker " + settings.brokerId(),
            prefix.reason()));
    Duration pause = backOff();
    context
        .getLog()
        .warn(
            "Follower of {}: {}; wrote the {} valid batches before it, not it; fetching again from"
                + " offset {} in {} ms",
            topicPartition,
            prefix.reason(),
            prefix.events().size(),
            prefix.refetchFrom(),
            pause.toMillis());
  }

  private void updateHighWatermark(long leaderHighWatermark) {
    log.updateHighWatermark(Math.max(0, Math.min(leaderHighWatermark, log.logEndOffset())));
  }

  private void requestTruncation(Truncation truncation) {
    awaitingStop = true;
    timers.cancel(FETCH_TIMER);
    context
        .getLog()
        .info(
            "Follower of {} stops to cut its log to offset {}: {}",
            topicPartition,
            truncation.offset(),
            truncation.reason());
    owner.tell(new TruncationNeeded(truncation, context.getSelf()));
  }

  /** Schedules the next fetch after the current pause; returns the pause. */
  private Duration backOff() {
    Duration pause = timing.failed();
    timers.startSingleTimer(FETCH_TIMER, new FetchNow(), pause);
    return pause;
  }

  private Effect<BatchEvent, LeaderState> onStop(LeaderState state, Stop stop) {
    return Effect().stop();
  }
}
