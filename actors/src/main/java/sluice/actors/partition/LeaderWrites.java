package sluice.actors.partition;

import java.util.ArrayList;
import java.util.List;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.DataDirHealth;
import sluice.actors.partition.AppendQueue.Written;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.quorum.QuorumState;
import sluice.storage.log.LogConfig;

/**
 * The produce side of a leading {@link EventSourcedLeader}: which appends it refuses on arrival,
 * the queue the next write takes ({@link AppendQueue}, group commit, idempotent producers' checks),
 * and the answers once a write is done or has failed. The leader keeps the akka-persistence effects
 * (the persist itself); this class decides what goes in a write and who hears what.
 *
 * <p>Not thread-safe: owned by one partition leader.
 */
final class LeaderWrites {
  private final PartitionContext partition;
  private final LeaderReplication replication;
  private final FetchPurgatory purgatory;
  private final DataDirHealth health;
  private final AppendQueue appends;

  /** The appends of the write in flight, answered if the write fails and the leader stops. */
  private List<Written> inFlight = List.of();

  LeaderWrites(
      PartitionContext partition,
      LeaderReplication replication,
      FetchPurgatory purgatory,
      DataDirHealth health) {
    this.partition = partition;
    this.replication = replication;
    this.purgatory = purgatory;
    this.health = health;
    this.appends = new AppendQueue(partition.topicPartition(), partition.clock());
  }

  /**
   * Why {@code append} is refused on arrival under {@code config}, or null: an invalid batch, a
   * leader epoch other than this leader's, no quorum, an offline data directory, or acks=all while
   * the ISR is below {@code min.insync.replicas}. Nothing refused is written.
   */
  ApiError refusal(Append append, LogConfig config) {
    String topicPartition = partition.topicPartition();
    ApiError error = AppendValidation.check(append, topicPartition, config);
    if (error == null) {
      error = AppendValidation.epochError(append, topicPartition, replication.leaderEpoch());
    }
    if (error == null) {
      error = AppendValidation.quorumError(partition.quorum().get(), topicPartition);
    }
    if (error == null) {
      error =
          AppendValidation.storageError(
              health.state(), partition.settings().brokerId(), health.dataDir());
    }
    if (error == null && append.acks() == Acks.ALL) {
      error = replication.highWatermark().refuseAcksAll();
    }
    return error;
  }

  /** Queues an accepted append; true if the leader must send itself its flush message now. */
  boolean queue(Append append) {
    return appends.add(append);
  }

  /**
   * The next write, from the confirmed {@code state}: every queued append with its offsets, or with
   * the offsets it was written at before if it is a duplicate. Its events may be empty (all
   * duplicates, or everything refused or timed out).
   */
  AppendQueue.Group nextWrite(LeaderState state, LogConfig config) {
    long now = partition.clock().millis();
    long appendTime = AppendValidation.logAppendTime(config) ? now : -1;
    AppendQueue.Group group =
        appends.drain(
            state.logEndOffset(),
            replication.leaderEpoch(),
            appendTime,
            state.producers(),
            now,
            partition.settings().producerIdExpiration().toMillis());
    inFlight = group.events().isEmpty() ? List.of() : group.written();
    return group;
  }

  /**
   * A write is done (or had nothing to write): answers its acks=1 appends, each success only while
   * this broker still has its quorum (a leader cut off from the majority may already be deposed
   * there, so what it wrote may never be committed); its acks=all appends wait for the ISR.
   */
  void written(LeaderState state, List<Written> written) {
    inFlight = List.of();
    List<Written> acksAll = new ArrayList<>();
    QuorumState quorum = partition.quorum().get();
    for (Written entry : written) {
      Append append = entry.append();
      if (append.acks() == Acks.LEADER) {
        append
            .replyTo()
            .tell(
                quorum.present()
                    ? new AppendReply(entry.baseOffset(), entry.logAppendTime(), null)
                    : AppendReply.failed(
                        AckWaiters.writtenWithoutQuorum(
                            partition.topicPartition(), entry.baseOffset(), quorum)));
      } else if (append.acks() == Acks.ALL) {
        acksAll.add(entry);
      }
    }
    replication.afterWrite(state.logEndOffset(), acksAll);
    purgatory.checkAndComplete(partition.log().highWatermark(), state.logEndOffset());
  }

  /**
   * The leader stopped with a write in flight: the journal failed it (and rolled back whatever of
   * it was appended, so nothing of it is stored) and akka-persistence stops a writer whose write
   * failed. Its senders hear why now rather than at their ask timeout; on an offline data directory
   * that is the storage error, which sends them elsewhere.
   */
  void answerFailedWrite() {
    if (inFlight.isEmpty()) {
      return;
    }
    ApiError error =
        health.isOnline()
            ? ApiError.of(
                ErrorCode.KAFKA_STORAGE_ERROR,
                "The write of %d batch(es) to %s failed and none was stored; retry",
                inFlight.size(),
                partition.topicPartition())
            : AppendValidation.storageError(
                health.state(), partition.settings().brokerId(), health.dataDir());
    for (Written entry : inFlight) {
      entry.append().replyTo().tell(AppendReply.failed(error));
    }
    inFlight = List.of();
  }

  /** Answers every queued append {@code error} (acks=0 ones were answered on arrival). */
  void abandon(ApiError error) {
    appends.abandon(error);
  }
}
