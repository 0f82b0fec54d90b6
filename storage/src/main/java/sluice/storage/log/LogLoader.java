package sluice.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import sluice.storage.record.CorruptRecordException;

/**
 * Opens a partition directory after a clean shutdown or a crash (Kafka's {@code LogLoader}).
 *
 * <ol>
 *   <li>Leftovers of interrupted work are deleted: {@code *.deleted} (segments retention or
 *       truncation removed), {@code *.cleaned} (unfinished compaction output), {@code *.tmp}, and
 *       index files without a {@code .log}.
 *   <li>Segments wholly below the recovery point are trusted: only their indexes are checked
 *       ({@link LogSegment#sanityCheckIndexes}), and rebuilt from a header scan if missing or
 *       wrong.
 *   <li>From the recovery point on (the batch at the recovery point in its segment, or that whole
 *       segment if its indexes or the boundary cannot be trusted) every batch is checked (lengths,
 *       CRC, contiguous offsets) by {@link LogSegment#recover}; the first failure truncates its
 *       segment there and deletes every later segment, so the log stays contiguous and no corrupt
 *       batch is ever served.
 *   <li>Batch sequences are restored from the checkpoint and by counting the batches checked.
 *   <li>The leader-epoch cache ({@link LeaderEpochCache}) is read from {@code
 *       leader-epoch-checkpoint} and truncated to the recovered log's start and end, or rebuilt
 *       from batch headers (never payloads) if the file is missing or malformed.
 * </ol>
 *
 * Each repair is logged at WARNING with its file and position and listed in the {@link
 * RecoveryReport}. Runs single-threaded before the log is shared.
 */
final class LogLoader {
  private static final System.Logger LOG = System.getLogger(PartitionLog.class.getName());
  private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{20}\\.log");
  private static final String CLEANED_SUFFIX = ".cleaned";

  /**
   * The loaded segments, ascending, the sequence of the last batch, and the offset below which
   * everything was already on disk before this load (what the log still has to fsync starts there).
   */
  record Loaded(
      TreeMap<Long, LogSegment> segments,
      long lastSequence,
      long durableOffset,
      LeaderEpochCache leaderEpochs,
      RecoveryReport report) {}

  private final Path dir;
  private final LogConfig config;
  private final long nowMs;
  private final List<String> problems = new ArrayList<>();
  private int batchesChecked;
  private long durableOffset = -1;
  private long bytesTruncated;
  private int indexesRebuilt;

  private LogLoader(Path dir, LogConfig config, long nowMs) {
    this.dir = dir;
    this.config = config;
    this.nowMs = nowMs;
  }

  static Loaded load(Path dir, LogConfig config, long nowMs) {
    return new LogLoader(dir, config, nowMs).load();
  }

  private Loaded load() {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create partition directory " + dir, e);
    }
    deleteLeftovers();
    Optional<PartitionCheckpoint> checkpoint = readCheckpoint();
    List<Long> bases = segmentBaseOffsets();
    if (bases.isEmpty()) {
      long base = checkpoint.map(PartitionCheckpoint::recoveryPoint).orElse(0L);
      long sequence = checkpoint.map(PartitionCheckpoint::recoverySequence).orElse(0L);
      if (checkpoint.isPresent() && base > 0) {
        problem("no segment files although " + PartitionCheckpoint.file(dir) + " exists");
      }
      var segments = new TreeMap<Long, LogSegment>();
      segments.put(
          base, LogSegment.create(dir, base, config.segmentIndexBytes(), nowMs, sequence + 1));
      LeaderEpochCache epochs = loadLeaderEpochs(List.copyOf(segments.values()));
      return new Loaded(segments, sequence, base, epochs, report(1));
    }
    long recoveryPoint = checkpoint.map(PartitionCheckpoint::recoveryPoint).orElse(-1L);
    long recoverySequence = checkpoint.map(PartitionCheckpoint::recoverySequence).orElse(0L);
    Map<Long, Long> knownSequences =
        checkpoint.map(PartitionCheckpoint::firstSequences).orElse(Map.of());
    int floor = -1;
    for (int i = 0; i < bases.size() && recoveryPoint >= 0; i++) {
      if (bases.get(i) <= recoveryPoint) {
        floor = i;
      }
    }

    if (floor >= 0) {
      durableOffset = recoveryPoint;
    }
    List<LogSegment> segments = new ArrayList<>();
    for (int i = 0; i < Math.max(floor, 0); i++) {
      long nextBase = bases.get(i + 1);
      segments.add(loadTrusted(bases.get(i), nextBase));
    }
    long[] firstSequences = new long[bases.size()];
    int first = Math.max(floor, 0);
    resolveTrustedSequences(segments, firstSequences, knownSequences);

    long lastSequence;
    long expectedOffset;
    int from = first;
    if (floor >= 0) {
      boolean indexesExist = indexFilesExist(bases.get(floor));
      LogSegment segment =
          LogSegment.open(dir, bases.get(floor), config.segmentIndexBytes(), nowMs);
      segments.add(segment);
      int position = trustedPositionOf(segment, recoveryPoint, indexesExist);
      LogSegment.Recovery recovery;
      if (position >= 0) {
        recovery = recover(segment, position, recoveryPoint);
        Long known = knownSequences.get(segment.baseOffset());
        firstSequences[floor] =
            known != null
                ? known
                : position == 0
                    ? recoverySequence + 1
                    : deriveFirstSequence(segments, firstSequences, floor);
        lastSequence =
            (position == 0 ? firstSequences[floor] - 1 : recoverySequence)
                + recovery.validBatches();
      } else {
        recovery = recover(segment, 0, segment.baseOffset());
        Long known = knownSequences.get(segment.baseOffset());
        firstSequences[floor] =
            known != null ? known : deriveFirstSequence(segments, firstSequences, floor);
        lastSequence = firstSequences[floor] - 1 + recovery.validBatches();
      }
      expectedOffset = segment.nextOffset();
      from = floor + 1;
      if (recovery.truncatedBytes() > 0) {
        return finish(segments, firstSequences, lastSequence, bases.subList(from, bases.size()));
      }
    } else {
      long base = bases.get(0);
      long known = knownSequences.getOrDefault(base, -1L);
      if (known < 0 && base != 0) {
        problem(
            "first sequence of segment "
                + LogSegment.file(dir, base, LogSegment.LOG_SUFFIX)
                + " unknown (no checkpoint entry); numbering batches from 1");
      }
      lastSequence = (known < 0 ? 1 : known) - 1;
      expectedOffset = base;
    }
    for (int i = from; i < bases.size(); i++) {
      LogSegment segment = LogSegment.open(dir, bases.get(i), config.segmentIndexBytes(), nowMs);
      segments.add(segment);
      firstSequences[i] = lastSequence + 1;
      LogSegment.Recovery recovery = recover(segment, 0, expectedOffset);
      lastSequence += recovery.validBatches();
      expectedOffset = segment.nextOffset();
      if (recovery.truncatedBytes() > 0) {
        return finish(segments, firstSequences, lastSequence, bases.subList(i + 1, bases.size()));
      }
    }
    return finish(segments, firstSequences, lastSequence, List.of());
  }

  private Loaded finish(
      List<LogSegment> segments, long[] firstSequences, long lastSequence, List<Long> dropped) {
    for (long base : dropped) {
      problem(
          "deleted segment "
              + LogSegment.file(dir, base, LogSegment.LOG_SUFFIX)
              + " after a truncated one");
      for (String suffix :
          List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX)) {
        Fs.deleteIfExists(LogSegment.file(dir, base, suffix));
      }
    }
    var map = new TreeMap<Long, LogSegment>();
    for (int i = 0; i < segments.size(); i++) {
      LogSegment segment = segments.get(i);
      segment.setFirstSequence(firstSequences[i]);
      if (i < segments.size() - 1) {
        segment.onBecomeInactive();
      } else {
        segment.onBecomeActive(config.segmentIndexBytes());
      }
      map.put(segment.baseOffset(), segment);
    }
    long end = segments.get(segments.size() - 1).nextOffset();
    long durable = durableOffset < 0 ? segments.get(0).baseOffset() : Math.min(durableOffset, end);
    LeaderEpochCache epochs = loadLeaderEpochs(segments);
    return new Loaded(map, lastSequence, durable, epochs, report(segments.size()));
  }

  /**
   * The leader-epoch cache for the recovered segments: read from its file and truncated to the
   * log's offsets (the file may be ahead of a log whose tail was lost), or rebuilt from batch
   * headers if the file is missing (a new log gets an empty one) or malformed.
   */
  private LeaderEpochCache loadLeaderEpochs(List<LogSegment> segments) {
    long start = segments.get(0).baseOffset();
    long end = segments.get(segments.size() - 1).nextOffset();
    String rebuildReason = null;
    if (!LeaderEpochCache.exists(dir)) {
      rebuildReason = LeaderEpochCheckpoint.file(dir) + " missing";
    } else {
      try {
        LeaderEpochCache cache = LeaderEpochCache.read(dir);
        cache.truncateFromEnd(end);
        cache.truncateFromStart(start);
        return cache;
      } catch (CorruptCheckpointException | IllegalArgumentException e) {
        rebuildReason = e.getMessage();
      }
    }
    if (end > start) {
      problem("rebuilt the leader-epoch cache from batch headers: " + rebuildReason);
    }
    return LeaderEpochCache.create(dir, scanLeaderEpochs(segments));
  }

  /**
   * Each epoch's first batch, from the batch headers: an entry wherever a batch's leader epoch
   * rises above the latest one (batches without an epoch, -1, are skipped).
   */
  private List<EpochEntry> scanLeaderEpochs(List<LogSegment> segments) {
    List<EpochEntry> entries = new ArrayList<>();
    int latest = EpochEndOffset.UNDEFINED_EPOCH;
    for (LogSegment segment : segments) {
      BatchScanner scanner = segment.scan(0, segment.size());
      try {
        while (scanner.next()) {
          BatchHeader header = scanner.header();
          if (header.partitionLeaderEpoch() > latest) {
            latest = header.partitionLeaderEpoch();
            entries.add(new EpochEntry(latest, header.baseOffset()));
          }
        }
      } catch (CorruptRecordException e) {
        problem("leader epochs after a corrupt batch header were not scanned: " + e.getMessage());
      }
    }
    return entries;
  }

  private RecoveryReport report(int segments) {
    return new RecoveryReport(segments, batchesChecked, bytesTruncated, indexesRebuilt, problems);
  }

  /** A segment below the recovery point: its batches are trusted, its indexes checked. */
  private LogSegment loadTrusted(long base, long nextBase) {
    boolean indexesExist = indexFilesExist(base);
    LogSegment segment = LogSegment.open(dir, base, config.segmentIndexBytes(), nowMs);
    try {
      if (!indexesExist) {
        throw new CorruptIndexException("index files missing");
      }
      segment.sanityCheckIndexes(nextBase);
      segment.loadState(segment.size());
    } catch (CorruptIndexException | CorruptRecordException e) {
      problem("rebuilt indexes of " + segment.logFile() + ": " + e.getMessage());
      indexesRebuilt++;
      String corrupt = segment.rebuildIndexes(config.indexIntervalBytes());
      if (corrupt != null) {
        problem(corrupt + " (below the recovery point: kept; reads reaching it fail)");
      }
    }
    return segment;
  }

  /**
   * The position of the batch at the recovery point if the segment's indexes below it pass the
   * sanity check and lead to it, else -1 (the whole segment is then checked).
   */
  private int trustedPositionOf(LogSegment segment, long recoveryPoint, boolean indexesExist) {
    if (!indexesExist) {
      indexesRebuilt++;
      problem("rebuilt indexes of " + segment.logFile() + ": index files missing");
      return -1;
    }
    try {
      segment.indexes().truncateTo(recoveryPoint);
      segment.sanityCheckIndexes(recoveryPoint);
      return segment.positionOfBoundary(recoveryPoint);
    } catch (CorruptIndexException | CorruptRecordException e) {
      indexesRebuilt++;
      problem("rebuilt indexes of " + segment.logFile() + ": " + e.getMessage());
      return -1;
    }
  }

  private LogSegment.Recovery recover(LogSegment segment, int position, long expectedOffset) {
    LogSegment.Recovery recovery =
        segment.recover(position, expectedOffset, config.indexIntervalBytes());
    batchesChecked += recovery.validBatches();
    if (recovery.truncatedBytes() > 0) {
      bytesTruncated += recovery.truncatedBytes();
      problem(
          "truncated "
              + recovery.truncatedBytes()
              + " bytes of "
              + segment.logFile()
              + ", corrupt or torn batch "
              + recovery.problem());
    }
    return recovery;
  }

  /** First sequences of trusted segments: from the checkpoint, else by counting forward. */
  private void resolveTrustedSequences(
      List<LogSegment> trusted, long[] firstSequences, Map<Long, Long> known) {
    for (int i = 0; i < trusted.size(); i++) {
      Long fromCheckpoint = known.get(trusted.get(i).baseOffset());
      firstSequences[i] =
          fromCheckpoint != null ? fromCheckpoint : deriveFirstSequence(trusted, firstSequences, i);
    }
  }

  /** Segment {@code i}'s first sequence from segment {@code i - 1}'s, by counting its batches. */
  private long deriveFirstSequence(List<LogSegment> segments, long[] firstSequences, int i) {
    if (i == 0) {
      if (segments.get(0).baseOffset() != 0) {
        problem(
            "first sequence of "
                + segments.get(0).logFile()
                + " unknown (no checkpoint entry); numbering batches from 1");
      }
      return 1;
    }
    LogSegment previous = segments.get(i - 1);
    return firstSequences[i - 1] + previous.countBatches(0, previous.size());
  }

  private boolean indexFilesExist(long base) {
    return Files.exists(LogSegment.file(dir, base, LogSegment.INDEX_SUFFIX))
        && Files.exists(LogSegment.file(dir, base, LogSegment.TIME_INDEX_SUFFIX));
  }

  private Optional<PartitionCheckpoint> readCheckpoint() {
    try {
      return PartitionCheckpoint.read(dir);
    } catch (CorruptCheckpointException e) {
      problem(e.getMessage() + "; recovering every segment");
      return Optional.empty();
    }
  }

  private void deleteLeftovers() {
    for (Path file : list()) {
      String name = file.getFileName().toString();
      boolean orphanIndex =
          (name.endsWith(LogSegment.INDEX_SUFFIX) || name.endsWith(LogSegment.TIME_INDEX_SUFFIX))
              && !Files.exists(
                  file.resolveSibling(
                      name.substring(0, name.indexOf('.')) + LogSegment.LOG_SUFFIX));
      if (name.endsWith(RetiredSegments.DELETED_SUFFIX)
          || name.endsWith(CLEANED_SUFFIX)
          || name.endsWith(".tmp")
          || orphanIndex) {
        Fs.deleteIfExists(file);
      }
    }
  }

  private List<Long> segmentBaseOffsets() {
    List<Long> bases = new ArrayList<>();
    for (Path file : list()) {
      String name = file.getFileName().toString();
      if (SEGMENT_NAME.matcher(name).matches()) {
        bases.add(Long.parseLong(name.substring(0, 20)));
      } else if (name.endsWith(LogSegment.LOG_SUFFIX)) {
        problem("ignored " + file + ": not a 20-digit segment name");
      }
    }
    bases.sort(null);
    return bases;
  }

  private List<Path> list() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  private void problem(String message) {
    LOG.log(Level.WARNING, message);
    problems.add(message);
  }
}
