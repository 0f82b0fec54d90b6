package sluice.actors.journal;

import sluice.actors.api.CborSerializable;

/**
 * The events of a partition's persistent leader: one per record batch. The akka-persistence
 * sequence number of the event is the batch's sequence number in the {@link
 * sluice.storage.log.PartitionLog}.
 *
 * <p>On write the event carries the whole batch ({@link BatchAppended}), offsets, epoch and
 * timestamps already assigned; the {@link SegmentJournal} appends those bytes to the log. On replay
 * the journal reads batch headers only and emits {@link BatchReplayed}: replay has no
 * back-pressure, so payloads in replay would fill the heap. An event handler treats both alike
 * through {@link #header()}.
 */
public sealed interface BatchEvent extends CborSerializable {

  BatchHeader header();

  /** A batch the leader appended. {@code batch} is exactly one Kafka v2 record batch. */
  record BatchAppended(byte[] batch) implements BatchEvent {
    @Override
    public BatchHeader header() {
      return BatchHeader.of(batch);
    }
  }

  /** A batch found in the log during recovery, header only. */
  record BatchReplayed(BatchHeader header) implements BatchEvent {}
}
