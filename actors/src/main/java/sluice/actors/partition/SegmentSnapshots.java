package sluice.actors.partition;

import sluice.storage.log.PartitionLog;

/**
 * When a partition replica snapshots its state besides every {@code snapshot-every} batches: at its
 * first write after it starts and at its first write after its log rolled. Retention deletes only
 * closed segments, so a snapshot taken within the active segment describes every batch retention
 * may delete: the producer state survives the segments that wrote it, and nothing holds a segment
 * back for it (Kafka snapshots its producer state at each roll likewise).
 *
 * <p>akka-persistence decides on a snapshot before it writes the events, so a roll that the write
 * itself makes is seen at the next write: until then a crash followed by retention of the segment
 * just closed would lose the producers of its last batches; a retry of those batches is then
 * written again, as by a broker without idempotence.
 *
 * <p>Not thread-safe: used by the replica's single writer.
 */
public final class SegmentSnapshots {
  private final PartitionLog log;
  private long snapshotSegment = -1;

  public SegmentSnapshots(PartitionLog log) {
    this.log = log;
  }

  /** Whether the write about to be made should be followed by a snapshot. */
  public boolean due() {
    long active = log.activeSegmentBaseOffset();
    if (active == snapshotSegment) {
      return false;
    }
    snapshotSegment = active;
    return true;
  }
}
