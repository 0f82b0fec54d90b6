package sluice.actors.partition;

import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.TopicConfigs;
import sluice.actors.journal.DataDirHealth;
import sluice.actors.journal.Logs;
import sluice.actors.partition.AppendQueue.Written;
import sluice.actors.partition.PartitionLeader.Internal;

/**
 * A partition leader's high watermark and the acks=all appends waiting for it. The high watermark
 * (kept in {@code PartitionLog#highWatermark()}) moves up to the least log end offset over the
 * maximal ISR, the leader's included, and never down while leading; when it moves, the waiting
 * appends it now covers are answered ({@link AckWaiters}) and the parked fetches are checked. It is
 * written to its checkpoint file on the blocking-IO dispatcher {@code
 * high-watermark-checkpoint-interval} after it first moves since the last write (a timer armed only
 * then, so an idle leader has none), and when the leader stops. acks=all is refused on arrival
 * while the ISR is smaller than {@code min.insync.replicas}; a waiting append is answered {@code
 * REQUEST_TIMED_OUT} at its deadline (one timer for the earliest, on the leader's clock).
 *
 * <p>Not thread-safe: the leader calls it from its command handlers, between writes; only {@link
 * #checkpoint} is safe from any thread.
 */
final class HighWatermark {

  private static final Logger LOG = LoggerFactory.getLogger(HighWatermark.class);

  private static final String ACK_DEADLINE_TIMER = "ack-deadline";
  private static final String CHECKPOINT_TIMER = "checkpoint-high-watermark";

  /** The earliest deadline of a waiting acks=all append has come. */
  record AckDeadline() implements Internal {}

  /** Time to write the high watermark, which moved since the last write, to its checkpoint. */
  record CheckpointHighWatermark() implements Internal {}

  private final PartitionContext partition;
  private final ReplicaTracker replicas;
  private final FetchPurgatory purgatory;
  private final AckWaiters ackWaiters;
  private final DeadlineTimer ackTimer;
  private final DataDirHealth health;
  private Map<String, String> topicConfigs;
  private boolean checkpointDue;

  HighWatermark(
      PartitionContext partition,
      ReplicaTracker replicas,
      FetchPurgatory purgatory,
      Map<String, String> topicConfigs) {
    this.partition = partition;
    this.replicas = replicas;
    this.purgatory = purgatory;
    this.topicConfigs = topicConfigs;
    this.health = Logs.get(partition.actor().getSystem()).health();
    this.ackWaiters = new AckWaiters(partition.topicPartition());
    this.ackTimer =
        new DeadlineTimer(
            partition.clock()::nanos,
            new DeadlineTimer.Timer() {
              @Override
              public void start(Duration delay) {
                partition.timers().startSingleTimer(ACK_DEADLINE_TIMER, new AckDeadline(), delay);
              }

              @Override
              public void cancel() {
                partition.timers().cancel(ACK_DEADLINE_TIMER);
              }
            });
  }

  void configsChanged(Map<String, String> configs) {
    topicConfigs = configs;
  }

  /**
   * Moves the high watermark up to the smallest log end offset over the (maximal) ISR, never down;
   * when it moves, answers the acks=all appends it now covers and completes the parked fetches it
   * lets through.
   */
  void maybeAdvance(long logEndOffset) {
    var log = partition.log();
    long candidate = replicas.highWatermarkCandidate(logEndOffset);
    if (candidate <= log.highWatermark()) {
      return;
    }
    log.updateHighWatermark(candidate);
    if (!checkpointDue) {
      checkpointDue = true;
      partition
          .timers()
          .startSingleTimer(
              CHECKPOINT_TIMER,
              new CheckpointHighWatermark(),
              partition.settings().highWatermarkCheckpointInterval());
    }
    ackWaiters.completeBelow(log.highWatermark(), isrTooSmall(), partition.quorum().get());
    purgatory.checkAndComplete(log.highWatermark(), logEndOffset);
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
        partition.topicPartition(),
        replicas.isr().size(),
        replicas.isr(),
        minIsr);
  }

  /**
   * An acks=all append was written: its sender waits for the ISR, or for its deadline. A duplicate
   * of a batch the high watermark already covers is answered at once.
   */
  void written(Written append) {
    ackWaiters.add(
        append.append(),
        append.baseOffset(),
        append.lastOffset(),
        append.logAppendTime(),
        append.deadlineNanos());
    if (append.lastOffset() < partition.log().highWatermark()) {
      ackWaiters.completeBelow(
          partition.log().highWatermark(), isrTooSmall(), partition.quorum().get());
    }
    ackTimer.fireBy(append.deadlineNanos());
  }

  void onAckDeadline() {
    ackTimer.fired();
    ackWaiters.expire(partition.clock().nanos());
    ackTimer.fireBy(ackWaiters.earliestDeadline());
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
        partition.topicPartition(),
        replicas.isr(),
        minIsr);
  }

  /**
   * Writes the high watermark to its checkpoint file (two fsyncs when it changed) on the
   * blocking-IO dispatcher, off the leader's thread.
   */
  void onCheckpointTimer() {
    checkpointDue = false;
    partition.blockingIo().execute(this::checkpoint);
  }

  /**
   * Safe from any thread; a no-op once the log is closed. A failed write takes the data directory
   * offline ({@link DataDirHealth}).
   */
  void checkpoint() {
    try {
      partition.log().checkpointHighWatermark();
    } catch (RuntimeException e) {
      LOG.error("Cannot checkpoint the high watermark of {}", partition.topicPartition(), e);
      health.reportFailure("the high watermark checkpoint of " + partition.topicPartition(), e);
    }
  }

  /**
   * Stops for good: written acks=all appends still waiting for the ISR are answered {@code
   * REQUEST_TIMED_OUT} (never success, see {@link AckWaiters#abandon}).
   */
  void abandon(ApiError error) {
    ackWaiters.abandon(error.message());
    ackTimer.cancel();
    partition.timers().cancel(CHECKPOINT_TIMER);
  }
}
