package sluice.actors.replica;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.BatchEvent;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.journal.Logs;
import sluice.actors.partition.LeaderState;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.partition.PartitionLeader.Diverging;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.actors.partition.PartitionLeader.ReplicaFetchReply;
import sluice.storage.log.EpochEndOffset;
import sluice.storage.log.EpochEntry;
import sluice.storage.log.FollowerTruncation;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.Batches;
import sluice.storage.record.RecordBatch;

/**
 * A follower replica of one partition on this broker: an event-sourced behavior with the leader's
 * persistence id ({@code topic-partition}), journal ({@code sluice.journal}, the segment log),
 * snapshot store and state type ({@link LeaderState}), so that the same log recovers as a leader or
 * as a follower. Its events are the leader's batches ({@link BatchAppended}), offsets and leader
 * epochs unchanged.
 *
 * <p><b>Start.</b> The log is opened through {@link Logs} on the blocking-IO dispatcher; a {@link
 * Truncation} its owner passed in is applied right then, before recovery, while no persistent
 * writer runs on the log (akka-persistence cannot cut a journal under a running writer; snapshots
 * above the cut are dropped by the snapshot store when recovery loads one).
 *
 * <p>The follower's position is its log's end offset ({@link PartitionLog#logEndOffset()}; this
 * actor is the log's only writer), not the state's: {@link LeaderState#empty()} starts at 0, and a
 * log restarted empty above 0 has no batch to replay.
 *
 * <p><b>Loop.</b> {@link ReplicaFetch} to the leader from the log end offset with the log's latest
 * epoch, at most one outstanding; the batches that come back are persisted in one write (the first
 * must start at the log end offset), the high watermark becomes min(leader's, own log end), and the
 * next fetch goes at once (the leader parks it while it has nothing new).
 *
 * <p><b>Divergence</b> ({@code diverging} in the reply) is decided by {@link
 * FollowerTruncation#decide}: a cut below the log end offset is a {@link TruncationNeeded} to the
 * owner, which stops this follower and starts a new one with the truncation; a cut at the log end
 * only drops epoch entries that never wrote, done in place (no batch and no sequence number moves).
 * Never to the high watermark. {@code OFFSET_OUT_OF_RANGE} below the leader's log start offset asks
 * the owner to restart the log empty there ({@link PartitionLog#truncateFullyAndStartAt}); above
 * the leader's log end, to cut to it.
 *
 * <p><b>Errors</b> (retriable or not, a missing answer, a malformed reply, an undecided divergence)
 * are retried after a backoff from {@code sluice.replication.fetch-backoff}, doubling up to {@code
 * fetch-max-backoff}, reset by a good answer. A fetch is given up after {@code fetch-max-wait} plus
 * {@code first-fetch-ask-margin} (1 s) until the leader has answered once, plus {@code
 * fetch-ask-margin} (5 s) after: a follower starts when a new leader is elected, possibly before
 * this broker's shard region knows the old leader's broker is dead, and such a fetch is lost. A
 * follower that cannot open or recover its log, or whose write fails, stops; its owner starts
 * another after a pause.
 *
 * <p>Threading: an actor; the log is read and written only from it (and from the opening task
 * before it starts writing). Nothing but the log is durable: a crash loses the fetch in flight.
 */
public final class PartitionFollower
    extends EventSourcedBehavior<PartitionFollower.Command, BatchEvent, LeaderState> {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionFollower.class);

  // ---- protocol --------------------------------------------------------------------------------

  /** Everything a follower handles. */
  public sealed interface Command extends CborSerializable {}

  /** Stops the follower once the write in flight, if any, is done. */
  public record Stop() implements Command {}

  private record LogReady() implements Command {}

  private record LogFailed(String reason) implements Command {}

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
   * is applied to the log before recovery; {@code owner} hears when another cut is needed.
   */
  public static Behavior<Command> create(
      Assignment assignment,
      LogConfig config,
      Truncation truncation,
      ReplicationSettings settings,
      RecipientRef<PartitionLeader.Command> leader,
      ActorRef<TruncationNeeded> owner) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  Logs logs = Logs.get(context.getSystem());
                  Executor blockingIo =
                      context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
                  context.pipeToSelf(
                      CompletableFuture.supplyAsync(
                          () -> {
                            PartitionLog log =
                                logs.open(
                                    assignment.topicPartition(), assignment.topicId(), config);
                            if (truncation != null) {
                              apply(log, truncation);
                            }
                            return log;
                          },
                          blockingIo),
                      (log, failure) ->
                          failure == null ? new LogReady() : new LogFailed(rootCause(failure)));
                  return opening(context, timers, assignment, settings, leader, owner, false);
                }));
  }

  /**
   * Waits for the log; a stop meanwhile takes effect only when the opening task has finished, so no
   * cut runs after this actor has terminated.
   */
  private static Behavior<Command> opening(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Assignment assignment,
      ReplicationSettings settings,
      RecipientRef<PartitionLeader.Command> leader,
      ActorRef<TruncationNeeded> owner,
      boolean stopRequested) {
    return Behaviors.receive(Command.class)
        .onMessage(
            LogReady.class,
            ready ->
                stopRequested
                    ? Behaviors.stopped()
                    : new PartitionFollower(
                        context,
                        timers,
                        assignment,
                        settings,
                        leader,
                        owner,
                        Logs.get(context.getSystem()).get(assignment.topicPartition())))
        .onMessage(
            LogFailed.class,
            failed -> {
              context
                  .getLog()
                  .error(
                      "Follower of {} cannot open its log: {}",
                      assignment.topicPartition(),
                      failed.reason());
              return Behaviors.stopped();
            })
        .onMessage(
            Stop.class, stop -> opening(context, timers, assignment, settings, leader, owner, true))
        .onAnyMessage(message -> Behaviors.same())
        .build();
  }

  /** Cuts the log as {@code truncation} says; runs on the opening task, not in the actor. */
  private static void apply(PartitionLog log, Truncation truncation) {
    long before = log.logEndOffset();
    if (truncation.startOver()) {
      if (truncation.offset() > before) {
        log.truncateFullyAndStartAt(truncation.offset());
      }
    } else {
      log.truncateTo(truncation.offset());
    }
    LOG.info(
        "Follower of {} cut its log from end offset {} to {} ({}): {}",
        truncation.assignment().topicPartition(),
        before,
        log.logEndOffset(),
        truncation.startOver() ? "restarted empty" : "truncated",
        truncation.reason());
  }

  private static String rootCause(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause.toString();
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
  private final PartitionLog log;
  private Duration backoff;

  /** The leader answered a fetch of this follower: later silences are waited out longer. */
  private boolean leaderAnswered;

  /** A cut was asked for: nothing more is fetched until the owner's stop. */
  private boolean awaitingStop;

  private PartitionFollower(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Assignment assignment,
      ReplicationSettings settings,
      RecipientRef<PartitionLeader.Command> leader,
      ActorRef<TruncationNeeded> owner,
      PartitionLog log) {
    super(PersistenceId.ofUniqueId(assignment.topicPartition()));
    this.context = context;
    this.timers = timers;
    this.assignment = assignment;
    this.topicPartition = assignment.topicPartition();
    this.settings = settings;
    this.leader = leader;
    this.owner = owner;
    this.log = log;
    this.backoff = settings.fetchBackoff();
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

  // ---- fetch -----------------------------------------------------------------------------------

  private Effect<BatchEvent, LeaderState> onFetchNow(LeaderState state, FetchNow fetchNow) {
    if (awaitingStop) {
      return Effect().none();
    }
    long fetchOffset = log.logEndOffset();
    int lastFetchedEpoch = log.latestEpoch();
    Duration askTimeout =
        settings
            .fetchMaxWait()
            .plus(leaderAnswered ? settings.fetchAskMargin() : settings.firstFetchAskMargin());
    context.ask(
        ReplicaFetchReply.class,
        leader,
        askTimeout,
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
    return backOff();
  }

  private Effect<BatchEvent, LeaderState> onFetched(LeaderState state, Fetched fetched) {
    if (awaitingStop) {
      return Effect().none();
    }
    ReplicaFetchReply reply = fetched.reply();
    leaderAnswered = true;
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
    if (reply.error() != null) {
      return onFetchError(state, reply);
    }
    if (reply.diverging() != null) {
      if (log.logEndOffset() < reply.logStartOffset()) {
        return requestTruncation(startOver(log.logEndOffset(), reply.logStartOffset()));
      }
      return onDiverging(state, reply.diverging());
    }
    List<BatchEvent> events;
    try {
      events = appendable(reply.batches(), log.logEndOffset());
    } catch (RuntimeException e) {
      context
          .getLog()
          .warn(
              "Follower of {}: broker {} answered the fetch at offset {} with batches that cannot"
                  + " be appended: {}",
              topicPartition,
              assignment.leaderId(),
              log.logEndOffset(),
              e.toString());
      return backOff();
    }
    backoff = settings.fetchBackoff();
    long leaderHighWatermark = reply.highWatermark();
    if (events.isEmpty()) {
      updateHighWatermark(leaderHighWatermark, log.logEndOffset());
      context.getSelf().tell(new FetchNow());
      return Effect().none();
    }
    return Effect()
        .persist(events)
        .thenRun(
            newState -> {
              updateHighWatermark(leaderHighWatermark, log.logEndOffset());
              context.getSelf().tell(new FetchNow());
            });
  }

  private void updateHighWatermark(long leaderHighWatermark, long logEndOffset) {
    log.updateHighWatermark(Math.max(0, Math.min(leaderHighWatermark, logEndOffset)));
  }

  /**
   * The batches of a reply as events, checked: whole valid v2 batches, the first at {@code
   * logEndOffset}, each right after the one before.
   *
   * @throws IllegalStateException if they do not follow on
   * @throws sluice.storage.record.CorruptRecordException if one fails its CRC or length checks
   */
  private static List<BatchEvent> appendable(byte[] bytes, long logEndOffset) {
    List<BatchEvent> events = new ArrayList<>();
    if (bytes == null) {
      return events;
    }
    long next = logEndOffset;
    for (RecordBatch batch : Batches.iterate(ByteBuffer.wrap(bytes))) {
      batch.ensureValid();
      if (batch.baseOffset() != next) {
        throw new IllegalStateException(
            "batch at offset " + batch.baseOffset() + " where offset " + next + " was expected");
      }
      ByteBuffer buffer = batch.buffer();
      byte[] copy = new byte[buffer.remaining()];
      buffer.get(copy);
      events.add(new BatchAppended(copy));
      next = batch.nextOffset();
    }
    return events;
  }

  private Effect<BatchEvent, LeaderState> onFetchError(LeaderState state, ReplicaFetchReply reply) {
    ApiError error = reply.error();
    long fetchOffset = log.logEndOffset();
    if (error.code() == ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (fetchOffset < reply.logStartOffset()) {
        return requestTruncation(startOver(fetchOffset, reply.logStartOffset()));
      }
      if (reply.logEndOffset() >= 0 && fetchOffset > reply.logEndOffset()) {
        return requestTruncation(
            new Truncation(
                assignment,
                reply.logEndOffset(),
                false,
                "the log end "
                    + fetchOffset
                    + " is above the leader's log end offset "
                    + reply.logEndOffset()));
      }
    }
    context
        .getLog()
        .info(
            "Follower of {}: broker {} refused the fetch at offset {}, retrying in {} ms: {} {}",
            topicPartition,
            assignment.leaderId(),
            fetchOffset,
            backoff.toMillis(),
            error.code(),
            error.message());
    return backOff();
  }

  /** Everything goes: the leader no longer has the offsets after this log's end (retention). */
  private Truncation startOver(long logEnd, long leaderLogStart) {
    return new Truncation(
        assignment,
        leaderLogStart,
        true,
        "the log end " + logEnd + " is below the leader's log start offset " + leaderLogStart);
  }

  /** Where the logs part, by the leader-epoch rule (KIP-101, KIP-279); never the high watermark. */
  private Effect<BatchEvent, LeaderState> onDiverging(LeaderState state, Diverging diverging) {
    List<EpochEntry> epochs = log.leaderEpochs();
    long logEnd = log.logEndOffset();
    FollowerTruncation.Decision decision =
        FollowerTruncation.decide(
            epochs, logEnd, new EpochEndOffset(diverging.epoch(), diverging.endOffset()));
    String reason =
        "the leader's epoch "
            + diverging.epoch()
            + " ends at offset "
            + diverging.endOffset()
            + ", the follower's latest epoch is "
            + log.latestEpoch();
    long offset;
    if (decision instanceof FollowerTruncation.TruncateTo cut) {
      offset = cut.offset();
    } else if (decision instanceof FollowerTruncation.TruncateAndAskAgain cut) {
      offset = cut.offset();
    } else {
      context
          .getLog()
          .info(
              "Follower of {} truncates nothing ({}), retrying: {}",
              topicPartition,
              reason,
              ((FollowerTruncation.Undecided) decision).reason());
      return backOff();
    }
    if (offset < logEnd) {
      return requestTruncation(new Truncation(assignment, offset, false, reason));
    }
    if (!epochs.isEmpty() && epochs.get(epochs.size() - 1).startOffset() >= logEnd) {
      // An epoch assigned at the log end that never wrote (this broker led it): dropping it moves
      // no batch and no sequence number, so it is safe under the running writer.
      log.truncateTo(logEnd);
      context
          .getLog()
          .info(
              "Follower of {} dropped its epochs starting at its log end {} ({})",
              topicPartition,
              logEnd,
              reason);
      context.getSelf().tell(new FetchNow());
      return Effect().none();
    }
    context
        .getLog()
        .warn(
            "Follower of {}: broker {} reports a divergence at log end {} but nothing is to be cut"
                + " ({}), retrying",
            topicPartition,
            assignment.leaderId(),
            logEnd,
            reason);
    return backOff();
  }

  private Effect<BatchEvent, LeaderState> requestTruncation(Truncation truncation) {
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
    return Effect().none();
  }

  private Effect<BatchEvent, LeaderState> backOff() {
    timers.startSingleTimer(FETCH_TIMER, new FetchNow(), backoff);
    Duration doubled = backoff.multipliedBy(2);
    backoff =
        doubled.compareTo(settings.fetchMaxBackoff()) > 0 ? settings.fetchMaxBackoff() : doubled;
    return Effect().none();
  }

  private Effect<BatchEvent, LeaderState> onStop(LeaderState state, Stop stop) {
    return Effect().stop();
  }
}
