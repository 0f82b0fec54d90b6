package sluice.actors.journal;

import java.nio.ByteBuffer;
import sluice.storage.log.BatchHeader;
import sluice.storage.record.RecordBatch;

/**
 * The events of a partition's persistent leader or follower: one per record batch. The
 * akka-persistence sequence number of the event is the batch's sequence number in the {@link
 * sluice.storage.log.PartitionLog}.
 *
 * <p>On write the event carries the whole batch ({@link BatchAppended}), offsets, epoch and
 * timestamps already assigned; the {@link SegmentJournal} appends those bytes to the log. On replay
 * the journal reads batch headers only and emits {@link BatchReplayed}: replay has no
 * back-pressure, so payloads in replay would fill the heap. An event handler treats both alike
 * through {@link #header()}.
 *
 * <p>Not serializable, on purpose: no serializer ever sees a batch event. The segment journal
 * writes the batch bytes itself and hands replayed events to the entity in the same JVM (akka's
 * journal protocol messages are {@code NoSerializationVerificationNeeded}, even under {@code
 * akka.actor.serialize-messages}), and events never travel in a message of their own.
 */
public sealed interface BatchEvent {

  BatchHeader header();

  /** A batch the leader appended. {@code batch} is exactly one Kafka v2 record batch. */
  record BatchAppended(byte[] batch) implements BatchEvent {
    @Override
    public BatchHeader header() {
      return BatchHeader.of(RecordBatch.wrap(ByteBuffer.wrap(batch)));
    }
  }

  /** A batch found in the log during recovery, header only. */
  record BatchReplayed(BatchHeader header) implements BatchEvent {}
}
