package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

class WantedReplicaTest {
  private static final Map<String, TopicMetadata> TOPICS =
      Map.of(
          "a-b",
          new TopicMetadata(
              "a-b",
              "id-ab",
              false,
              Map.of("retention.ms", "5"),
              List.of(
                  new PartitionAssignment(0, List.of(1, 2), 1, 3, List.of(1, 2), 0),
                  new PartitionAssignment(1, List.of(1, 3), 3, 1, List.of(1, 3), 0))));

  @Test
  void aPartitionListingThisBrokerIsWantedWithItsLeaderEpochAndConfigs() {
    assertThat(WantedReplica.of(TOPICS, "a-b-0", 2))
        .isEqualTo(new WantedReplica("a-b", 0, "id-ab", 1, 3, Map.of("retention.ms", "5")));
    assertThat(WantedReplica.of(TOPICS, "a-b-1", 2)).isNull();
    assertThat(WantedReplica.of(TOPICS, "a-b-7", 2)).isNull();
    assertThat(WantedReplica.of(TOPICS, "c-0", 2)).isNull();
  }

  @Test
  void onlyAnotherLiveLeaderIsFollowed() {
    WantedReplica wanted = WantedReplica.of(TOPICS, "a-b-0", 2);

    assertThat(wanted.followedBy(2)).isTrue();
    assertThat(wanted.followedBy(1)).isFalse();
    assertThat(new WantedReplica("a-b", 0, "id", -1, 3, Map.of()).followedBy(2)).isFalse();
  }
}
