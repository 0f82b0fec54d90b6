package sluice.bench.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import sluice.bench.Args;

class GroupsOptionsTest {

  private static GroupsOptions parse(String... argv) {
    return GroupsBench.options(
        Args.parse(
            argv,
            java.util.List.of(
                "partitions",
                "replication-factor",
                "records",
                "heartbeat-ms",
                "session-ms",
                "keep-data")));
  }

  @Test
  void bothSystemsGetTheSameHeartbeatAndSessionWithKafkasBoundsWidenedToAdmitThem() {
    GroupsOptions options = parse("--heartbeat-ms", "1000", "--session-ms", "10000");

    assertThat(KafkaGroups.brokerOverrides(options))
        .containsEntry("group.consumer.heartbeat.interval.ms", "1000")
        .containsEntry("group.consumer.min.heartbeat.interval.ms", "1000")
        .containsEntry("group.consumer.max.heartbeat.interval.ms", "15000")
        .containsEntry("group.consumer.session.timeout.ms", "10000")
        .containsEntry("group.consumer.min.session.timeout.ms", "10000")
        .containsEntry("group.consumer.max.session.timeout.ms", "60000")
        .containsEntry("offsets.topic.replication.factor", "3");
    assertThat(SluiceGroups.brokerOverrides(options))
        .containsExactly(
            "-Dsluice.group.heartbeat-interval=1000ms",
            "-Dsluice.group.session-timeout=10000ms",
            "-Dsluice.group.offsets-topic-replication-factor=3");
  }

  @Test
  void kafkasDefaultBoundsStayWhenTheSettingsAreWithinThem() {
    GroupsOptions options = parse("--heartbeat-ms", "20000", "--session-ms", "90000");

    assertThat(KafkaGroups.brokerOverrides(options))
        .containsEntry("group.consumer.min.heartbeat.interval.ms", "5000")
        .containsEntry("group.consumer.max.heartbeat.interval.ms", "20000")
        .containsEntry("group.consumer.min.session.timeout.ms", "45000")
        .containsEntry("group.consumer.max.session.timeout.ms", "90000");
  }

  @Test
  void aGroupIsSettledAfterTwoQuietHeartbeatsAndAtLeastTwoSeconds() {
    assertThat(parse("--heartbeat-ms", "1000").quiet()).isEqualTo(Duration.ofSeconds(2));
    assertThat(parse("--heartbeat-ms", "300").quiet()).isEqualTo(Duration.ofSeconds(2));
    assertThat(parse("--heartbeat-ms", "5000").quiet()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void impossibleSettingsAreRefusedNamingThem() {
    assertThatThrownBy(() -> parse("--heartbeat-ms", "50000"))
        .hasMessageContaining("50000 ms")
        .hasMessageContaining("45000 ms");
    assertThatThrownBy(() -> parse("--replication-factor", "4"))
        .hasMessageContaining("--replication-factor");
    assertThatThrownBy(() -> parse("--keep-data", "maybe")).hasMessageContaining("maybe");
  }
}
