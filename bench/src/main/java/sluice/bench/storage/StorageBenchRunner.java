package sluice.bench.storage;

import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import sluice.bench.report.BenchmarkScore;
import sluice.bench.report.JmhRuns;
import sluice.bench.report.MachineLoad;
import sluice.bench.report.RatioTable;

/**
 * Runs {@link SegmentAppendBenchmark} and {@link SegmentReadBenchmark} in one JMH run and prints,
 * after JMH's own table, the ratio table of {@link StorageComparisons}. Accepts JMH's command-line
 * options ({@code -f 1 -wi 3 -i 5 -w 2s -r 2s}, a benchmark regex, {@code -p maxBytes=16384}, ...);
 * without a regex both classes run.
 */
public final class StorageBenchRunner {

  private StorageBenchRunner() {}

  public static void main(String[] argv) throws RunnerException, CommandLineOptionException {
    String loadBefore = MachineLoad.describe();
    List<BenchmarkScore> scores =
        JmhRuns.run(
            argv,
            List.of(
                SegmentAppendBenchmark.class.getSimpleName(),
                SegmentReadBenchmark.class.getSimpleName()));
    KafkaBatch batch = KafkaBatch.build(42L, 0L);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Storage: one batch = %d records of %d bytes in %d bytes (Kafka v2, uncompressed)%n",
        batch.recordCount(),
        KafkaBatch.VALUE_BYTES,
        batch.sizeInBytes());
    System.out.print(RatioTable.format(StorageComparisons.of(scores, batch.sizeInBytes())));
    System.out.println("at start: " + loadBefore);
    System.out.println("at end:   " + MachineLoad.describe());
  }
}
