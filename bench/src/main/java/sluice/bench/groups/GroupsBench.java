package sluice.bench.groups;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import sluice.bench.Args;
import sluice.bench.report.MachineLoad;

/**
 * The consumer-groups bench (issue 10 section 6): {@link GroupsOptions#BROKERS} Apache Kafka 4.1
 * KRaft nodes and then as many Sluice brokers, each as child processes on loopback with the same
 * group heartbeat interval and session timeout, each measured the same way in three phases on
 * topics of {@code --partitions} partitions:
 *
 * <ol>
 *   <li>rebalance ({@link RebalanceScenario}): 3 members form a group, a 4th joins, one leaves; the
 *       time until every partition is owned by exactly one member and delivering records produced
 *       after the change;
 *   <li>offset commits ({@link CommitScenario}): latency p50/p99 and commits per second of 3
 *       members committing synchronously;
 *   <li>consume ({@link ConsumeScenario}): records per second of a formed 3-member group reading a
 *       preloaded topic, and the records delivered more than once.
 * </ol>
 *
 * Kafka's members are kafka-clients consumers with {@code group.protocol=consumer} (KIP-848),
 * Sluice's are HTTP consumer instances (REST Proxy v2). Then the table ({@link GroupsReport}).
 * Usage: {@code groups [--systems kafka,sluice] [--partitions 12] [--replication-factor 3]
 * [--records 1000000] [--record-size 100] [--stamp-rate 600] [--poll-ms 500] [--poll-max-bytes
 * 1048576] [--commits 2000] [--commit-warmup 200] [--heartbeat-ms 1000] [--session-ms 45000]
 * [--phase-timeout 300] [--broker-heap 1g] [--sluice-home .] [--sluice-overrides "-Dkey=value ..."]
 * [--keep-data no]}.
 */
public final class GroupsBench {

  private static final List<String> OPTIONS =
      List.of(
          "systems",
          "partitions",
          "replication-factor",
          "records",
          "record-size",
          "stamp-rate",
          "poll-ms",
          "poll-max-bytes",
          "commits",
          "commit-warmup",
          "heartbeat-ms",
          "session-ms",
          "phase-timeout",
          "broker-heap",
          "sluice-home",
          "sluice-overrides",
          "keep-data");

  private static final String REBALANCE_TOPIC = "groups-rebalance";
  private static final String COMMIT_TOPIC = "groups-commits";
  private static final String CONSUME_TOPIC = "groups-consume";

  /** Starts one system for the bench. */
  private interface Starter {
    GroupSystem start(GroupsOptions options) throws IOException;
  }

  private GroupsBench() {}

  public static void main(String[] argv) {
    Args args = Args.parse(argv, OPTIONS);
    List<String> systems = List.of(args.string("systems", "kafka,sluice").split(","));
    for (String s : systems) {
      if (!s.equals("kafka") && !s.equals("sluice")) {
        throw new IllegalArgumentException(
            "--systems lists kafka and/or sluice, comma-separated; got '" + s + "'");
      }
    }
    GroupsOptions options = options(args);
    String loadBefore = MachineLoad.describe();
    System.out.println(loadBefore);
    GroupsFigures kafka = new GroupsFigures("Kafka 4.1");
    GroupsFigures sluice = new GroupsFigures("Sluice");
    if (systems.contains("kafka")) {
      run(KafkaGroups::start, options, kafka);
    }
    if (systems.contains("sluice")) {
      run(SluiceGroups::start, options, sluice);
    }
    System.out.println();
    System.out.print(GroupsReport.format(sluice, kafka));
    System.out.println();
    System.out.println("at start: " + loadBefore);
    System.out.println("at end:   " + MachineLoad.describe());
    System.out.println(
        "reproduce: java -jar bench/target/sluice-benchmarks.jar groups " + String.join(" ", argv));
  }

  static GroupsOptions options(Args args) {
    String keep = args.string("keep-data", "no");
    if (!keep.equals("yes") && !keep.equals("no")) {
      throw new IllegalArgumentException("--keep-data must be yes or no, got '" + keep + "'");
    }
    return new GroupsOptions(
        args.intValue("partitions", 12),
        args.intValue("replication-factor", 3),
        args.longValue("records", 1_000_000L),
        args.intValue("record-size", 100),
        args.longValue("stamp-rate", 600),
        Duration.ofMillis(args.longValue("poll-ms", 500)),
        args.intValue("poll-max-bytes", 1024 * 1024),
        args.intValue("commits", 2000),
        args.intValue("commit-warmup", 200),
        Duration.ofMillis(args.longValue("heartbeat-ms", 1000)),
        Duration.ofMillis(args.longValue("session-ms", 45_000)),
        Duration.ofSeconds(args.longValue("phase-timeout", 300)),
        args.string("broker-heap", "1g"),
        Path.of(args.string("sluice-home", ".")),
        List.of(args.string("sluice-overrides", "").split("\\s+")).stream()
            .filter(o -> !o.isEmpty())
            .toList(),
        keep.equals("yes"));
  }

  private static void run(Starter starter, GroupsOptions options, GroupsFigures figures) {
    System.out.println();
    System.out.println("Starting " + figures.system + "...");
    try (GroupSystem system = starter.start(options)) {
      figures.settings = system.settings();
      System.out.println(figures.system + " ready: " + figures.settings);
      for (String topic : List.of(REBALANCE_TOPIC, COMMIT_TOPIC, CONSUME_TOPIC)) {
        system.createTopic(topic);
      }
      try {
        System.out.println(figures.system + ": rebalance phase");
        figures.rebalance =
            new RebalanceScenario(system, options).run(REBALANCE_TOPIC, "groups-rebalance");
      } catch (IOException | RuntimeException e) {
        failed(figures, "rebalance", e);
      }
      try {
        System.out.println(figures.system + ": commit phase");
        figures.commits = new CommitScenario(system, options).run(COMMIT_TOPIC, "groups-commits");
        System.out.printf(
            Locale.ROOT,
            "  %,.0f commits/s, p50 %.2f ms, p99 %.2f ms%n",
            figures.commits.commitsPerSecond(),
            figures.commits.latencies().percentileMillis(50),
            figures.commits.latencies().percentileMillis(99));
      } catch (IOException | RuntimeException e) {
        failed(figures, "commits", e);
      }
      try {
        System.out.println(figures.system + ": consume phase");
        figures.preload = system.preload(CONSUME_TOPIC, options.records(), options.recordSize());
        System.out.println("  preload: " + figures.preload);
        figures.consume =
            new ConsumeScenario(system, options)
                .run(CONSUME_TOPIC, "groups-consume", options.records());
        System.out.printf(
            Locale.ROOT,
            "  %,.0f records/s, %,d duplicates%n",
            figures.consume.recordsPerSecond(),
            figures.consume.duplicates());
      } catch (IOException | RuntimeException e) {
        failed(figures, "consume", e);
      }
    } catch (IOException | RuntimeException e) {
      failed(figures, "set-up", e);
    }
  }

  private static void failed(GroupsFigures figures, String step, Exception e) {
    figures.error(step, e);
    System.out.println("  " + figures.system + " failed at " + step + ": " + e.getMessage());
  }
}
