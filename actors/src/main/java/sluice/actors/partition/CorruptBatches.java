package sluice.actors.partition;

import akka.actor.typed.ActorRef;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.controller.ControllerRef;
import sluice.actors.lease.WriteLease;
import sluice.actors.lease.WriteLeases;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.partition.PartitionLeader.CorruptBatchSeen;
import sluice.actors.partition.PartitionLeader.Internal;
import sluice.storage.log.FetchSlice;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.Batches;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;

/**
 * A batch a reader of this leader found corrupt ({@link CorruptBatchSeen}: a follower's fetch, a
 * consumer's through the gateway): the leader reads that batch back from its own log and checks it
 * ({@link #ownCopy}), to tell damage on its disk from damage on the way (which the reader's next
 * fetch repairs). Damage on its disk makes it resign: the lease granter is told to have the next
 * follower on this broker cut the log at that batch ({@link WriteLease.CutBeforeFollowing}), and
 * the controller is asked to hand the partition to a healthy in-sync replica ({@link
 * Controller.ResignLeadership}, with this leader's epochs). If the controller moves it, the leader
 * stops leading; if no other ISR member can take it, it keeps leading (serving the batches before
 * the bad one, which readers refuse) and does not ask again in that partition epoch.
 *
 * <p>Not thread-safe: owned by one partition leader, called from its command handlers; the read
 * runs on the fetch executor and comes back as {@link OwnCopyChecked}.
 */
final class CorruptBatches {
  private static final Logger LOG = LoggerFactory.getLogger(CorruptBatches.class);

  /** The batch holding {@code offset}, read back from this leader's log; see {@link OwnCopy}. */
  record OwnCopyChecked(CorruptBatchSeen report, OwnCopy copy) implements Internal {}

  /**
   * The controller's answer to a resignation sent in {@code leaderEpoch} and {@code
   * partitionEpoch}: exactly one of {@code partition} and {@code error} is non-null.
   */
  record ResignationAnswered(
      int leaderEpoch, int partitionEpoch, PartitionAssignment partition, ApiError error)
      implements Internal {}

  /**
   * What this leader's own copy of a reported batch is.
   *
   * @param corrupt whether the batch on this leader's disk fails its checks
   * @param offset the first offset of the batch holding the reported one (the reported offset if
   *     the batch cannot be read at all)
   * @param detail what failed, or why nothing could be said (then not corrupt)
   */
  record OwnCopy(boolean corrupt, long offset, String detail) {}

  private final PartitionContext partition;

  /** Offsets being read back now. */
  private final Set<Long> checking = new HashSet<>();

  /** A resignation is at the controller. */
  private boolean resigning;

  /** The controller kept this leader, or refused as stale, in these epochs: do not ask again. */
  private long settledIn = -1;

  CorruptBatches(PartitionContext partition) {
    this.partition = partition;
  }

  /**
   * The batch holding {@code offset} in {@code log}, checked as a reader checks it: whole, magic 2,
   * CRC32C. Safe from any thread (a positional read).
   */
  static OwnCopy ownCopy(PartitionLog log, long offset) {
    try {
      FetchSlice slice = log.read(offset, 1, log.logEndOffset());
      Iterator<RecordBatch> batches = Batches.iterate(slice.readFully()).iterator();
      if (!batches.hasNext()) {
        return new OwnCopy(false, offset, "no batch holds offset " + offset);
      }
      RecordBatch batch = batches.next();
      try {
        batch.ensureValid();
      } catch (CorruptRecordException | IllegalArgumentException e) {
        return new OwnCopy(true, batch.baseOffset(), e.getMessage());
      }
      return new OwnCopy(false, batch.baseOffset(), "the batch is whole");
    } catch (CorruptRecordException | IllegalArgumentException e) {
      return new OwnCopy(true, offset, e.getMessage());
    } catch (RuntimeException e) {
      return new OwnCopy(false, offset, "it could not be read: " + e);
    }
  }

  /** A reader's report: the batch is read back, unless it is already being read or settled. */
  void onReported(CorruptBatchSeen report, int leaderEpoch, int partitionEpoch) {
    PartitionLog log = partition.log();
    long offset = report.offset();
    if (offset < log.logStartOffset()
        || offset >= log.logEndOffset()
        || resigning
        || settledIn == epochs(leaderEpoch, partitionEpoch)
        || !checking.add(offset)) {
      return;
    }
    var self = partition.actor().getSelf();
    CompletableFuture.supplyAsync(() -> ownCopy(log, offset), partition.fetchExecutor())
        .whenComplete(
            (copy, failure) ->
                self.tell(
                    new OwnCopyChecked(
                        report,
                        copy != null
                            ? copy
                            : new OwnCopy(false, offset, "it could not be read: " + failure))));
  }

  /** The own copy was read: damage on the way is logged; damage on this disk resigns. */
  void onOwnCopyChecked(OwnCopyChecked checked, int leaderEpoch, int partitionEpoch) {
    CorruptBatchSeen report = checked.report();
    checking.remove(report.offset());
    OwnCopy copy = checked.copy();
    String tp = partition.topicPartition();
    if (!copy.corrupt()) {
      LOG.info(
          "Partition {}: {} found the batch at offset {} corrupt ({}); this leader's copy is not"
              + " ({}): it was damaged on the way, and the next fetch reads it again",
          tp,
          report.seenBy(),
          report.offset(),
          report.problem(),
          copy.detail());
      return;
    }
    if (resigning || settledIn == epochs(leaderEpoch, partitionEpoch)) {
      return;
    }
    LOG.error(
        "Partition {}: the batch at offset {} is corrupt in this leader's own log ({}; reported by"
            + " {}): asking the controller to hand the partition to an in-sync replica",
        tp,
        copy.offset(),
        copy.detail(),
        report.seenBy());
    var context = partition.actor();
    String reason = "read back by its leader in leader epoch " + leaderEpoch + ": " + copy.detail();
    WriteLeases.get(context.getSystem())
        .granter()
        .tell(new WriteLease.CutBeforeFollowing(tp, context.getSelf(), copy.offset(), reason));
    resign(copy.offset(), leaderEpoch, partitionEpoch);
  }

  private void resign(long offset, int leaderEpoch, int partitionEpoch) {
    var context = partition.actor();
    ActorRef<Controller.Command> controller;
    try {
      controller = ControllerRef.get(context.getSystem()).ref();
    } catch (IllegalStateException e) {
      LOG.warn("Partition {} cannot resign: {}", partition.topicPartition(), e.getMessage());
      return;
    }
    resigning = true;
    int brokerId = partition.settings().brokerId();
    var timeout = partition.settings().alterPartitionTimeout();
    context.ask(
        Controller.AlterPartitionResult.class,
        controller,
        timeout,
        replyTo ->
            new Controller.ResignLeadership(
                partition.topic(),
                partition.topicId(),
                partition.partition(),
                brokerId,
                leaderEpoch,
                partitionEpoch,
                offset,
                replyTo),
        (result, failure) ->
            result != null
                ? new ResignationAnswered(
                    leaderEpoch, partitionEpoch, result.partition(), result.error())
                : new ResignationAnswered(
                    leaderEpoch,
                    partitionEpoch,
                    null,
                    ApiError.of(
                        ErrorCode.REQUEST_TIMED_OUT,
                        "The controller did not answer the resignation of %s within %d ms",
                        partition.topicPartition(),
                        timeout.toMillis())));
  }

  /**
   * The controller answered: returns the partition as stored if it now has another leader (this one
   * stops leading), else null. A kept leadership, or a stale refusal, is not asked for again in the
   * epochs it was sent in; another error lets the next report ask again.
   */
  PartitionAssignment onAnswered(ResignationAnswered answer) {
    resigning = false;
    String tp = partition.topicPartition();
    int brokerId = partition.settings().brokerId();
    PartitionAssignment stored = answer.partition();
    if (stored != null && stored.leader() != brokerId) {
      LOG.warn(
          "Partition {}: broker {} leads in leader epoch {} after this leader's resignation",
          tp,
          stored.leader(),
          stored.leaderEpoch());
      return stored;
    }
    if (stored != null) {
      LOG.warn(
          "Partition {}: no other in-sync replica of {} can lead; this leader keeps serving the"
              + " batches before the corrupt one",
          tp,
          stored.isr());
      settledIn = epochs(answer.leaderEpoch(), answer.partitionEpoch());
      return null;
    }
    ErrorCode code = answer.error().code();
    if (code == ErrorCode.FENCED_LEADER_EPOCH || code == ErrorCode.INVALID_UPDATE_VERSION) {
      settledIn = epochs(answer.leaderEpoch(), answer.partitionEpoch());
    }
    LOG.warn(
        "Partition {}: the resignation was refused: {} {}", tp, code, answer.error().message());
    return null;
  }

  private static long epochs(int leaderEpoch, int partitionEpoch) {
    return ((long) leaderEpoch << 32) | (partitionEpoch & 0xffffffffL);
  }
}
