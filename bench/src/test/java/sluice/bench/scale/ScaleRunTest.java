package sluice.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sluice.actors.metadata.MetadataLayout;

class ScaleRunTest {
  @Test
  void aDurableStoreSummaryFoldsThePartitionRegistersIntoOneLine() {
    String prefix = MetadataLayout.PARTITION_PREFIX;
    String summary =
        ScaleRun.summary(
            Map.of(
                "sluice-topic-list",
                231L,
                prefix + "t-0",
                165L,
                prefix + "t-1",
                168L,
                prefix + "t-2",
                166L));

    assertThat(summary)
        .isEqualTo("{sluice-topic-list=231}, 3 partition registers of 165-168 B (499 B in all)");
  }

  @Test
  void withoutRegistersEveryKeyIsListed() {
    assertThat(ScaleRun.summary(Map.of("sluice-topics", 700L, "sluice-cluster-id", 73L)))
        .isEqualTo("{sluice-cluster-id=73, sluice-topics=700}");
  }
}
