package sluice.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.bench.failover.FailoverTimeline.Step;

class FailoverTimelineTest {
  private static final String VICTIM = "akka://sluice@127.0.0.1:25521";
  private static final ZoneId ZONE = ZoneId.systemDefault();

  @TempDir Path dir;

  private static long at(LocalDate day, String time) {
    return LocalTime.parse(time).atDate(day).atZone(ZONE).toInstant().toEpochMilli();
  }

  @Test
  void eachStepIsTheFirstMatchingLineAfterTheKillInAnySurvivorsLog() throws Exception {
    LocalDate day = LocalDate.of(2026, 12, 6);
    Path broker1 = dir.resolve("node-1.log");
    Path broker3 = dir.resolve("node-3.log");
    Files.write(
        broker1,
        List.of(
            "10:00:00.500 WARN  akka.cluster.Cluster - Cluster Node [akka://sluice@127.0.0.1:25520]"
                + " - Marking node as UNREACHABLE [Member("
                + VICTIM
                + ", Up)].",
            "10:00:03.000 WARN  akka.cluster.Cluster - Cluster Node [akka://sluice@127.0.0.1:25520]"
                + " - Marking node as UNREACHABLE [Member("
                + VICTIM
                + ", Up)].",
            "10:00:05.100 INFO  akka.cluster.sbr.SplitBrainResolver - SBR is downing"
                + " [UniqueAddress("
                + VICTIM
                + ",123)]",
            "10:00:05.600 INFO  akka.cluster.Cluster - Cluster Node [akka://sluice@127.0.0.1:25520]"
                + " - Leader is removing unreachable node ["
                + VICTIM
                + "]",
            "10:00:05.700 INFO  a.c.s.ClusterSingletonManager - Singleton manager starting singleton"
                + " actor [akka://sluice/system/singletonManagersluice-controller/sluice-controller]",
            "  at a stack trace line with no time",
            "10:00:06.900 INFO  s.a.controller.ControllerStartup - Controller started on broker 1"
                + " with controller epoch 2: cluster x, 3 topics, brokers [1, 3]",
            "10:00:05.800 INFO  a.c.s.ClusterSingletonManager - Singleton manager starting singleton"
                + " actor [akka://sluice/system/sharding/partitionCoordinator/singleton]"));
    Files.write(
        broker3,
        List.of(
            "10:00:02.900 WARN  akka.cluster.Cluster - Cluster Node [akka://sluice@127.0.0.1:25522]"
                + " - Marking node as UNREACHABLE [Member("
                + VICTIM
                + ", Up)].",
            "10:00:07.250 INFO  s.a.partition.EventSourcedLeader - Partition failover-1 leads in"
                + " epoch 1 (partition epoch 2, ISR [1, 3])",
            "10:00:07.300 INFO  s.a.partition.EventSourcedLeader - Partition failover-10 leads in"
                + " epoch 1"));

    FailoverTimeline timeline =
        FailoverTimeline.read(
            List.of(broker1, broker3), VICTIM, at(day, "10:00:01.000"), "failover-1");

    assertThat(timeline.steps().keySet()).containsExactly(Step.values());
    assertThat(timeline.steps().get(Step.UNREACHABLE))
        .as("the earlier line predates the kill")
        .isEqualTo(new FailoverTimeline.Seen(1900, broker3));
    assertThat(timeline.steps().get(Step.DOWNED).afterKillMillis()).isEqualTo(4100);
    assertThat(timeline.steps().get(Step.REMOVED).afterKillMillis()).isEqualTo(4600);
    assertThat(timeline.steps().get(Step.CONTROLLER_SINGLETON).afterKillMillis()).isEqualTo(4700);
    assertThat(timeline.steps().get(Step.CONTROLLER_READY).afterKillMillis()).isEqualTo(5900);
    assertThat(timeline.steps().get(Step.COORDINATOR_SINGLETON).afterKillMillis()).isEqualTo(4800);
    assertThat(timeline.steps().get(Step.LEADER_STARTED))
        .isEqualTo(new FailoverTimeline.Seen(6250, broker3));

    String described = timeline.describe(6800, 7400);
    assertThat(described.lines().toList())
        .hasSize(9)
        .first()
        .asString()
        .contains("1.900 s", "marked unreachable", "node-3.log");
    assertThat(described.lines().toList().get(8))
        .contains("7.400 s", "(+ 0.600)", "first acknowledgement");
  }

  @Test
  void aRunAcrossMidnightPutsLinesOnTheNextDay() {
    LocalDate day = LocalDate.of(2026, 12, 6);
    long kill = at(day, "23:59:59.000");
    assertThat(FailoverTimeline.timeOf("00:00:01.500 INFO x - y", day, kill, ZONE) - kill)
        .isEqualTo(2500);
    assertThat(FailoverTimeline.timeOf("not a log line", day, kill, ZONE))
        .isEqualTo(Long.MIN_VALUE);
  }
}
