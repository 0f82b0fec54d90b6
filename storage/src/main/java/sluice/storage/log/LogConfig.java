package sluice.storage.log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.TimestampType;

/**
 * The per-partition log settings, under Kafka's topic-config names and with Kafka's defaults.
 * {@link #from(Map)} parses string overrides as a topic's configs arrive from the controller; the
 * canonical constructor checks the same ranges, so every instance is valid. Immutable.
 *
 * @param segmentBytes {@code segment.bytes}: roll the active segment before it would exceed this
 * @param segmentMs {@code segment.ms}: roll the active segment once its first batch is this old
 * @param segmentIndexBytes {@code segment.index.bytes}: preallocated size of each index file
 * @param indexIntervalBytes {@code index.interval.bytes}: log bytes between offset-index entries
 * @param retentionMs {@code retention.ms}: delete closed segments whose newest record is older; -1
 *     keeps them
 * @param retentionBytes {@code retention.bytes}: delete the oldest closed segments while the log is
 *     larger; -1 for no limit
 * @param cleanupPolicy {@code cleanup.policy}: delete, compact or both
 * @param deleteRetentionMs {@code delete.retention.ms}: how long compaction keeps a tombstone
 * @param minCompactionLagMs {@code min.compaction.lag.ms}: segments newer than this are not
 *     compacted
 * @param flushMessages {@code flush.messages}: fsync after this many records; the default leaves
 *     flushing to the OS
 * @param flushMs {@code flush.ms}: fsync when the last flush is this old; the default leaves
 *     flushing to the OS
 * @param maxMessageBytes {@code max.message.bytes}: largest batch the leader accepts
 * @param messageTimestampType {@code message.timestamp.type}: CreateTime or LogAppendTime
 * @param fileDeleteDelayMs {@code file.delete.delay.ms}: how long a removed segment's files stay
 *     open for readers in flight before they are deleted
 */
public record LogConfig(
    int segmentBytes,
    long segmentMs,
    int segmentIndexBytes,
    int indexIntervalBytes,
    long retentionMs,
    long retentionBytes,
    CleanupPolicy cleanupPolicy,
    long deleteRetentionMs,
    long minCompactionLagMs,
    long flushMessages,
    long flushMs,
    int maxMessageBytes,
    TimestampType messageTimestampType,
    long fileDeleteDelayMs) {

  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";

  /** Smallest segment.bytes: one batch header. */
  static final int MIN_SEGMENT_BYTES = RecordBatch.HEADER_SIZE;

  /** Smallest segment.index.bytes: room for two time-index entries. */
  static final int MIN_SEGMENT_INDEX_BYTES = 2 * TimeIndex.ENTRY_SIZE;

  private static final Set<String> NAMES =
      Collections.unmodifiableSet(
          new LinkedHashSet<>(
              List.of(
                  SEGMENT_BYTES,
                  SEGMENT_MS,
                  SEGMENT_INDEX_BYTES,
                  INDEX_INTERVAL_BYTES,
                  RETENTION_MS,
                  RETENTION_BYTES,
                  CLEANUP_POLICY,
                  DELETE_RETENTION_MS,
                  MIN_COMPACTION_LAG_MS,
                  FLUSH_MESSAGES,
                  FLUSH_MS,
                  MAX_MESSAGE_BYTES,
                  MESSAGE_TIMESTAMP_TYPE,
                  FILE_DELETE_DELAY_MS)));

  /** What happens to old data: deleted by retention, compacted by key, or both. */
  public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact"),
    COMPACT_DELETE("compact,delete");

    private final String configValue;

    CleanupPolicy(String configValue) {
      this.configValue = configValue;
    }

    public String configValue() {
      return configValue;
    }

    public boolean deletes() {
      return this != COMPACT;
    }

    public boolean compacts() {
      return this != DELETE;
    }

    /** Parses Kafka's list syntax: {@code delete}, {@code compact}, or both in either order. */
    static CleanupPolicy parse(String value) {
      Set<String> parts = new LinkedHashSet<>();
      for (String part : value.split(",", -1)) {
        parts.add(part.trim());
      }
      if (parts.equals(Set.of("delete"))) {
        return DELETE;
      }
      if (parts.equals(Set.of("compact"))) {
        return COMPACT;
      }
      if (parts.equals(Set.of("compact", "delete"))) {
        return COMPACT_DELETE;
      }
      throw new InvalidConfigException(
          CLEANUP_POLICY, value, "allowed: delete, compact, compact,delete");
    }
  }

  public LogConfig {
    checkRange(SEGMENT_BYTES, segmentBytes, MIN_SEGMENT_BYTES, Integer.MAX_VALUE);
    checkRange(SEGMENT_MS, segmentMs, 1, Long.MAX_VALUE);
    checkRange(SEGMENT_INDEX_BYTES, segmentIndexBytes, MIN_SEGMENT_INDEX_BYTES, Integer.MAX_VALUE);
    checkRange(INDEX_INTERVAL_BYTES, indexIntervalBytes, 0, Integer.MAX_VALUE);
    checkRange(RETENTION_MS, retentionMs, -1, Long.MAX_VALUE);
    checkRange(RETENTION_BYTES, retentionBytes, -1, Long.MAX_VALUE);
    Objects.requireNonNull(cleanupPolicy, CLEANUP_POLICY);
    checkRange(DELETE_RETENTION_MS, deleteRetentionMs, 0, Long.MAX_VALUE);
    checkRange(MIN_COMPACTION_LAG_MS, minCompactionLagMs, 0, Long.MAX_VALUE);
    checkRange(FLUSH_MESSAGES, flushMessages, 1, Long.MAX_VALUE);
    checkRange(FLUSH_MS, flushMs, 0, Long.MAX_VALUE);
    checkRange(MAX_MESSAGE_BYTES, maxMessageBytes, 0, Integer.MAX_VALUE);
    Objects.requireNonNull(messageTimestampType, MESSAGE_TIMESTAMP_TYPE);
    checkRange(FILE_DELETE_DELAY_MS, fileDeleteDelayMs, 0, Long.MAX_VALUE);
  }

  /** Kafka's defaults: 1 GiB or 7-day segments, 7-day retention, flushing left to the OS. */
  public static LogConfig defaults() {
    return new LogConfig(
        1024 * 1024 * 1024,
        7L * 24 * 60 * 60 * 1000,
        10 * 1024 * 1024,
        4096,
        7L * 24 * 60 * 60 * 1000,
        -1,
        CleanupPolicy.DELETE,
        24L * 60 * 60 * 1000,
        0,
        Long.MAX_VALUE,
        Long.MAX_VALUE,
        1024 * 1024 + 12,
        TimestampType.CREATE_TIME,
        60_000);
  }

  /**
   * The defaults with {@code overrides} applied.
   *
   * @throws InvalidConfigException for an unknown key or a value out of range, naming both
   */
  public static LogConfig from(Map<String, String> overrides) {
    return defaults().with(overrides);
  }

  /**
   * This config with {@code overrides} applied (e.g. broker defaults, then a topic's configs).
   *
   * @throws InvalidConfigException for an unknown key or a value out of range, naming both
   */
  public LogConfig with(Map<String, String> overrides) {
    for (String key : overrides.keySet()) {
      if (!NAMES.contains(key)) {
        throw new InvalidConfigException(
            key, overrides.get(key), "unknown config; known: " + NAMES);
      }
    }
    Map<String, String> values = new LinkedHashMap<>(toMap());
    values.putAll(overrides);
    return new LogConfig(
        parseInt(values, SEGMENT_BYTES),
        parseLong(values, SEGMENT_MS),
        parseInt(values, SEGMENT_INDEX_BYTES),
        parseInt(values, INDEX_INTERVAL_BYTES),
        parseLong(values, RETENTION_MS),
        parseLong(values, RETENTION_BYTES),
        CleanupPolicy.parse(required(values, CLEANUP_POLICY)),
        parseLong(values, DELETE_RETENTION_MS),
        parseLong(values, MIN_COMPACTION_LAG_MS),
        parseLong(values, FLUSH_MESSAGES),
        parseLong(values, FLUSH_MS),
        parseInt(values, MAX_MESSAGE_BYTES),
        parseTimestampType(required(values, MESSAGE_TIMESTAMP_TYPE)),
        parseLong(values, FILE_DELETE_DELAY_MS));
  }

  /** Every config name this record understands, in a stable order. */
  public static Set<String> names() {
    return NAMES;
  }

  /** Every setting by its config name, as {@link #from(Map)} reads them back. */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
    map.put(SEGMENT_MS, Long.toString(segmentMs));
    map.put(SEGMENT_INDEX_BYTES, Integer.toString(segmentIndexBytes));
    map.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
    map.put(RETENTION_MS, Long.toString(retentionMs));
    map.put(RETENTION_BYTES, Long.toString(retentionBytes));
    map.put(CLEANUP_POLICY, cleanupPolicy.configValue());
    map.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
    map.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
    map.put(FLUSH_MESSAGES, Long.toString(flushMessages));
    map.put(FLUSH_MS, Long.toString(flushMs));
    map.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
    map.put(MESSAGE_TIMESTAMP_TYPE, timestampTypeName(messageTimestampType));
    map.put(FILE_DELETE_DELAY_MS, Long.toString(fileDeleteDelayMs));
    return Collections.unmodifiableMap(map);
  }

  private static String timestampTypeName(TimestampType type) {
    return type == TimestampType.CREATE_TIME ? "CreateTime" : "LogAppendTime";
  }

  private static TimestampType parseTimestampType(String value) {
    return switch (value.trim()) {
      case "CreateTime" -> TimestampType.CREATE_TIME;
      case "LogAppendTime" -> TimestampType.LOG_APPEND_TIME;
      default ->
          throw new InvalidConfigException(
              MESSAGE_TIMESTAMP_TYPE, value, "allowed: CreateTime, LogAppendTime");
    };
  }

  private static String required(Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null) {
      throw new InvalidConfigException(key, null, "a value is required");
    }
    return value;
  }

  private static int parseInt(Map<String, String> values, String key) {
    long value = parseLong(values, key);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new InvalidConfigException(key, values.get(key), "must fit a 32-bit integer");
    }
    return (int) value;
  }

  private static long parseLong(Map<String, String> values, String key) {
    String value = required(values, key);
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(key, value, "must be an integer");
    }
  }

  private static void checkRange(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidConfigException(
          key,
          Long.toString(value),
          max == Long.MAX_VALUE || max == Integer.MAX_VALUE
              ? "must be at least " + min
              : "must be in [" + min + ", " + max + "]");
    }
  }
}
