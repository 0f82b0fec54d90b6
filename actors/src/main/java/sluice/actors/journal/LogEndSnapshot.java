package sluice.actors.journal;

/**
 * A snapshot that states the log end offset it was taken at. {@link SegmentSnapshotStore} checks it
 * against the log before handing the snapshot to recovery: the batch whose sequence number the
 * snapshot carries must end right before that offset. A snapshot that does not describe its log
 * (batch numbering that started over after a lost checkpoint, a log restarted elsewhere) is
 * dropped, and recovery replays from an older one or from the log's start.
 */
public interface LogEndSnapshot {
  /** The offset the next batch was to take when the snapshot was taken. */
  long logEndOffset();
}
