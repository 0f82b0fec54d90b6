package sluice.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import sluice.actors.api.Acks;

/**
 * The HTTP API's settings, read from {@code sluice.http} ({@code reference.conf} of this module
 * documents every key). Immutable; a bad value fails {@link #fromConfig} with a {@link
 * ConfigException.BadValue} naming the key, the value and what is allowed.
 */
public record HttpSettings(
    String host,
    int port,
    Acks acks,
    Duration requestTimeout,
    long maxRequestSize,
    int defaultMaxMessageBytes,
    Duration metadataMaxAge,
    int consumeMaxBytes,
    int consumeMaxBytesLimit,
    Duration consumeTimeout,
    Duration streamFetchMaxWait,
    Duration streamHeartbeatInterval,
    int produceParallelism,
    int produceBatchMax) {

  /** Reads {@code sluice.http} from a full configuration (the actor system's). */
  public static HttpSettings fromConfig(Config root) {
    Config c = root.getConfig("sluice.http");
    String path = "sluice.http.";
    Acks acks;
    try {
      acks = Acks.parse(c.getString("acks"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(path + "acks", e.getMessage());
    }
    return new HttpSettings(
        c.getString("host"),
        intInRange(c, path, "port", 0, 65535),
        acks,
        positive(c, path, "request-timeout"),
        bytesInRange(c, path, "max-request-size", 1, Integer.MAX_VALUE),
        (int) bytesInRange(c, path, "default-max-message-bytes", 1, Integer.MAX_VALUE),
        nonNegative(c, path, "metadata-max-age"),
        (int) bytesInRange(c, path, "consume.max-bytes", 1, Integer.MAX_VALUE),
        (int) bytesInRange(c, path, "consume.max-bytes-limit", 1, Integer.MAX_VALUE),
        nonNegative(c, path, "consume.timeout"),
        positive(c, path, "stream.fetch-max-wait"),
        positive(c, path, "stream.heartbeat-interval"),
        intInRange(c, path, "stream.produce-parallelism", 1, 1024),
        intInRange(c, path, "stream.produce-batch-max", 1, 1_000_000));
  }

  public HttpSettings {
    if (consumeMaxBytes > consumeMaxBytesLimit) {
      throw new ConfigException.BadValue(
          "sluice.http.consume.max-bytes",
          "must not exceed sluice.http.consume.max-bytes-limit ("
              + consumeMaxBytesLimit
              + "), is "
              + consumeMaxBytes);
    }
    if (consumeTimeout.compareTo(requestTimeout) > 0) {
      throw new ConfigException.BadValue(
          "sluice.http.consume.timeout",
          "must not exceed sluice.http.request-timeout ("
              + requestTimeout
              + "), is "
              + consumeTimeout);
    }
  }

  private static int intInRange(Config c, String path, String key, int min, int max) {
    int value = c.getInt(key);
    if (value < min || value > max) {
      throw new ConfigException.BadValue(
          path + key, "must be between " + min + " and " + max + ", is " + value);
    }
    return value;
  }

  private static long bytesInRange(Config c, String path, String key, long min, long max) {
    long value = c.getBytes(key);
    if (value < min || value > max) {
      throw new ConfigException.BadValue(
          path + key, "must be between " + min + " and " + max + " bytes, is " + value);
    }
    return value;
  }

  private static Duration positive(Config c, String path, String key) {
    Duration value = c.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException.BadValue(path + key, "must be positive, is " + value);
    }
    return value;
  }

  private static Duration nonNegative(Config c, String path, String key) {
    Duration value = c.getDuration(key);
    if (value.isNegative()) {
      throw new ConfigException.BadValue(path + key, "must not be negative, is " + value);
    }
    return value;
  }
}
