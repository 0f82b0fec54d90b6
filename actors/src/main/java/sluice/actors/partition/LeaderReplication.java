package sluice.actors.partition;

import akka.actor.typed.ActorRef;
import java.util.List;
import java.util.Map;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.controller.ControllerRef;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.MetadataView;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.partition.AppendQueue.Written;
import sluice.actors.partition.PartitionLeader.Internal;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.storage.log.EpochEntry;

/**
 * The replication half of a leading partition (Kafka's protocol, leader side): the leader and
 * partition epochs it leads in and the followers' states ({@link ReplicaTracker}), and the flows
 * between its three parts: {@link FollowerFetches} (serving followers), {@link HighWatermark} (the
 * high watermark and acks=all) and {@link IsrProposals} (which ISR change to propose), which it
 * sends to the controller ({@link Controller.AlterPartition}) with the current epochs. A newer
 * assignment from the metadata or the controller is adopted here.
 *
 * <p>Not thread-safe: the leader calls it from its command handlers only, so it runs between writes
 * (akka-persistence stashes commands while one is in flight) and the log's end offset equals the
 * confirmed one the leader passes. Nothing is persisted: follower states, waiting appends and
 * parked fetches die with the leader, which answers them first when it stops leading.
 */
final class LeaderReplication {

  private static final String CHECK_ISR_TIMER = "check-isr";

  /** Time to look for ISR members to propose out (and followers to propose in). */
  record CheckIsr() implements Internal {}

  /**
   * The controller's answer to this leader's {@link Controller.AlterPartition}, proposed in {@code
   * leaderEpoch} and {@code partitionEpoch}: exactly one of {@code partition} and {@code error} is
   * non-null ({@code REQUEST_TIMED_OUT} without an answer).
   */
  record AlterPartitionAnswered(
      int leaderEpoch, int partitionEpoch, PartitionAssignment partition, ApiError error)
      implements Internal {}

  private final PartitionContext partition;
  private final ReplicaTracker replicas;
  private final FollowerFetches followers;
  private final HighWatermark highWatermark;
  private final IsrProposals isr;
  private int leaderEpoch;
  private int partitionEpoch;

  /** The log end offset when this broker's current leader epoch began. */
  private long epochStartOffset;

  /**
   * @param assignment the partition as the leader found it in the metadata; it names this broker
   */
  LeaderReplication(
      PartitionContext partition,
      PartitionAssignment assignment,
      Map<String, String> topicConfigs,
      FetchPurgatory purgatory) {
    this.partition = partition;
    this.leaderEpoch = assignment.leaderEpoch();
    this.partitionEpoch = assignment.partitionEpoch();
    this.replicas =
        new ReplicaTracker(
            partition.settings().brokerId(),
            assignment,
            partition.settings().replicaLagTimeMax().toMillis(),
            partition.clock().millis());
    this.followers = new FollowerFetches(partition, replicas, purgatory);
    this.highWatermark = new HighWatermark(partition, replicas, purgatory, topicConfigs);
    MetadataView view = MetadataView.get(partition.actor().getSystem());
    this.isr =
        new IsrProposals(
            partition,
            replicas,
            broker ->
                view.current().broker(broker).map(BrokerRegistration::dataDirsOnline).orElse(true));
  }

  /** The leader epoch batches are written in. */
  int leaderEpoch() {
    return leaderEpoch;
  }

  /** The partition epoch of the assignment this leader holds. */
  int partitionEpoch() {
    return partitionEpoch;
  }

  HighWatermark highWatermark() {
    return highWatermark;
  }

  /**
   * Starts leading at {@code logEndOffset} (recovered): records the leader epoch in the log, starts
   * the ISR check if followers are assigned, and moves the high watermark if the ISR allows (with
   * the leader alone in it, to its log end offset).
   */
  void start(long logEndOffset) {
    startEpoch(logEndOffset);
    checkIsrWhileFollowed();
    highWatermark.maybeAdvance(logEndOffset);
    partition
        .actor()
        .getLog()
        .info(
            "Partition {} leads in epoch {} (partition epoch {}, ISR {}): offsets [{}, {}), high"
                + " watermark {}",
            partition.topicPartition(),
            leaderEpoch,
            partitionEpoch,
            replicas.isr(),
            partition.log().logStartOffset(),
            logEndOffset,
            partition.log().highWatermark());
  }

  /**
   * Records this broker's leader epoch in the log, if newer than the log's latest (so that
   * followers asking where older epochs end get the right answer before the first append), and
   * notes where the epoch starts.
   */
  private void startEpoch(long logEndOffset) {
    var log = partition.log();
    if (leaderEpoch > log.latestEpoch()) {
      log.assignLeaderEpoch(leaderEpoch);
    }
    List<EpochEntry> epochs = log.leaderEpochs();
    EpochEntry latest = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    epochStartOffset =
        latest != null && latest.epoch() == leaderEpoch ? latest.startOffset() : logEndOffset;
  }

  /**
   * A write completed: its acks=all appends wait for the ISR, and the high watermark may move (with
   * the leader alone in the ISR it does).
   */
  void afterWrite(long logEndOffset, List<Written> acksAll) {
    acksAll.forEach(highWatermark::written);
    highWatermark.maybeAdvance(logEndOffset);
  }

  /**
   * A follower's fetch: once admitted, its fetch offset is its log end offset, which counts for the
   * high watermark and the ISR; then it is served or parked.
   */
  void onReplicaFetch(ReplicaFetch fetch, long logEndOffset) {
    if (!followers.admit(fetch, logEndOffset, leaderEpoch)) {
      return;
    }
    replicas.onFetch(
        fetch.replicaId(), fetch.fetchOffset(), logEndOffset, partition.clock().millis());
    highWatermark.maybeAdvance(logEndOffset);
    maybeProposeIsrChange(logEndOffset, false);
    followers.serveOrPark(fetch, logEndOffset);
  }

  void onCheckIsr(long logEndOffset) {
    maybeProposeIsrChange(logEndOffset, true);
  }

  private void maybeProposeIsrChange(long logEndOffset, boolean shrink) {
    List<Integer> newIsr =
        isr.next(logEndOffset, partition.log().highWatermark(), epochStartOffset, shrink);
    if (newIsr != null) {
      propose(newIsr);
    }
  }

  /** Sends {@code newIsr} to the controller, with the current epochs; it answers this leader. */
  private void propose(List<Integer> newIsr) {
    var context = partition.actor();
    ActorRef<Controller.Command> controller;
    try {
      controller = ControllerRef.get(context.getSystem()).ref();
    } catch (IllegalStateException e) {
      context
          .getLog()
          .warn(
              "Partition {} cannot change its ISR: {}", partition.topicPartition(), e.getMessage());
      return;
    }
    isr.sent(newIsr);
    int brokerId = partition.settings().brokerId();
    int epoch = leaderEpoch;
    int version = partitionEpoch;
    var timeout = partition.settings().alterPartitionTimeout();
    context.ask(
        Controller.AlterPartitionResult.class,
        controller,
        timeout,
        replyTo ->
            new Controller.AlterPartition(
                partition.topic(),
                partition.topicId(),
                partition.partition(),
                brokerId,
                epoch,
                version,
                newIsr,
                replyTo),
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
                        partition.topicPartition(),
                        timeout.toMillis())));
  }

  void onAlterPartitionAnswered(AlterPartitionAnswered answer, long logEndOffset) {
    PartitionAssignment adopted =
        isr.answered(
            answer.leaderEpoch(),
            answer.partitionEpoch(),
            answer.partition(),
            answer.error(),
            leaderEpoch,
            partitionEpoch);
    if (adopted != null) {
      applyAssignment(adopted, logEndOffset);
    }
  }

  /**
   * The partition's assignment in newer metadata that still names this broker leader: a newer
   * leader epoch is adopted, a newer partition epoch in this leader epoch replaces the ISR, older
   * ones are ignored.
   */
  void onAssignment(PartitionAssignment assignment, long logEndOffset) {
    if (assignment.leaderEpoch() > leaderEpoch) {
      adoptLeaderEpoch(assignment, logEndOffset);
    } else if (assignment.leaderEpoch() == leaderEpoch
        && assignment.partitionEpoch() > partitionEpoch) {
      applyAssignment(assignment, logEndOffset);
    }
  }

  /**
   * Takes the ISR of {@code changed} (this leader epoch, a newer partition epoch), then looks for
   * the next change to propose.
   */
  private void applyAssignment(PartitionAssignment changed, long logEndOffset) {
    partitionEpoch = changed.partitionEpoch();
    isr.newMetadata();
    replicas.apply(changed, partition.clock().millis());
    checkIsrWhileFollowed();
    partition
        .actor()
        .getLog()
        .info(
            "Partition {} has ISR {} in partition epoch {}",
            partition.topicPartition(),
            changed.isr(),
            partitionEpoch);
    highWatermark.maybeAdvance(logEndOffset);
    maybeProposeIsrChange(logEndOffset, true);
  }

  /**
   * Adopts a newer leader epoch in which this broker still leads: later batches carry it, follower
   * states start over, parked follower fetches (of the older epoch) are fenced.
   */
  private void adoptLeaderEpoch(PartitionAssignment assignment, long logEndOffset) {
    leaderEpoch = assignment.leaderEpoch();
    partitionEpoch = assignment.partitionEpoch();
    isr.newMetadata();
    startEpoch(logEndOffset);
    replicas.reset(assignment, partition.clock().millis());
    checkIsrWhileFollowed();
    followers.fenceParked(logEndOffset, leaderEpoch);
    partition
        .actor()
        .getLog()
        .info(
            "Partition {} leads in epoch {} from offset {} (ISR {})",
            partition.topicPartition(),
            leaderEpoch,
            epochStartOffset,
            assignment.isr());
    highWatermark.maybeAdvance(logEndOffset);
  }

  /** Stops for good: waiting acks=all appends are answered (never success); timers stop. */
  void abandon(ApiError error) {
    highWatermark.abandon(error);
    partition.timers().cancel(CHECK_ISR_TIMER);
  }

  /**
   * Runs the periodic ISR check while the partition has replicas other than this leader (only they
   * can fall out of sync), and no timer otherwise: a leader alone costs nothing while idle.
   */
  private void checkIsrWhileFollowed() {
    int self = partition.settings().brokerId();
    boolean followed = replicas.replicas().stream().anyMatch(id -> id != self);
    var timers = partition.timers();
    if (followed && !timers.isTimerActive(CHECK_ISR_TIMER)) {
      timers.startTimerAtFixedRate(
          CHECK_ISR_TIMER, new CheckIsr(), partition.settings().replicaLagTimeMax().dividedBy(2));
    } else if (!followed) {
      timers.cancel(CHECK_ISR_TIMER);
    }
  }
}
