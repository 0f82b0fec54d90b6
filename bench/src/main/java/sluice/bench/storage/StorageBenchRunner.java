package sluice.bench.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import sluice.bench.report.MachineLoad;
import sluice.bench.report.RatioTable;

/**
 * Runs {@link SegmentAppendBenchmark} and {@link SegmentReadBenchmark} in one JMH run (through
 * {@link Runner}) and prints, after JMH's own table, the ratio table of {@link StorageComparisons}.
 * Accepts JMH's command-line options ({@code -f 1 -wi 3 -i 5 -w 2s -r 2s}, a benchmark regex,
 * {@code -p maxBytes=16384}, ...); without a regex both classes run.
 */
public final class StorageBenchRunner {

  private StorageBenchRunner() {}

  public static void main(String[] argv) throws RunnerException, CommandLineOptionException {
    CommandLineOptions cli = new CommandLineOptions(argv);
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
    if (cli.getIncludes().isEmpty()) {
      options
          .include(SegmentAppendBenchmark.class.getSimpleName())
          .include(SegmentReadBenchmark.class.getSimpleName());
    }
    String loadBefore = MachineLoad.describe();
    Collection<RunResult> results = new Runner(options.build()).run();
    List<BenchmarkScore> scores = new ArrayList<>();
    for (RunResult r : results) {
      String full = r.getParams().getBenchmark();
      String[] parts = full.split("\\.");
      String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
      Map<String, String> params = new TreeMap<>();
      for (String key : r.getParams().getParamsKeys()) {
        params.put(key, r.getParams().getParam(key));
      }
      scores.add(
          new BenchmarkScore(
              name, params, r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
    }
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
