package sluice.bench.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs JMH programmatically ({@link Runner}) with JMH's own command-line options and returns the
 * primary scores, so a runner can print ratios after JMH's table. Stateless; one run at a time.
 */
public final class JmhRuns {

  private JmhRuns() {}

  /**
   * Runs the benchmarks {@code argv} selects (JMH syntax: {@code -f 1 -wi 3 -i 5 -w 2s -r 2s},
   * regexes, {@code -p name=value}); when it names none, the {@code defaultIncludes} regexes.
   */
  public static List<BenchmarkScore> run(String[] argv, List<String> defaultIncludes)
      throws RunnerException, CommandLineOptionException {
    CommandLineOptions cli = new CommandLineOptions(argv);
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
    if (cli.getIncludes().isEmpty()) {
      defaultIncludes.forEach(options::include);
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    List<BenchmarkScore> scores = new ArrayList<>();
    for (RunResult r : results) {
      String[] parts = r.getParams().getBenchmark().split("\\.");
      String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
      Map<String, String> params = new TreeMap<>();
      for (String key : r.getParams().getParamsKeys()) {
        params.put(key, r.getParams().getParam(key));
      }
      scores.add(
          new BenchmarkScore(
              name, params, r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
    }
    return scores;
  }
}
