package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.gateway.MetadataRefresh.NOT_HELD;
import static sluice.actors.gateway.MetadataRefresh.NO_PARTITION;
import static sluice.actors.gateway.MetadataRefresh.Step.REFRESH;
import static sluice.actors.gateway.MetadataRefresh.Step.UNKNOWN_TOPIC;
import static sluice.actors.gateway.MetadataRefresh.Step.USE;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetadataRefreshTest {

  @Test
  void aHeldTopicServesRequestsWithinItsPartitionCount() {
    assertThat(MetadataRefresh.decide(3, NO_PARTITION, false)).isEqualTo(USE);
    assertThat(MetadataRefresh.decide(3, 2, false)).isEqualTo(USE);
  }

  @Test
  void aMissingTopicOrAPartitionBeyondTheCountIsReadAgainOnce() {
    assertThat(MetadataRefresh.decide(NOT_HELD, NO_PARTITION, false)).isEqualTo(REFRESH);
    assertThat(MetadataRefresh.decide(3, 3, false)).isEqualTo(REFRESH);
  }

  @Test
  void afterTheReadWhatIsStillMissingIsRefused() {
    assertThat(MetadataRefresh.decide(NOT_HELD, 0, true)).isEqualTo(UNKNOWN_TOPIC);
    // The topic exists: the reader refuses the partition itself, naming the count.
    assertThat(MetadataRefresh.decide(3, 5, true)).isEqualTo(USE);
  }

  @Test
  void aCopyIsFreshForLessThanItsMaximumAge() {
    Duration maxAge = Duration.ofSeconds(1);
    assertThat(MetadataRefresh.fresh(1_000, 1_999, maxAge)).isTrue();
    assertThat(MetadataRefresh.fresh(1_000, 2_000, maxAge)).isFalse();
    assertThat(MetadataRefresh.fresh(1_000, 1_000, Duration.ZERO)).isFalse();
  }
}
