package sluice.bench.leader;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import sluice.bench.report.BenchmarkScore;
import sluice.bench.report.Comparison;
import sluice.bench.report.JmhRuns;
import sluice.bench.report.MachineLoad;
import sluice.bench.report.RatioTable;
import sluice.bench.storage.KafkaBatch;
import sluice.bench.storage.SegmentAppendBenchmark;
import sluice.bench.storage.StorageComparisons;

/**
 * Runs {@link PartitionLeaderBenchmark} and, in the same JMH run, the storage-only append it is
 * judged against ({@code SegmentAppendBenchmark.sluicePartitionLog}), then prints records/s of both
 * and the ratio (target &ge; 0.5). Accepts JMH's command-line options.
 */
public final class LeaderBenchRunner {

  /** The ratio of the leader's rate to the storage-only rate the issue asks for. */
  public static final double TARGET = 0.5;

  private LeaderBenchRunner() {}

  public static void main(String[] argv) throws RunnerException, CommandLineOptionException {
    String loadBefore = MachineLoad.describe();
    List<BenchmarkScore> scores =
        JmhRuns.run(
            argv,
            List.of(
                PartitionLeaderBenchmark.class.getSimpleName(),
                SegmentAppendBenchmark.class.getSimpleName() + ".sluicePartitionLog"));
    KafkaBatch batch = KafkaBatch.build(42L, 0L);
    System.out.println();
    System.out.print(RatioTable.format(comparisons(scores, batch.recordCount())));
    System.out.println("at start: " + loadBefore);
    System.out.println("at end:   " + MachineLoad.describe());
  }

  /**
   * For each segment size run by both, the leader's records/s against the storage-only records/s
   * ({@code recordsPerBatch} records per append).
   */
  static List<Comparison> comparisons(List<BenchmarkScore> scores, int recordsPerBatch) {
    List<Comparison> out = new ArrayList<>();
    for (BenchmarkScore leader : scores) {
      String inFlight =
          switch (leader.benchmark()) {
            case "PartitionLeaderBenchmark.appendAcks1" -> "1 in flight each";
            case "PartitionLeaderBenchmark.appendAcks1Pipelined" ->
                PartitionLeaderBenchmark.KAFKA_MAX_IN_FLIGHT + " in flight each";
            default -> null;
          };
      if (inFlight == null) {
        continue;
      }
      Optional<BenchmarkScore> storage =
          find(scores, "SegmentAppendBenchmark.sluicePartitionLog", leader.params());
      storage.ifPresent(
          s ->
              out.add(
                  Comparison.withTarget(
                      String.format(
                              Locale.ROOT,
                              "append acks=1, %d producers, %s",
                              PartitionLeaderBenchmark.PRODUCERS,
                              inFlight)
                          + StorageComparisons.label(leader.params()),
                      "PartitionLeader (actor + journal)",
                      leader.score() * recordsPerBatch,
                      "PartitionLog.append alone",
                      s.score() * recordsPerBatch,
                      "records/s",
                      TARGET)));
    }
    return out;
  }

  private static Optional<BenchmarkScore> find(
      List<BenchmarkScore> scores, String benchmark, Map<String, String> params) {
    return scores.stream()
        .filter(s -> s.benchmark().equals(benchmark) && s.params().equals(params))
        .findFirst();
  }
}
