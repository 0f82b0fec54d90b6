package sluice.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowDeltaTest {

  @Test
  void theBaselineIsScaledToTheWindowsLengthAndSubtracted() {
    // At rest 1,000 B per 10 s; a 5 s window grew 2,600 B: 500 of it is the rest, 2,100 the event.
    assertThat(WindowDelta.net(2_600, Duration.ofSeconds(5), 1_000, Duration.ofSeconds(10)))
        .isEqualTo(2_100);
    assertThat(WindowDelta.net(400, Duration.ofSeconds(5), 1_000, Duration.ofSeconds(10)))
        .isEqualTo(-100);
  }

  @Test
  void anEmptyBaselineIsRefused() {
    assertThatThrownBy(() -> WindowDelta.net(1, Duration.ofSeconds(1), 1, Duration.ZERO))
        .hasMessageContaining("baseline");
  }
}
