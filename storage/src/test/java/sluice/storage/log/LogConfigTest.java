package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.storage.record.TimestampType;

class LogConfigTest {
  @Test
  void defaultsAreKafkas() {
    LogConfig config = LogConfig.defaults();
    assertThat(config.segmentBytes()).isEqualTo(1 << 30);
    assertThat(config.segmentMs()).isEqualTo(604_800_000L);
    assertThat(config.segmentIndexBytes()).isEqualTo(10 * 1024 * 1024);
    assertThat(config.indexIntervalBytes()).isEqualTo(4096);
    assertThat(config.retentionMs()).isEqualTo(604_800_000L);
    assertThat(config.retentionBytes()).isEqualTo(-1);
    assertThat(config.cleanupPolicy()).isEqualTo(LogConfig.CleanupPolicy.DELETE);
    assertThat(config.deleteRetentionMs()).isEqualTo(86_400_000L);
    assertThat(config.flushMessages()).isEqualTo(Long.MAX_VALUE);
    assertThat(config.flushMs()).isEqualTo(Long.MAX_VALUE);
    assertThat(config.maxMessageBytes()).isEqualTo(1_048_588);
    assertThat(config.messageTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
    assertThat(config.fileDeleteDelayMs()).isEqualTo(60_000);
  }

  @Test
  void overridesAreParsedByTheirKafkaNames() {
    LogConfig config =
        LogConfig.from(
            Map.of(
                "segment.bytes", "1024",
                "retention.ms", "-1",
                "cleanup.policy", "delete,compact",
                "message.timestamp.type", "LogAppendTime",
                "flush.messages", "1"));
    assertThat(config.segmentBytes()).isEqualTo(1024);
    assertThat(config.retentionMs()).isEqualTo(-1);
    assertThat(config.cleanupPolicy()).isEqualTo(LogConfig.CleanupPolicy.COMPACT_DELETE);
    assertThat(config.cleanupPolicy().compacts()).isTrue();
    assertThat(config.cleanupPolicy().deletes()).isTrue();
    assertThat(config.messageTimestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    assertThat(config.flushMessages()).isEqualTo(1);
    assertThat(config.segmentMs()).isEqualTo(LogConfig.defaults().segmentMs());
  }

  @Test
  void toMapReadsBackToTheSameConfig() {
    LogConfig config =
        LogConfig.from(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "5"));
    assertThat(config.toMap().keySet()).isEqualTo(LogConfig.names());
    assertThat(LogConfig.from(config.toMap())).isEqualTo(config);
    assertThat(LogConfig.names()).hasSize(14);
  }

  @Test
  void anUnknownKeyIsRejectedByName() {
    assertThatThrownBy(() -> LogConfig.from(Map.of("retention.hours", "5")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("retention.hours")
        .hasMessageContaining("unknown")
        .extracting(e -> ((InvalidConfigException) e).key())
        .isEqualTo("retention.hours");
  }

  @Test
  void aValueOutOfRangeIsRejectedWithTheAllowedRange() {
    assertThatThrownBy(() -> LogConfig.from(Map.of("segment.bytes", "10")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("segment.bytes")
        .hasMessageContaining("'10'")
        .hasMessageContaining("at least 61");
    assertThatThrownBy(() -> LogConfig.from(Map.of("retention.ms", "-2")))
        .hasMessageContaining("retention.ms")
        .hasMessageContaining("at least -1");
    assertThatThrownBy(() -> LogConfig.from(Map.of("flush.messages", "0")))
        .hasMessageContaining("flush.messages");
  }

  @Test
  void aValueThatIsNotANumberOrDoesNotFitIsRejected() {
    assertThatThrownBy(() -> LogConfig.from(Map.of("segment.ms", "soon")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("segment.ms")
        .hasMessageContaining("integer");
    assertThatThrownBy(() -> LogConfig.from(Map.of("segment.bytes", "4294967296")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("32-bit");
  }

  @Test
  void enumeratedValuesListWhatIsAllowed() {
    assertThatThrownBy(() -> LogConfig.from(Map.of("cleanup.policy", "archive")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("delete, compact, compact,delete");
    assertThatThrownBy(() -> LogConfig.from(Map.of("message.timestamp.type", "createtime")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("CreateTime, LogAppendTime");
  }
}
