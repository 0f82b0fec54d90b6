package sluice.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacerTest {

  @Test
  void recordIIsDueISlashRateSecondsAfterTheStart() {
    Pacer pacer = new Pacer(1_000L, 4_000);

    assertThat(pacer.dueNanos(0)).isEqualTo(1_000L);
    assertThat(pacer.dueNanos(4_000)).isEqualTo(1_000L + 1_000_000_000L);
    assertThat(pacer.dueNanos(1)).isEqualTo(1_000L + 250_000L);
  }

  @Test
  void aRateThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> new Pacer(0, 0)).hasMessageContaining("got 0");
  }
}
