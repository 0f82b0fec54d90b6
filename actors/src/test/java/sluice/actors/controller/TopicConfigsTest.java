package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ErrorCode;

class TopicConfigsTest {

  private static void assertInvalid(Map<String, String> configs, int rf, String... mentions) {
    var result = TopicConfigs.validate(configs, rf);
    assertThat(result.configs()).isNull();
    assertThat(result.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(result.error().message()).contains(mentions);
  }

  @Test
  void logConfigsAreCheckedByTheStorageRules() {
    assertInvalid(Map.of("retention.ms", "soon"), 1, "retention.ms", "soon");
    assertInvalid(Map.of("cleanup.policy", "shred"), 1, "cleanup.policy", "shred");
    assertInvalid(
        Map.of("message.timestamp.type", "WallClock"), 1, "message.timestamp.type", "WallClock");
    assertInvalid(Map.of("segment.bytes", "1"), 1, "segment.bytes", "'1'");
  }

  @Test
  void validLogAndReplicationConfigsAreKeptTrimmed() {
    var result =
        TopicConfigs.validate(
            Map.of(
                "cleanup.policy", "compact",
                "retention.ms", " 60000 ",
                "min.insync.replicas", "2",
                "unclean.leader.election.enable", "False"),
            3);
    assertThat(result.error()).isNull();
    assertThat(result.configs())
        .containsOnly(
            Map.entry("cleanup.policy", "compact"),
            Map.entry("retention.ms", "60000"),
            Map.entry("min.insync.replicas", "2"),
            Map.entry("unclean.leader.election.enable", "false"));
  }

  @Test
  void maxMessageBytesIsBoundedSoThatABatchCrossesBrokersInOneMessage() {
    assertInvalid(
        Map.of("max.message.bytes", "1572865"), 1, "1572865", "max.message.bytes", "1572864");
    assertThat(TopicConfigs.validate(Map.of("max.message.bytes", "1572864"), 1).error()).isNull();
  }

  @Test
  void minInsyncReplicasMustBeBetweenOneAndTheReplicationFactor() {
    assertInvalid(Map.of("min.insync.replicas", "0"), 3, "min.insync.replicas", "0", "3");
    assertInvalid(Map.of("min.insync.replicas", "4"), 3, "4", "replication factor 3");
    assertThat(TopicConfigs.validate(Map.of("min.insync.replicas", "3"), 3).error()).isNull();
  }

  @Test
  void unknownNamesAreRefusedListingTheKnownOnes() {
    assertInvalid(Map.of("retention.hours", "5"), 1, "retention.hours", "retention.ms");
  }

  @Test
  void defaultsFollowTheReplicationFactor() {
    assertThat(TopicConfigs.minInsyncReplicas(Map.of(), 1)).isEqualTo(1);
    assertThat(TopicConfigs.minInsyncReplicas(Map.of(), 3)).isEqualTo(2);
    assertThat(TopicConfigs.minInsyncReplicas(Map.of("min.insync.replicas", "3"), 3)).isEqualTo(3);
    assertThat(TopicConfigs.uncleanLeaderElectionEnable(Map.of())).isFalse();
  }
}
