package sluice.actors.controller;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.storage.log.InvalidConfigException;
import sluice.storage.log.LogConfig;

/**
 * Validates a topic's config overrides: Kafka's topic-level names, values in range. Log settings
 * ({@link LogConfig#names()}) are checked by {@link LogConfig#from}, the replication settings the
 * controller understands ({@code min.insync.replicas}, {@code unclean.leader.election.enable})
 * here; any other key is refused as unknown. Stateless, safe from any thread.
 */
public final class TopicConfigs {
  /** Acks=all needs this many in-sync replicas; 1..replication factor, default max(1, RF - 1). */
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

  /** Whether a replica outside the ISR may become leader (losing records): true or false. */
  public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

  private static final Set<String> REPLICATION_KEYS =
      Set.of(MIN_INSYNC_REPLICAS, UNCLEAN_LEADER_ELECTION_ENABLE);

  /**
   * The largest {@code max.message.bytes} a topic may set: 1.5 MiB, so that a batch, or a fetch
   * answer holding one, fits in one Artery frame (2 MiB, actors' reference.conf) with room for the
   * message around it.
   */
  public static final int MAX_BATCH_BYTES = 3 << 19;

  private TopicConfigs() {}

  /**
   * The overrides as they will be stored (values trimmed, booleans in lower case), or the first
   * error, naming the key, the value and what is allowed.
   */
  public static Result validate(Map<String, String> overrides, int replicationFactor) {
    Map<String, String> normalized = new TreeMap<>();
    Map<String, String> logOverrides = new TreeMap<>();
    for (var entry : new TreeMap<>(overrides).entrySet()) {
      String key = entry.getKey();
      String value = entry.getValue();
      if (value == null) {
        return Result.failed("Invalid value null for configuration %s: a value is required", key);
      }
      value = value.trim();
      if (key.equals(MIN_INSYNC_REPLICAS)) {
        Optional<ApiError> error = checkMinInsyncReplicas(value, replicationFactor);
        if (error.isPresent()) {
          return new Result(null, error.get());
        }
      } else if (key.equals(UNCLEAN_LEADER_ELECTION_ENABLE)) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
          return Result.failed(
              "Invalid value %s for configuration %s: must be true or false", value, key);
        }
        value = value.toLowerCase(java.util.Locale.ROOT);
      } else if (LogConfig.names().contains(key)) {
        logOverrides.put(key, value);
      } else {
        return Result.failed(
            "Unknown topic config name: %s (known: %s)", key, String.join(", ", knownNames()));
      }
      normalized.put(key, value);
    }
    LogConfig logConfig;
    try {
      logConfig = LogConfig.from(logOverrides);
    } catch (InvalidConfigException e) {
      return Result.failed("%s", e.getMessage());
    }
    if (logConfig.maxMessageBytes() > MAX_BATCH_BYTES) {
      return Result.failed(
          "Invalid value %d for configuration %s: must be at most %d, so that a batch fits in one"
              + " message between brokers (akka.remote.artery.advanced.maximum-frame-size)",
          logConfig.maxMessageBytes(), LogConfig.MAX_MESSAGE_BYTES, MAX_BATCH_BYTES);
    }
    return new Result(Map.copyOf(normalized), null);
  }

  /** Every config name a topic may set, sorted. */
  public static Set<String> knownNames() {
    Set<String> names = new TreeSet<>(REPLICATION_KEYS);
    names.addAll(LogConfig.names());
    return names;
  }

  /** The topic's min.insync.replicas: its override, else max(1, replicationFactor - 1). */
  public static int minInsyncReplicas(Map<String, String> configs, int replicationFactor) {
    String value = configs.get(MIN_INSYNC_REPLICAS);
    return value != null ? Integer.parseInt(value) : Math.max(1, replicationFactor - 1);
  }

  /** The topic's unclean.leader.election.enable: its override, else false (as Kafka). */
  public static boolean uncleanLeaderElectionEnable(Map<String, String> configs) {
    return Boolean.parseBoolean(configs.getOrDefault(UNCLEAN_LEADER_ELECTION_ENABLE, "false"));
  }

  private static Optional<ApiError> checkMinInsyncReplicas(String value, int replicationFactor) {
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      parsed = 0;
    }
    if (parsed < 1 || parsed > replicationFactor) {
      return Optional.of(
          ApiError.of(
              ErrorCode.INVALID_CONFIG,
              "Invalid value %s for configuration %s: must be an integer from 1 to the"
                  + " replication factor %d",
              value,
              MIN_INSYNC_REPLICAS,
              replicationFactor));
    }
    return Optional.empty();
  }

  /** Exactly one of {@code configs} and {@code error} is non-null. */
  public record Result(Map<String, String> configs, ApiError error) {
    static Result failed(String format, Object... args) {
      return new Result(null, ApiError.of(ErrorCode.INVALID_CONFIG, format, args));
    }
  }
}
