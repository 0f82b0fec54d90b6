package sluice.kafka;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * The APIs and versions this listener serves, and so advertises in ApiVersions: only what is
 * implemented. The lowest versions are those Kafka 4.x brokers still accept (KIP-896: clients of
 * Kafka 2.1 and later); the highest stop before versions whose fields Sluice cannot fill yet
 * (Produce v13 names topics by id only). Every version here is covered by the codec contract tests.
 */
public final class SupportedApis {
  private SupportedApis() {}

  /** A version range, both ends included. */
  public record Range(short min, short max) {
    public boolean contains(short version) {
      return version >= min && version <= max;
    }
  }

  private static final Map<ApiKeys, Range> RANGES =
      Map.of(
          ApiKeys.API_VERSIONS, new Range((short) 0, (short) 4),
          ApiKeys.METADATA, new Range((short) 4, (short) 12),
          ApiKeys.INIT_PRODUCER_ID, new Range((short) 0, (short) 5),
          ApiKeys.PRODUCE, new Range((short) 3, (short) 12),
          ApiKeys.FETCH, new Range((short) 4, (short) 18),
          ApiKeys.LIST_OFFSETS, new Range((short) 1, (short) 10),
          ApiKeys.OFFSET_FOR_LEADER_EPOCH, new Range((short) 2, (short) 4));

  /** The versions of {@code key} served, empty if the API is not served at all. */
  public static Optional<Range> range(ApiKeys key) {
    return Optional.ofNullable(RANGES.get(key));
  }

  public static Map<ApiKeys, Range> all() {
    return RANGES;
  }

  /**
   * The ApiVersions answer: {@code error} NONE with the ranges, or UNSUPPORTED_VERSION (with the
   * ranges too, so the client can pick a version it shares, KIP-511) to an ApiVersions request of a
   * version this listener does not know.
   */
  public static ApiVersionsResponseData apiVersions(Errors error) {
    ApiVersionCollection versions = new ApiVersionCollection();
    RANGES.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                versions.add(
                    new ApiVersion()
                        .setApiKey(e.getKey().id)
                        .setMinVersion(e.getValue().min())
                        .setMaxVersion(e.getValue().max())));
    return new ApiVersionsResponseData()
        .setErrorCode(error.code())
        .setApiKeys(versions)
        .setThrottleTimeMs(0);
  }
}
