package sluice.actors.group.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import sluice.actors.group.state.GroupConfig;

class GroupSettingsTest {

  private static GroupSettings read(String hocon) {
    Config config = ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference());
    return GroupSettings.fromConfig(config.resolve());
  }

  @Test
  void defaultsAreKafkasAndTheReplicationFactorFollowsTheConfiguredBrokers() {
    GroupSettings alone = read("");
    assertThat(alone.offsetsTopicPartitions()).isEqualTo(50);
    assertThat(alone.offsetsTopicReplicationFactor()).isEqualTo(1);
    assertThat(alone.groupConfig()).isEqualTo(GroupConfig.defaults());
    assertThat(alone.expireInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(alone.coordinatorAttemptTimeout())
        .isEqualTo(Duration.ofSeconds(8))
        .isGreaterThan(alone.commitTimeout());
    assertThat(alone.groupConfig().consumerInstanceTimeoutMs())
        .as("the REST Proxy's consumer.instance.timeout.ms")
        .isEqualTo(Duration.ofMinutes(5).toMillis());
    assertThat(read("sluice.group.consumer-instance-timeout = 90s").groupConfig())
        .extracting(GroupConfig::consumerInstanceTimeoutMs)
        .isEqualTo(90_000L);

    String two = "sluice.cluster.contact-points = [\"a:1\", \"b:1\"]";
    assertThat(read(two).offsetsTopicReplicationFactor()).isEqualTo(2);
    String five = "sluice.cluster.contact-points = [\"a:1\", \"b:1\", \"c:1\", \"d:1\", \"e:1\"]";
    assertThat(read(five).offsetsTopicReplicationFactor()).isEqualTo(3);
    assertThat(read(five + "\nsluice.group.offsets-topic-replication-factor = 5"))
        .extracting(GroupSettings::offsetsTopicReplicationFactor)
        .isEqualTo(5);
  }

  @Test
  void theOffsetsTopicIsCompactedWithTheConfiguredShape() {
    var create = read("sluice.group.offsets-topic-num-partitions = 7").offsetsTopic(null);
    assertThat(create.name()).isEqualTo("__consumer_offsets");
    assertThat(create.partitions()).isEqualTo(7);
    assertThat(create.replicationFactor()).isEqualTo(1);
    assertThat(create.configs())
        .containsExactlyEntriesOf(java.util.Map.of("cleanup.policy", "compact"));
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> read("sluice.group.offsets-topic-num-partitions = 0"))
        .hasMessageContaining("sluice.group.offsets-topic-num-partitions must be positive, not 0");
    assertThatThrownBy(() -> read("sluice.group.offsets-topic-replication-factor = many"))
        .hasMessageContaining("offsets-topic-replication-factor must be a number or auto");
    assertThatThrownBy(() -> read("sluice.group.heartbeat-interval = 45s"))
        .hasMessageContaining("heartbeat-interval (45000 ms) must be shorter than")
        .hasMessageContaining("session-timeout (45000 ms)");
    assertThatThrownBy(() -> read("sluice.group.default-assignor = sticky"))
        .hasMessageContaining("sluice.group.default-assignor")
        .hasMessageContaining("range, uniform");
    assertThatThrownBy(() -> read("sluice.group.offset-metadata-max-bytes = -1"))
        .hasMessageContaining("offset-metadata-max-bytes");
    assertThatThrownBy(() -> read("sluice.group.coordinator-attempt-timeout = 5s"))
        .hasMessageContaining("coordinator-attempt-timeout (5000 ms) must be longer than")
        .hasMessageContaining("offsets-commit-timeout (5000 ms)");
    assertThatThrownBy(() -> read("sluice.group.consumer-instance-timeout = 0s"))
        .hasMessageContaining("sluice.group.consumer-instance-timeout must be positive");
    assertThatThrownBy(() -> read("sluice.group.session-timeout = soon"))
        .hasMessageContaining("Bad consumer group configuration")
        .hasMessageContaining("session-timeout");
  }
}
