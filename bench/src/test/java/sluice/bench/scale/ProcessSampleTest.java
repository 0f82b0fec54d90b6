package sluice.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessSampleTest {

  @Test
  void cpuTicksAreUtimePlusStimeCountedAfterACommandNameWithSpacesAndParentheses() {
    String stat =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 40 0 99 0 0";

    assertThat(ProcessSample.cpuTicks(stat)).isEqualTo(1234 + 567);
  }

  @Test
  void fieldsAreReadFromTheirLines() {
    String status = "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t  438000 kB\nThreads:\t40\n";
    String io = "rchar: 10\nwchar: 20\nread_bytes: 4096\nwrite_bytes: 90112\n";

    assertThat(ProcessSample.field(status, "VmRSS:")).isEqualTo(438000);
    assertThat(ProcessSample.field(io, "write_bytes:")).isEqualTo(90112);
    assertThatThrownBy(() -> ProcessSample.field(io, "VmRSS:")).hasMessageContaining("no VmRSS:");
  }

  @Test
  void thisJvmCanBeRead() throws Exception {
    ProcessSample self = ProcessSample.read(ProcessHandle.current().pid());

    assertThat(self.rssBytes()).isPositive();
    assertThat(self.openFds()).isPositive();
  }
}
