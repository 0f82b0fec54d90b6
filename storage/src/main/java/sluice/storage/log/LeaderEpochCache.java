package sluice.storage.log;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader-epoch cache of one partition replica (Kafka's {@code LeaderEpochFileCache}, KIP-101
 * and KIP-279): for each leader epoch that wrote to the log, the offset of its first batch. A
 * follower uses it to find where its log diverged from the leader's ({@link FollowerTruncation});
 * the leader uses it to answer {@link #endOffsetFor}.
 *
 * <p>Invariant: epochs and start offsets both strictly ascend. {@link #assign} keeps it the way
 * Kafka does: a new entry first removes every entry at the end whose epoch or start offset is not
 * below its own, so an entry is never refused, it replaces what conflicts with it.
 *
 * <p><b>Persistence.</b> Every change rewrites {@code leader-epoch-checkpoint} ({@link
 * LeaderEpochCheckpoint}) atomically and fsyncs it before returning. Changes are rare (one per
 * leader change, truncation or retention pass that moves the first entry), so the cost does not
 * matter. Because a new epoch is assigned before the batch that opens it is written, the file is
 * never behind the log, only possibly ahead of it after a crash; {@link LogLoader} truncates it to
 * the recovered log, and rebuilds it from batch headers if it is missing or malformed.
 *
 * <p><b>Thread-safety.</b> One writer at a time (the owning log's {@link ReplicationState} calls
 * the mutators under the log's lock); any thread may read. The entries are an immutable list in a
 * volatile field, replaced on each change, so a reader sees one consistent version without locking.
 */
public final class LeaderEpochCache {
  private static final System.Logger LOG = System.getLogger(LeaderEpochCache.class.getName());

  private final Path dir;
  private volatile List<EpochEntry> entries;

  private LeaderEpochCache(Path dir, List<EpochEntry> entries) {
    checkAscending(entries);
    this.dir = dir;
    this.entries = List.copyOf(entries);
  }

  /**
   * The cache stored in {@code dir}, empty if there is no file yet.
   *
   * @throws CorruptCheckpointException if the file is malformed, naming it and what is wrong
   */
  static LeaderEpochCache read(Path dir) {
    return new LeaderEpochCache(dir, LeaderEpochCheckpoint.read(dir).orElse(List.of()));
  }

  /** A cache holding {@code entries}, written to {@code dir} at once, replacing any file. */
  static LeaderEpochCache create(Path dir, List<EpochEntry> entries) {
    var cache = new LeaderEpochCache(dir, entries);
    LeaderEpochCheckpoint.write(dir, cache.entries);
    return cache;
  }

  /** True if the checkpoint file exists in {@code dir}. */
  static boolean exists(Path dir) {
    return Files.exists(LeaderEpochCheckpoint.file(dir));
  }

  /** The entries, ascending; an immutable snapshot. */
  public List<EpochEntry> epochs() {
    return entries;
  }

  /** The latest epoch, or {@link EpochEndOffset#UNDEFINED_EPOCH} if the cache is empty. */
  public int latestEpoch() {
    List<EpochEntry> current = entries;
    return current.isEmpty()
        ? EpochEndOffset.UNDEFINED_EPOCH
        : current.get(current.size() - 1).epoch();
  }

  /**
   * Records that {@code epoch} starts at {@code startOffset}. A no-op if {@code epoch} is the
   * latest epoch and {@code startOffset} is not below its start. Otherwise, as in Kafka, every
   * entry at the end whose epoch is at or above {@code epoch} or whose start offset is at or above
   * {@code startOffset} is removed first (logged at WARNING unless it is just an entry at the same
   * start offset that never got data), then the entry is added and the file rewritten.
   *
   * @return true if the cache changed
   * @throws IllegalArgumentException if {@code epoch} or {@code startOffset} is negative
   */
  boolean assign(int epoch, long startOffset) {
    var entry = new EpochEntry(epoch, startOffset);
    List<EpochEntry> current = entries;
    if (!current.isEmpty()) {
      EpochEntry latest = current.get(current.size() - 1);
      if (latest.epoch() == epoch && startOffset >= latest.startOffset()) {
        return false;
      }
    }
    List<EpochEntry> kept = new ArrayList<>(current);
    List<EpochEntry> removed = new ArrayList<>();
    while (!kept.isEmpty()) {
      EpochEntry last = kept.get(kept.size() - 1);
      if (last.epoch() < epoch && last.startOffset() < startOffset) {
        break;
      }
      removed.add(0, kept.remove(kept.size() - 1));
    }
    if (removed.size() > 1
        || (removed.size() == 1 && removed.get(0).startOffset() != startOffset)) {
      LOG.log(
          Level.WARNING,
          "New leader epoch entry {0} in {1} removed conflicting entries {2}",
          entry,
          dir,
          removed);
    }
    kept.add(entry);
    replace(kept);
    return true;
  }

  /**
   * Removes every entry whose start offset is at or above {@code endOffset}: the log was truncated
   * to end there. A no-op if none does.
   */
  void truncateFromEnd(long endOffset) {
    List<EpochEntry> current = entries;
    int keep = current.size();
    while (keep > 0 && current.get(keep - 1).startOffset() >= endOffset) {
      keep--;
    }
    if (keep < current.size()) {
      replace(current.subList(0, keep));
    }
  }

  /**
   * The log now starts at {@code startOffset} (retention): entries starting at or below it collapse
   * into one, the latest of them, moved to start at {@code startOffset}. An entry at exactly {@code
   * startOffset} is kept as it is. A no-op if no entry starts at or below it.
   */
  void truncateFromStart(long startOffset) {
    List<EpochEntry> current = entries;
    int firstAbove = 0;
    while (firstAbove < current.size() && current.get(firstAbove).startOffset() <= startOffset) {
      firstAbove++;
    }
    if (firstAbove == 0) {
      return;
    }
    EpochEntry moved = new EpochEntry(current.get(firstAbove - 1).epoch(), startOffset);
    if (firstAbove == 1 && moved.equals(current.get(0))) {
      return;
    }
    List<EpochEntry> kept = new ArrayList<>();
    kept.add(moved);
    kept.addAll(current.subList(firstAbove, current.size()));
    replace(kept);
  }

  /** Removes every entry: the log restarted empty. */
  void clear() {
    if (!entries.isEmpty()) {
      replace(List.of());
    }
  }

  /**
   * Where {@code requestedEpoch} ends in a log ending at {@code logEndOffset}; see {@link
   * #endOffsetFor(List, int, long)}.
   */
  public EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
    return endOffsetFor(entries, requestedEpoch, logEndOffset);
  }

  /**
   * Where {@code requestedEpoch} ends according to {@code epochs} (ascending, as {@link #epochs()}
   * returns them) in a log ending at {@code logEndOffset}, as Kafka's leader answers
   * OffsetsForLeaderEpoch:
   *
   * <ul>
   *   <li>{@link EpochEndOffset#UNDEFINED} if {@code requestedEpoch} is undefined (negative) or
   *       above every known epoch (the asker knows an epoch this log never had a later one of);
   *   <li>{@code (requestedEpoch, logEndOffset)} if it is the latest epoch;
   *   <li>{@code (requestedEpoch, start of the first epoch)} if it is below every known epoch: the
   *       log no longer holds anything older, so the asker keeps nothing from there on;
   *   <li>otherwise {@code (largest epoch <= requestedEpoch, start of the next higher epoch)}.
   * </ul>
   */
  public static EpochEndOffset endOffsetFor(
      List<EpochEntry> epochs, int requestedEpoch, long logEndOffset) {
    if (requestedEpoch < 0 || epochs.isEmpty()) {
      return EpochEndOffset.UNDEFINED;
    }
    EpochEntry latest = epochs.get(epochs.size() - 1);
    if (requestedEpoch == latest.epoch()) {
      return new EpochEndOffset(requestedEpoch, logEndOffset);
    }
    if (requestedEpoch > latest.epoch()) {
      return EpochEndOffset.UNDEFINED;
    }
    int higher = 0;
    while (epochs.get(higher).epoch() <= requestedEpoch) {
      higher++;
    }
    long end = epochs.get(higher).startOffset();
    return higher == 0
        ? new EpochEndOffset(requestedEpoch, end)
        : new EpochEndOffset(epochs.get(higher - 1).epoch(), end);
  }

  @Override
  public String toString() {
    return "LeaderEpochCache" + entries;
  }

  /**
   * @throws IllegalArgumentException unless epochs and start offsets both strictly ascend
   */
  static void checkAscending(List<EpochEntry> entries) {
    for (int i = 1; i < entries.size(); i++) {
      EpochEntry previous = entries.get(i - 1);
      EpochEntry entry = entries.get(i);
      if (entry.epoch() <= previous.epoch() || entry.startOffset() <= previous.startOffset()) {
        throw new IllegalArgumentException(
            "leader epoch entries must ascend in epoch and start offset, but "
                + entry
                + " follows "
                + previous);
      }
    }
  }

  private void replace(List<EpochEntry> newEntries) {
    List<EpochEntry> copy = List.copyOf(newEntries);
    LeaderEpochCheckpoint.write(dir, copy);
    entries = copy;
  }
}
