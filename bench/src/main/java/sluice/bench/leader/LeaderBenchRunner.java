package sluice.bench.leader;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * and the ratio (target &ge; 0.5), and the leader with idempotent producers against plain ones
 * (target &ge; 0.95). Accepts JMH's command-line options.
 */
public final class LeaderBenchRunner {

  /** The ratio of the leader's rate to the storage-only rate the issue asks for. */
  public static final double TARGET = 0.5;

  /** The ratio of the leader's rate with idempotent producers to its rate with plain ones. */
  public static final double IDEMPOTENCE_TARGET = 0.95;

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
   * For each segment size run by both, the plain leader's records/s against the storage-only
   * records/s ({@code recordsPerBatch} records per append), target {@value #TARGET}; then, for each
   * way of sending, the leader with idempotent producers against the same leader with plain ones,
   * target {@value #IDEMPOTENCE_TARGET}.
   */
  static List<Comparison> comparisons(List<BenchmarkScore> scores, int recordsPerBatch) {
    List<Comparison> out = new ArrayList<>();
    List<Comparison> idempotence = new ArrayList<>();
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
      Map<String, String> segment = withoutIdempotence(leader.params());
      String name =
          String.format(
                  Locale.ROOT,
                  "append acks=1, %d producers, %s",
                  PartitionLeaderBenchmark.PRODUCERS,
                  inFlight)
              + StorageComparisons.label(segment);
      if ("true".equals(leader.params().get("idempotent"))) {
        Map<String, String> plain = new TreeMap<>(leader.params());
        plain.put("idempotent", "false");
        find(scores, leader.benchmark(), plain)
            .ifPresent(
                p ->
                    idempotence.add(
                        Comparison.withTarget(
                            name + ", idempotent producers",
                            "PartitionLeader, idempotent",
                            leader.score() * recordsPerBatch,
                            "PartitionLeader, plain",
                            p.score() * recordsPerBatch,
                            "records/s",
                            IDEMPOTENCE_TARGET)));
        continue;
      }
      find(scores, "SegmentAppendBenchmark.sluicePartitionLog", segment)
          .ifPresent(
              s ->
                  out.add(
                      Comparison.withTarget(
                          name,
                          "PartitionLeader (actor + journal)",
                          leader.score() * recordsPerBatch,
                          "PartitionLog.append alone",
                          s.score() * recordsPerBatch,
                          "records/s",
                          TARGET)));
    }
    out.addAll(idempotence);
    return out;
  }

  /** The parameters without {@code idempotent}: those the storage-only benchmark shares. */
  private static Map<String, String> withoutIdempotence(Map<String, String> params) {
    Map<String, String> rest = new TreeMap<>(params);
    rest.remove("idempotent");
    return rest;
  }

  private static Optional<BenchmarkScore> find(
      List<BenchmarkScore> scores, String benchmark, Map<String, String> params) {
    return scores.stream()
        .filter(s -> s.benchmark().equals(benchmark) && s.params().equals(params))
        .findFirst();
  }
}
