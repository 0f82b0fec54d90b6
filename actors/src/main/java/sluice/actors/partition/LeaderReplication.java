package sluice.actors.partition;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.controller.ControllerRef;
import sluice.actors.controller.TopicConfigs;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.partition.PartitionLeader.AckDeadline;
import sluice.actors.partition.PartitionLeader.AlterPartitionAnswered;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.CheckIsr;
import sluice.actors.partition.PartitionLeader.CheckpointHighWatermark;
import sluice.actors.partition.PartitionLeader.Command;
import sluice.actors.partition.PartitionLeader.Diverging;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.actors.partition.PartitionLeader.ReplicaFetchExpired;
import sluice.actors.partition.PartitionLeader.ReplicaFetchReply;
import sluice.storage.log.EpochEndOffset;
import sluice.storage.log.EpochEntry;
import sluice.storage.log.PartitionLog;

/**
 * The replication half of a {@link PartitionLeader} (Kafka's protocol, leader side): serves
 * followers' {@link ReplicaFetch}es, tracks their log end offsets ({@link ReplicaTracker}), moves
 * the high watermark (kept in {@link PartitionLog#highWatermark()}) to the least log end offset
 * over the maximal ISR, answers acks=all appends once it passes their batches ({@link AckWaiters}),
 * and proposes ISR changes to the controller ({@link Controller.AlterPartition}), one at a time,
 * with the current leader and partition epochs.
 *
 * <p>Not thread-safe: the leader calls it from its command handlers only, so it runs between writes
 * (akka-persistence stashes commands while one is in flight) and the log's end offset equals the
 * confirmed one of the {@link LeaderState} it is given. Reads for followers run on the fetch
 * dispatcher and touch nothing here. Nothing is persisted: the high watermark is checkpointed by
 * the log (timer, log checkpoints, stop); follower states, waiting appends and parked fetches die
 * with the leader, which answers them first when it stops leading ({@link #abandon}).
 */
final class LeaderReplication {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderReplication.class);

  private static final String CHECK_ISR_TIMER = "check-isr";
  private static final String CHECKPOINT_TIMER = "checkpoint-high-watermark";
  private static final String ACK_DEADLINE_TIMER = "ack-deadline";

  /** The timer key of a parked follower fetch, apart from those of consumer fetches. */
  private record ParkedFetchTimer(long fetchId) {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final LeaderSettings settings;
  private final String topic;
  private final String topicId;
  private final int partition;
  private final String topicPartition;
  private final PartitionLog log;
  private final Clock clock;
  private final Executor fetchExecutor;
  private final Executor blockingIo;
  private final Consumer<LeaderState> highWatermarkMoved;
  private final ReplicaTracker replicas;
  private final AckWaiters ackWaiters;
  private final Map<Long, ReplicaFetch> parkedReplicaFetches = new LinkedHashMap<>();
  private long nextFetchId;
  private Map<String, String> topicConfigs;
  private int leaderEpoch;
  private int partitionEpoch;

  /** The log end offset when this broker's current leader epoch began. */
  private long epochStartOffset;

  /** An ISR change is at the controller; at most one is. */
  private boolean alterInFlight;

  /** The controller refused an ISR change as stale: propose nothing until new metadata comes. */
  private boolean awaitingMetadata;

  /** When the ack deadline timer fires, {@link AckWaiters#NO_DEADLINE} if it is not running. */
  private long scheduledAckDeadline = AckWaiters.NO_DEADLINE;

  /**
   * @param assignment the partition as the leader found it in the metadata; it names this broker
   * @param highWatermarkMoved called when the high watermark moved (wakes parked consumer fetches)
   */
  LeaderReplication(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      LeaderSettings settings,
      String topic,
      String topicId,
      int partition,
      PartitionAssignment assignment,
      Map<String, String> topicConfigs,
      PartitionLog log,
      Clock clock,
      Executor fetchExecutor,
      Executor blockingIo,
      Consumer<LeaderState> highWatermarkMoved) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.topic = topic;
    this.topicId = topicId;
    this.partition = partition;
    this.topicPartition = PartitionLeader.entityId(topic, partition);
    this.log = log;
    this.clock = clock;
    this.fetchExecutor = fetchExecutor;
    this.blockingIo = blockingIo;
    this.highWatermarkMoved = highWatermarkMoved;
    this.topicConfigs = topicConfigs;
    this.leaderEpoch = assignment.leaderEpoch();
    this.partitionEpoch = assignment.partitionEpoch();
    this.replicas =
        new ReplicaTracker(
            settings.brokerId(),
            assignment,
            settings.replicaLagTimeMax().toMillis(),
            clock.millis());
    this.ackWaiters = new AckWaiters(topicPartition);
  }

  /** The leader epoch batches are written in. */
  int leaderEpoch() {
    return leaderEpoch;
  }

  /**
   * Starts leading with the recovered {@code state}: records the leader epoch in the log, starts
   * the ISR check and checkpoint timers, and moves the high watermark if the ISR allows (with the
   * leader alone in it, to its log end offset).
   */
  void start(LeaderState state) {
    startEpoch(state);
    timers.startTimerAtFixedRate(
        CHECK_ISR_TIMER, new CheckIsr(), settings.replicaLagTimeMax().dividedBy(2));
    timers.startTimerAtFixedRate(
        CHECKPOINT_TIMER,
        new CheckpointHighWatermark(),
        settings.highWatermarkCheckpointInterval());
    maybeAdvanceHighWatermark(state);
    context
        .getLog()
        .info(
            "Partition {} leads in epoch {} (partition epoch {}, ISR {}): offsets [{}, {}), high"
                + " watermark {}",
            topicPartition,
            leaderEpoch,
            partitionEpoch,
            replicas.isr(),
            log.logStartOffset(),
            state.logEndOffset(),
            log.highWatermark());
  }

  /**
   * Records this broker's leader epoch in the log, if newer than the log's latest (so that
   * followers asking where older epochs end get the right answer before the first append), and
   * notes where the epoch starts.
   */
  private void startEpoch(LeaderState state) {
    if (leaderEpoch > log.latestEpoch()) {
      log.assignLeaderEpoch(leaderEpoch);
    }
    List<EpochEntry> epochs = log.leaderEpochs();
    EpochEntry latest = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    epochStartOffset =
        latest != null && latest.epoch() == leaderEpoch
            ? latest.startOffset()
            : state.logEndOffset();
  }

  void configsChanged(Map<String, String> configs) {
    topicConfigs = configs;
  }

  /**
   * The reason to refuse an acks=all append on arrival ({@code NOT_ENOUGH_REPLICAS}: the ISR is
   * smaller than {@code min.insync.replicas}), or null.
   */
  ApiError refuseAcksAll() {
    int minIsr = minInsyncReplicas();
    if (replicas.isr().size() >= minIsr) {
      return null;
    }
    return ApiError.of(
        ErrorCode.NOT_ENOUGH_REPLICAS,
        "Not enough replicas: partition %s has %d in-sync replica(s) (ISR %s), fewer than its"
            + " min.insync.replicas=%d; the acks=all batch was not written",
        topicPartition,
        replicas.isr().size(),
        replicas.isr(),
        minIsr);
  }

  /**
   * An acks=all append is written at [{@code baseOffset}, {@code lastOffset}]; its sender is
   * answered when the ISR has it, or at {@code deadlineNanos}.
   */
  void written(
      Append append, long baseOffset, long lastOffset, long logAppendTime, long deadlineNanos) {
    ackWaiters.add(append, baseOffset, lastOffset, logAppendTime, deadlineNanos);
    scheduleAckDeadline(deadlineNanos);
  }

  /** A write completed: the high watermark may move and parked follower fetches get the batches. */
  void afterWrite(LeaderState state) {
    maybeAdvanceHighWatermark(state);
    wakeParkedReplicaFetches(state);
  }

  /**
   * The partition's assignment in newer metadata that still names this broker leader: a newer
   * leader epoch is adopted, a newer partition epoch in this leader epoch replaces the ISR, older
   * ones are ignored.
   */
  void onAssignment(LeaderState state, PartitionAssignment assignment) {
    if (assignment.leaderEpoch() > leaderEpoch) {
      adoptLeaderEpoch(state, assignment);
    } else if (assignment.leaderEpoch() == leaderEpoch
        && assignment.partitionEpoch() > partitionEpoch) {
      applyAssignment(state, assignment);
    }
  }

  /**
   * Stops for good: written acks=all appends still waiting for the ISR are answered {@code
   * NOT_LEADER_OR_FOLLOWER} (never success), parked follower fetches {@code error}; timers stop.
   */
  void abandon(ApiError error) {
    ackWaiters.abandon(error.message());
    timers.cancel(ACK_DEADLINE_TIMER);
    timers.cancel(CHECK_ISR_TIMER);
    timers.cancel(CHECKPOINT_TIMER);
    for (Map.Entry<Long, ReplicaFetch> entry : parkedReplicaFetches.entrySet()) {
      timers.cancel(new ParkedFetchTimer(entry.getKey()));
      entry.getValue().replyTo().tell(new ReplicaFetchReply(new byte[0], -1, -1, -1, null, error));
    }
    parkedReplicaFetches.clear();
  }

  // ---- follower fetches ------------------------------------------------------------------------

  /**
   * A follower's fetch, checked in Kafka's order: a replica of the partition, the current leader
   * epoch, its last fetched epoch against the leader's epochs (divergence), the offset range. Then
   * its log end offset counts for the high watermark and the ISR, and it gets the batches from its
   * fetch offset up to the confirmed log end offset, or parks there until the next write.
   */
  void onReplicaFetch(LeaderState state, ReplicaFetch fetch) {
    ApiError error = checkReplicaFetch(fetch);
    if (error != null) {
      fetch.replyTo().tell(replicaReply(state, new byte[0], null, error));
      return;
    }
    if (fetch.lastFetchedEpoch() >= 0) {
      Diverging diverging = divergence(state, fetch);
      if (diverging != null) {
        fetch.replyTo().tell(replicaReply(state, new byte[0], diverging, null));
        return;
      }
    }
    long logStart = log.logStartOffset();
    if (fetch.fetchOffset() < logStart || fetch.fetchOffset() > state.logEndOffset()) {
      fetch
          .replyTo()
          .tell(
              replicaReply(
                  state,
                  new byte[0],
                  null,
                  PartitionLeader.outOfRange(
                      topicPartition, fetch.fetchOffset(), logStart, state.logEndOffset())));
      return;
    }
    replicas.onFetch(fetch.replicaId(), fetch.fetchOffset(), state.logEndOffset(), clock.millis());
    maybeAdvanceHighWatermark(state);
    maybeProposeIsrChange(state, false);
    if (fetch.fetchOffset() == state.logEndOffset() && fetch.maxWaitMs() > 0) {
      long fetchId = nextFetchId++;
      parkedReplicaFetches.put(fetchId, fetch);
      timers.startSingleTimer(
          new ParkedFetchTimer(fetchId),
          new ReplicaFetchExpired(fetchId),
          Duration.ofMillis(fetch.maxWaitMs()));
      return;
    }
    serveReplica(fetch, state);
  }

  /** Why {@code fetch} is refused before its offsets are looked at, or null. */
  private ApiError checkReplicaFetch(ReplicaFetch fetch) {
    if (fetch.maxBytes() <= 0 || fetch.maxWaitMs() < 0) {
      return ApiError.of(
          ErrorCode.INVALID_REQUEST,
          "A replica fetch needs maxBytes > 0 and maxWaitMs >= 0, not maxBytes=%d and"
              + " maxWaitMs=%d",
          fetch.maxBytes(),
          fetch.maxWaitMs());
    }
    if (!replicas.isFollower(fetch.replicaId())) {
      return ApiError.of(
          ErrorCode.NOT_LEADER_OR_FOLLOWER,
          "Broker %d is not a follower of %s: its replicas are %s, led by broker %d",
          fetch.replicaId(),
          topicPartition,
          replicas.replicas(),
          settings.brokerId());
    }
    if (fetch.currentLeaderEpoch() < leaderEpoch) {
      return ApiError.of(
          ErrorCode.FENCED_LEADER_EPOCH,
          "Broker %d fetched %s in leader epoch %d, but the current leader epoch is %d",
          fetch.replicaId(),
          topicPartition,
          fetch.currentLeaderEpoch(),
          leaderEpoch);
    }
    if (fetch.currentLeaderEpoch() > leaderEpoch) {
      return ApiError.of(
          ErrorCode.UNKNOWN_LEADER_EPOCH,
          "Broker %d fetched %s in leader epoch %d, which this leader (epoch %d) does not know"
              + " yet",
          fetch.replicaId(),
          topicPartition,
          fetch.currentLeaderEpoch(),
          leaderEpoch);
    }
    return null;
  }

  /**
   * Where the follower's log leaves the leader's (KIP-101/KIP-320), or null if it does not: the
   * leader's largest epoch at or below the follower's last fetched epoch and where it ends here,
   * when that is another epoch or ends before the follower's log end offset. The end is capped to
   * the confirmed log end offset: a write in flight may still fail.
   */
  private Diverging divergence(LeaderState state, ReplicaFetch fetch) {
    EpochEndOffset answer = log.endOffsetForEpoch(fetch.lastFetchedEpoch());
    if (answer.isUndefined()) {
      return new Diverging(EpochEndOffset.UNDEFINED_EPOCH, EpochEndOffset.UNDEFINED_EPOCH_OFFSET);
    }
    long end = Math.min(answer.endOffset(), state.logEndOffset());
    if (answer.epoch() != fetch.lastFetchedEpoch() || end < fetch.fetchOffset()) {
      return new Diverging(answer.epoch(), end);
    }
    return null;
  }

  private ReplicaFetchReply replicaReply(
      LeaderState state, byte[] batches, Diverging diverging, ApiError error) {
    return new ReplicaFetchReply(
        batches, log.highWatermark(), log.logStartOffset(), state.logEndOffset(), diverging, error);
  }

  void onReplicaFetchExpired(LeaderState state, ReplicaFetchExpired expired) {
    ReplicaFetch fetch = parkedReplicaFetches.remove(expired.fetchId());
    if (fetch != null) {
      serveReplica(fetch, state);
    }
  }

  private void wakeParkedReplicaFetches(LeaderState state) {
    var iterator = parkedReplicaFetches.entrySet().iterator();
    while (iterator.hasNext()) {
      Map.Entry<Long, ReplicaFetch> entry = iterator.next();
      if (entry.getValue().fetchOffset() < state.logEndOffset()) {
        iterator.remove();
        timers.cancel(new ParkedFetchTimer(entry.getKey()));
        serveReplica(entry.getValue(), state);
      }
    }
  }

  /**
   * Answers a follower's fetch with the batches from its fetch offset up to the confirmed log end
   * offset of {@code state} (a write in flight may still fail), read on the fetch dispatcher.
   */
  private void serveReplica(ReplicaFetch fetch, LeaderState state) {
    long logEnd = state.logEndOffset();
    long highWatermark = log.highWatermark();
    if (fetch.fetchOffset() >= logEnd) {
      fetch.replyTo().tell(replicaReply(state, new byte[0], null, null));
      return;
    }
    fetchExecutor.execute(() -> fetch.replyTo().tell(readForReplica(fetch, highWatermark, logEnd)));
  }

  /** Reads for {@link #serveReplica}; runs on the fetch dispatcher, touching no actor state. */
  private ReplicaFetchReply readForReplica(ReplicaFetch fetch, long highWatermark, long logEnd) {
    LogRead read =
        LogRead.of(
            log,
            topicPartition,
            fetch.fetchOffset(),
            Math.min(fetch.maxBytes(), settings.fetchMaxBytes()),
            logEnd,
            logEnd);
    return new ReplicaFetchReply(
        read.error() == null ? read.batches() : new byte[0],
        highWatermark,
        log.logStartOffset(),
        logEnd,
        null,
        read.error());
  }

  // ---- high watermark and acks=all ------------------------------------------------------------

  /**
   * Moves the high watermark up to the smallest log end offset over the (maximal) ISR, never down;
   * when it moves, answers the acks=all appends it now covers and wakes parked consumer fetches.
   */
  private void maybeAdvanceHighWatermark(LeaderState state) {
    long candidate = replicas.highWatermarkCandidate(state.logEndOffset());
    if (candidate <= log.highWatermark()) {
      return;
    }
    log.updateHighWatermark(candidate);
    ackWaiters.completeBelow(log.highWatermark(), isrTooSmall());
    highWatermarkMoved.accept(state);
  }

  private int minInsyncReplicas() {
    return TopicConfigs.minInsyncReplicas(topicConfigs, replicas.replicas().size());
  }

  /** The error of an acks=all append whose batch is committed while the ISR is too small. */
  private ApiError isrTooSmall() {
    int minIsr = minInsyncReplicas();
    if (replicas.isr().size() >= minIsr) {
      return null;
    }
    return ApiError.of(
        ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        "The batch was written to %s but its ISR %s shrank below min.insync.replicas=%d before"
            + " the batch was committed",
        topicPartition,
        replicas.isr(),
        minIsr);
  }

  /** Makes sure the ack deadline timer fires by {@code deadlineNanos}. */
  private void scheduleAckDeadline(long deadlineNanos) {
    if (deadlineNanos == AckWaiters.NO_DEADLINE
        || (scheduledAckDeadline != AckWaiters.NO_DEADLINE
            && scheduledAckDeadline - deadlineNanos <= 0)) {
      return;
    }
    scheduledAckDeadline = deadlineNanos;
    long delay = Math.max(0, deadlineNanos - System.nanoTime());
    timers.startSingleTimer(ACK_DEADLINE_TIMER, new AckDeadline(), Duration.ofNanos(delay));
  }

  void onAckDeadline() {
    scheduledAckDeadline = AckWaiters.NO_DEADLINE;
    ackWaiters.expire(System.nanoTime());
    scheduleAckDeadline(ackWaiters.earliestDeadline());
  }

  /**
   * Writes the high watermark to its checkpoint file (two fsyncs when it changed) on the
   * blocking-IO dispatcher, off the leader's thread.
   */
  void onCheckpointHighWatermark() {
    blockingIo.execute(this::checkpointHighWatermark);
  }

  /** Safe from any thread; a no-op once the log is closed. */
  void checkpointHighWatermark() {
    try {
      log.checkpointHighWatermark();
    } catch (RuntimeException e) {
      LOG.error("Cannot checkpoint the high watermark of {}", topicPartition, e);
    }
  }

  // ---- ISR changes -----------------------------------------------------------------------------

  void onCheckIsr(LeaderState state) {
    maybeProposeIsrChange(state, true);
  }

  /**
   * Proposes one ISR change to the controller unless one is outstanding or the last was refused as
   * stale: out with the members not caught up (only when {@code shrink}), else in with the
   * followers that caught up.
   */
  private void maybeProposeIsrChange(LeaderState state, boolean shrink) {
    if (alterInFlight || awaitingMetadata) {
      return;
    }
    List<Integer> newIsr = null;
    if (shrink) {
      List<Integer> outOfSync = replicas.outOfSync(state.logEndOffset(), clock.millis());
      if (!outOfSync.isEmpty()) {
        newIsr = new ArrayList<>(replicas.isr());
        newIsr.removeAll(outOfSync);
        context
            .getLog()
            .info(
                "Partition {} proposes removing {} from its ISR {}: not caught up for more than"
                    + " {} ms",
                topicPartition,
                outOfSync,
                replicas.isr(),
                settings.replicaLagTimeMax().toMillis());
      }
    }
    if (newIsr == null) {
      List<Integer> caughtUp =
          replicas.caughtUpOutsideIsr(log.highWatermark(), epochStartOffset, clock.millis());
      if (caughtUp.isEmpty()) {
        return;
      }
      newIsr = new ArrayList<>(replicas.isr());
      newIsr.addAll(caughtUp);
      context
          .getLog()
          .info(
              "Partition {} proposes adding {} to its ISR {}: caught up with the high watermark {}",
              topicPartition,
              caughtUp,
              replicas.isr(),
              log.highWatermark());
    }
    propose(newIsr);
  }

  private void propose(List<Integer> newIsr) {
    ActorRef<Controller.Command> controller;
    try {
      controller = ControllerRef.get(context.getSystem()).ref();
    } catch (IllegalStateException e) {
      context
          .getLog()
          .warn("Partition {} cannot change its ISR: {}", topicPartition, e.getMessage());
      return;
    }
    alterInFlight = true;
    replicas.proposed(newIsr);
    int brokerId = settings.brokerId();
    int epoch = leaderEpoch;
    int version = partitionEpoch;
    long timeoutMs = settings.alterPartitionTimeout().toMillis();
    context.ask(
        Controller.AlterPartitionResult.class,
        controller,
        settings.alterPartitionTimeout(),
        replyTo ->
            new Controller.AlterPartition(
                topic, topicId, partition, brokerId, epoch, version, newIsr, replyTo),
        (result, failure) ->
            result != null
                ? new AlterPartitionAnswered(epoch, version, result.partition(), result.error())
                : new AlterPartitionAnswered(
                    epoch,
                    version,
                    null,
                    ApiError.of(
                        ErrorCode.REQUEST_TIMED_OUT,
                        "The controller did not answer the ISR change of %s within %d ms",
                        topicPartition,
                        timeoutMs)));
  }

  void onAlterPartitionAnswered(LeaderState state, AlterPartitionAnswered answer) {
    alterInFlight = false;
    PartitionAssignment changed = answer.partition();
    if (changed != null
        && changed.leader() == settings.brokerId()
        && changed.leaderEpoch() == leaderEpoch
        && changed.partitionEpoch() > partitionEpoch) {
      applyAssignment(state, changed);
      return;
    }
    replicas.proposalFailed();
    if (answer.error() != null) {
      ErrorCode code = answer.error().code();
      boolean stale =
          code == ErrorCode.FENCED_LEADER_EPOCH || code == ErrorCode.INVALID_UPDATE_VERSION;
      // Unless newer metadata came while the proposal was out: then propose again from that.
      if (stale
          && answer.leaderEpoch() == leaderEpoch
          && answer.partitionEpoch() == partitionEpoch) {
        awaitingMetadata = true;
      }
      context
          .getLog()
          .warn(
              "Partition {}: the controller refused an ISR change: {} {}",
              topicPartition,
              code,
              answer.error().message());
    }
  }

  /**
   * Takes the ISR of {@code changed} (this leader epoch, a newer partition epoch), then looks for
   * the next change to propose.
   */
  private void applyAssignment(LeaderState state, PartitionAssignment changed) {
    partitionEpoch = changed.partitionEpoch();
    awaitingMetadata = false;
    replicas.apply(changed, clock.millis());
    context
        .getLog()
        .info(
            "Partition {} has ISR {} in partition epoch {}",
            topicPartition,
            changed.isr(),
            partitionEpoch);
    maybeAdvanceHighWatermark(state);
    maybeProposeIsrChange(state, true);
  }

  /**
   * Adopts a newer leader epoch in which this broker still leads: later batches carry it, follower
   * states start over, parked follower fetches (of the older epoch) are fenced.
   */
  private void adoptLeaderEpoch(LeaderState state, PartitionAssignment assignment) {
    leaderEpoch = assignment.leaderEpoch();
    partitionEpoch = assignment.partitionEpoch();
    awaitingMetadata = false;
    startEpoch(state);
    replicas.reset(assignment, clock.millis());
    for (Map.Entry<Long, ReplicaFetch> entry : parkedReplicaFetches.entrySet()) {
      timers.cancel(new ParkedFetchTimer(entry.getKey()));
      ReplicaFetch fetch = entry.getValue();
      fetch.replyTo().tell(replicaReply(state, new byte[0], null, checkReplicaFetch(fetch)));
    }
    parkedReplicaFetches.clear();
    context
        .getLog()
        .info(
            "Partition {} leads in epoch {} from offset {} (ISR {})",
            topicPartition,
            leaderEpoch,
            epochStartOffset,
            assignment.isr());
    maybeAdvanceHighWatermark(state);
  }
}
