package sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MachineLoadTest {

  @Test
  void aLoadAboveTheCoreCountIsFlaggedAndOneBelowIsNot() {
    assertThat(MachineLoad.describe(2, OptionalDouble.of(8.21)))
        .isEqualTo(
            "machine: 2 cores, 1-minute load average 8.21 - LOADED: other processes competed for"
                + " the CPU, ratios are indicative only");
    assertThat(MachineLoad.describe(2, OptionalDouble.of(0.5)))
        .isEqualTo("machine: 2 cores, 1-minute load average 0.50");
    assertThat(MachineLoad.describe(4, OptionalDouble.empty())).contains("unknown");
  }
}
