package sluice.actors.replica;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.journal.Logs;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.replica.PartitionFollower.Assignment;
import sluice.actors.replica.PartitionFollower.Command;
import sluice.actors.replica.PartitionFollower.LogFailed;
import sluice.actors.replica.PartitionFollower.LogReady;
import sluice.actors.replica.PartitionFollower.Stop;
import sluice.actors.replica.PartitionFollower.Truncation;
import sluice.actors.replica.PartitionFollower.TruncationNeeded;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;

/**
 * The first phase of a {@link PartitionFollower}, before its recovery: opens the log through {@link
 * Logs} on the blocking-IO dispatcher and applies the {@link Truncation} its owner passed in, if
 * any, right then, while no persistent writer runs on the log (akka-persistence cannot cut a
 * journal under a running writer; snapshots above the cut are dropped by the snapshot store when
 * recovery loads one). Then it becomes the event-sourced follower, which recovers.
 *
 * <p>A log that cannot be opened or cut stops the follower; its owner starts another after a pause.
 * A {@link Stop} meanwhile takes effect only once the opening task has finished, so no cut runs
 * after the actor has terminated; other commands are dropped (nothing else arrives before the first
 * fetch).
 *
 * <p>Threading: the behavior runs in the actor; only {@link #open} runs on the blocking-IO
 * dispatcher, before the actor touches the log.
 */
final class FollowerStartup {
  private static final Logger LOG = LoggerFactory.getLogger(FollowerStartup.class);

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Assignment assignment;
  private final ReplicationSettings settings;
  private final RecipientRef<PartitionLeader.Command> leader;
  private final ActorRef<TruncationNeeded> owner;
  private final Clock clock;

  FollowerStartup(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Assignment assignment,
      ReplicationSettings settings,
      RecipientRef<PartitionLeader.Command> leader,
      ActorRef<TruncationNeeded> owner,
      Clock clock) {
    this.context = context;
    this.timers = timers;
    this.assignment = assignment;
    this.settings = settings;
    this.leader = leader;
    this.owner = owner;
    this.clock = clock;
  }

  /** Starts opening the log with {@code config}, cut as {@code truncation} says (or null). */
  Behavior<Command> begin(LogConfig config, Truncation truncation) {
    Logs logs = Logs.get(context.getSystem());
    Executor blockingIo = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> open(logs, config, truncation), blockingIo),
        (log, failure) -> failure == null ? new LogReady() : new LogFailed(rootCause(failure)));
    return opening(false);
  }

  private PartitionLog open(Logs logs, LogConfig config, Truncation truncation) {
    PartitionLog log = logs.open(assignment.topicPartition(), assignment.topicId(), config);
    if (truncation != null) {
      apply(log, truncation);
    }
    return log;
  }

  private Behavior<Command> opening(boolean stopRequested) {
    return Behaviors.receive(Command.class)
        .onMessage(LogReady.class, ready -> onLogReady(stopRequested))
        .onMessage(LogFailed.class, this::onLogFailed)
        .onMessage(Stop.class, stop -> opening(true))
        .onAnyMessage(message -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onLogReady(boolean stopRequested) {
    if (stopRequested) {
      return Behaviors.stopped();
    }
    PartitionLog log = Logs.get(context.getSystem()).get(assignment.topicPartition());
    return new PartitionFollower(context, timers, assignment, settings, leader, owner, clock, log);
  }

  private Behavior<Command> onLogFailed(LogFailed failed) {
    context
        .getLog()
        .error(
            "Follower of {} cannot open its log: {}", assignment.topicPartition(), failed.reason());
    return Behaviors.stopped();
  }

  /** Cuts the log as {@code truncation} says; runs on the opening task, not in the actor. */
  static void apply(PartitionLog log, Truncation truncation) {
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
}
