package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FetchTimingTest {
  private static final ReplicationSettings SETTINGS =
      new ReplicationSettings(
          2,
          1024,
          Duration.ofMillis(500),
          Duration.ofMillis(100),
          Duration.ofMillis(700),
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          100,
          Duration.ofDays(1));

  @Test
  void aFetchIsWaitedForWithTheFirstMarginUntilTheLeaderHasAnsweredOnce() {
    FetchTiming timing = new FetchTiming(SETTINGS);

    assertThat(timing.askTimeout()).isEqualTo(Duration.ofMillis(1_500));
    timing.failed();
    assertThat(timing.askTimeout()).isEqualTo(Duration.ofMillis(1_500));
    timing.answered();
    assertThat(timing.askTimeout()).isEqualTo(Duration.ofMillis(5_500));
  }

  @Test
  void theBackoffDoublesUpToItsCapAndAGoodAnswerResetsIt() {
    FetchTiming timing = new FetchTiming(SETTINGS);

    assertThat(timing.failed()).isEqualTo(Duration.ofMillis(100));
    assertThat(timing.failed()).isEqualTo(Duration.ofMillis(200));
    assertThat(timing.failed()).isEqualTo(Duration.ofMillis(400));
    assertThat(timing.failed()).isEqualTo(Duration.ofMillis(700));
    assertThat(timing.failed()).isEqualTo(Duration.ofMillis(700));
    timing.answered();
    assertThat(timing.failed())
        .as("an answer alone resets nothing")
        .isEqualTo(Duration.ofMillis(700));
    timing.succeeded();
    assertThat(timing.failed()).isEqualTo(Duration.ofMillis(100));
  }
}
