package sluice.actors.partition;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import sluice.actors.api.CborSerializable;
import sluice.actors.journal.LogEndSnapshot;
import sluice.storage.log.BatchHeader;
import sluice.storage.producer.ProducerEntry;
import sluice.storage.producer.ProducerStates;

/**
 * What a partition replica knows from its batches, rebuilt from batch headers on recovery and
 * snapshotted: the log end offset and the idempotent producers ({@link ProducerStates}: per
 * producer its epoch and last five batches). Leader and follower build it alike as they append, so
 * the follower elected after a failover knows the batches its predecessor replicated, and a replica
 * that truncates its log recovers it from an older snapshot and the batches that remain. The high
 * watermark and the leader-epoch cache are not here: the partition log keeps both ({@code
 * PartitionLog.highWatermark()}, {@code leaderEpochs()}) with their own checkpoint files, since the
 * high watermark moves without a batch (a follower fetches) and the epochs must survive a
 * truncation.
 *
 * <p>The log end offset here is the <i>confirmed</i> one: batches whose write completed. While a
 * write is in flight the log's own end offset may be ahead of it, and a failed write rolls it back.
 *
 * <p>Immutable: the snapshot store serializes it on another thread. In a snapshot the producers are
 * the list {@code producerEntries}; snapshots written before idempotence (a {@code producers} map
 * of last batches) still load, without their producers, which only matters for a retry of a batch
 * written before the upgrade.
 */
public record LeaderState(long logEndOffset, @JsonIgnore ProducerStates producers)
    implements CborSerializable, LogEndSnapshot {

  public LeaderState {
    if (producers == null) {
      producers = ProducerStates.empty();
    }
  }

  @JsonCreator
  static LeaderState fromSnapshot(
      @JsonProperty("logEndOffset") long logEndOffset,
      @JsonProperty("producerEntries") List<ProducerEntry> producerEntries) {
    return new LeaderState(
        logEndOffset,
        producerEntries == null ? ProducerStates.empty() : ProducerStates.of(producerEntries));
  }

  /** The producers as a snapshot stores them. */
  @JsonProperty("producerEntries")
  List<ProducerEntry> producerEntries() {
    return producers.entries();
  }

  public static LeaderState empty() {
    return startingAt(0);
  }

  /**
   * The state before the first batch of a log that starts at {@code logStartOffset}: what recovery
   * without a snapshot begins from, since replay starts at the log's first batch (a log restarted
   * empty at a leader's log start begins above 0).
   */
  public static LeaderState startingAt(long logStartOffset) {
    return new LeaderState(logStartOffset, ProducerStates.empty());
  }

  /**
   * The state after this replica appended the batch with this header at {@code now} (wall-clock
   * ms); producers idle for {@code producerExpirationMs} are dropped now and then.
   *
   * @throws IllegalStateException if the batch does not start at or after the log end offset
   */
  public LeaderState applied(BatchHeader batch, long now, long producerExpirationMs) {
    if (batch.baseOffset() < logEndOffset) {
      throw new IllegalStateException(
          "Batch at offsets ["
              + batch.baseOffset()
              + ", "
              + batch.lastOffset()
              + "] is below the log end offset "
              + logEndOffset);
    }
    return new LeaderState(
        batch.lastOffset() + 1, producers.applied(batch, now, producerExpirationMs));
  }
}
