package sluice.bench.failover;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import sluice.bench.Args;
import sluice.bench.http.HttpProduceLoad;
import sluice.bench.http.LoadResult;
import sluice.bench.http.PartitionMetadata;
import sluice.bench.http.RestProxyClient;
import sluice.bench.kafka.KafkaCluster;
import sluice.bench.kafka.ProducerPerfResult;
import sluice.bench.kafka.ProducerPerformanceRun;
import sluice.bench.report.MachineLoad;

/**
 * The failover bench: 3 nodes of Apache Kafka 4.1 (KRaft, combined mode) and then 3 Sluice brokers
 * on this machine, each as separate processes on loopback, each with topics of replication factor 3
 * and {@code min.insync.replicas=2}, measured the same way:
 *
 * <ol>
 *   <li><b>throughput</b> at acks=1 and acks=all, {@code --records} records of {@code
 *       --record-size} bytes into one partition: on Kafka its own {@code ProducerPerformance}
 *       (section 2 of docs/benchmarks.md), on Sluice the {@code http} bench's v3 produce ({@code
 *       --connections} connections, {@code --batch} records per request) sent to the partition
 *       leader's broker after a warm-up;
 *   <li><b>stall</b>: a producer with acks=all sends sequence-numbered records to one partition at
 *       {@code --stall-rate} records/s, at most {@code --stall-connections * --stall-batch} in
 *       flight; after {@code --before-kill} seconds the bench SIGKILLs the partition leader's
 *       process, waits for production to resume, goes on for {@code --after-resume} seconds, and
 *       reports the longest gap between consecutive acknowledgements ({@link StallScenario}), then
 *       reads the partition back to check that no acknowledged record was lost. The stall topic has
 *       a partition per node; the one produced to is led by a node that does not run the controller
 *       ({@code --victim leader}, the default) or by the one that does ({@code --victim
 *       controller}: Kafka's active KRaft controller, Sluice's controller singleton), so that the
 *       kill also costs a controller failover. On Sluice the survivors' logs give the failover's
 *       timeline ({@link FailoverTimeline}).
 * </ol>
 *
 * Then prints every Sluice figure beside Kafka's with the ratio ({@link FailoverReport}). Usage:
 * {@code failover [--systems kafka,sluice] [--records 1000000] [--record-size 100] [--connections
 * 8] [--batch 1000] [--warmup-records 100000] [--stall-rate 5000] [--stall-connections 4]
 * [--stall-batch 50] [--before-kill 10] [--after-resume 10] [--max-outage 120] [--victim leader]
 * [--broker-heap 1g] [--sluice-home .] [--sluice-overrides "-Dkey=value ..."] [--keep-data no]}.
 * The Sluice brokers run from {@code ./sluice build}'s output under {@code --sluice-home}, with the
 * overrides on their command line; {@code --keep-data yes} leaves their data and logs in place.
 */
public final class FailoverBench {

  private static final int NODES = 3;
  private static final Map<String, String> TOPIC_CONFIGS = Map.of("min.insync.replicas", "2");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final String STALL_TOPIC = "failover";

  private final Args args;
  private final long records;
  private final int recordSize;
  private final String heap;
  private final StallScenario scenario;
  private final double stallRate;
  private final int stallConnections;
  private final int stallBatch;
  private final boolean controllerVictim;
  private final boolean idempotent;

  private FailoverBench(Args args) {
    this.args = args;
    this.records = args.longValue("records", 1_000_000L);
    this.recordSize = args.intValue("record-size", 100);
    if (recordSize < SequencedValue.MIN_SIZE) {
      throw new IllegalArgumentException(
          "--record-size must be at least " + SequencedValue.MIN_SIZE + ", got " + recordSize);
    }
    this.heap = args.string("broker-heap", "1g");
    this.scenario =
        new StallScenario(
            Duration.ofSeconds(args.longValue("before-kill", 10)),
            Duration.ofSeconds(args.longValue("after-resume", 10)),
            Duration.ofSeconds(args.longValue("max-outage", 120)));
    this.stallRate = args.longValue("stall-rate", 5000);
    this.stallConnections = args.intValue("stall-connections", 4);
    this.stallBatch = args.intValue("stall-batch", 50);
    String victim = args.string("victim", "leader");
    if (!victim.equals("leader") && !victim.equals("controller")) {
      throw new IllegalArgumentException(
          "--victim is leader (any partition leader) or controller (the broker running the"
              + " controller, leading the partition produced to), got '"
              + victim
              + "'");
    }
    this.controllerVictim = victim.equals("controller");
    String idempotence = args.string("idempotent", "yes");
    if (!idempotence.equals("yes") && !idempotence.equals("no")) {
      throw new IllegalArgumentException(
          "--idempotent is yes (Sluice's stall producer resends through the idempotent produce"
              + " opt-in) or no (it resends failed records in new requests), got '"
              + idempotence
              + "'");
    }
    this.idempotent = idempotence.equals("yes");
  }

  /** Whether a partition led by {@code leader} is the one to produce to and kill the leader of. */
  private boolean isVictim(int leader, int controller) {
    return controllerVictim == (leader == controller);
  }

  public static void main(String[] argv) throws IOException {
    Args args =
        Args.parse(
            argv,
            List.of(
                "systems",
                "records",
                "record-size",
                "connections",
                "batch",
                "warmup-records",
                "stall-rate",
                "stall-connections",
                "stall-batch",
                "before-kill",
                "after-resume",
                "max-outage",
                "victim",
                "idempotent",
                "broker-heap",
                "sluice-home",
                "sluice-overrides",
                "keep-data"));
    List<String> systems = List.of(args.string("systems", "kafka,sluice").split(","));
    for (String s : systems) {
      if (!s.equals("kafka") && !s.equals("sluice")) {
        throw new IllegalArgumentException(
            "--systems lists kafka and/or sluice, comma-separated; got '" + s + "'");
      }
    }
    FailoverBench bench = new FailoverBench(args);
    String loadBefore = MachineLoad.describe();
    System.out.println(loadBefore);
    SystemFigures kafka = new SystemFigures("Kafka");
    SystemFigures sluice = new SystemFigures("Sluice");
    if (systems.contains("kafka")) {
      bench.runKafka(kafka);
    }
    if (systems.contains("sluice")) {
      bench.runSluice(sluice);
    }
    System.out.println();
    for (SystemFigures f : List.of(kafka, sluice)) {
      if (f.stall() != null) {
        System.out.println(f.system() + " stall: " + f.stall().describe());
      }
    }
    System.out.println();
    System.out.print(FailoverReport.format(sluice, kafka));
    System.out.println("at start: " + loadBefore);
    System.out.println("at end:   " + MachineLoad.describe());
  }

  private void runKafka(SystemFigures figures) {
    System.out.printf(
        Locale.ROOT, "Starting Apache Kafka 4.1: %d KRaft nodes (broker,controller)...%n", NODES);
    try (KafkaCluster cluster = KafkaCluster.start(NODES, heap, START_TIMEOUT)) {
      System.out.println("Kafka cluster ready at " + cluster.bootstrapServers());
      for (String acks : List.of("1", "all")) {
        try {
          String topic = "perf-acks-" + acks;
          cluster.createTopic(topic, 1, NODES, TOPIC_CONFIGS);
          ProducerPerfResult r =
              new ProducerPerformanceRun(
                      cluster.bootstrapServers(), topic, records, recordSize, acks)
                  .run(Duration.ofMinutes(10));
          System.out.printf(
              Locale.ROOT, "Kafka acks=%s: %,.0f records/s%n", acks, r.recordsPerSecond());
          figures.throughput(acks, r.recordsPerSecond());
        } catch (IOException | RuntimeException e) {
          figures.error("throughput acks=" + acks, e);
        }
      }
      try {
        cluster.createTopic(STALL_TOPIC, NODES, NODES, TOPIC_CONFIGS);
        int partition = kafkaStallPartition(cluster);
        KafkaStallProducer producer =
            new KafkaStallProducer(
                cluster.bootstrapServers(),
                STALL_TOPIC,
                partition,
                recordSize,
                stallRate,
                stallConnections * stallBatch);
        System.out.println("Kafka stall run:");
        figures.stall(
            scenario.run(producer, () -> kafkaLeader(cluster, partition), producer::readBack));
        System.out.println("  " + figures.stall().describe());
      } catch (IOException | RuntimeException e) {
        figures.error("stall", e);
      }
    } catch (IOException | RuntimeException e) {
      figures.error("start", e);
    }
  }

  /** The active controller of Kafka's KRaft quorum, -1 when it cannot be told. */
  private static int kafkaController(KafkaCluster cluster) {
    try (Admin admin = cluster.admin()) {
      return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
    } catch (Exception e) {
      System.out.println("  (cannot tell the active controller: " + e + ")");
      return -1;
    }
  }

  /** The stall topic's partition whose leader is the victim ({@link #isVictim}). */
  private int kafkaStallPartition(KafkaCluster cluster) throws IOException {
    int controller = kafkaController(cluster);
    for (int p = 0; p < NODES; p++) {
      if (isVictim(cluster.leaderOf(STALL_TOPIC, p), controller)) {
        return p;
      }
    }
    throw new IOException(
        "no partition of "
            + STALL_TOPIC
            + " has a leader to kill (--victim "
            + (controllerVictim ? "controller" : "leader")
            + ", active controller: node "
            + controller
            + ")");
  }

  private static StallScenario.Victim kafkaLeader(KafkaCluster cluster, int partition)
      throws IOException {
    int leader = cluster.leaderOf(STALL_TOPIC, partition);
    if (leader < 0) {
      throw new IOException(
          "partition " + STALL_TOPIC + "-" + partition + " has no leader to kill");
    }
    int controller = kafkaController(cluster);
    return new StallScenario.Victim(
        leader,
        "node "
            + leader
            + " (leader of partition "
            + partition
            + (leader == controller
                ? ", also the active controller"
                : "; controller: " + controller)
            + ")",
        () -> cluster.kill9(leader),
        () -> {
          try {
            return cluster.leaderOf(STALL_TOPIC, partition);
          } catch (IOException e) {
            return -1;
          }
        });
  }

  private void runSluice(SystemFigures figures) {
    Path home = Path.of(args.string("sluice-home", "."));
    System.out.printf(Locale.ROOT, "Starting Sluice: %d brokers from %s...%n", NODES, home);
    String keep = args.string("keep-data", "no");
    if (!keep.equals("yes") && !keep.equals("no")) {
      throw new IllegalArgumentException("--keep-data must be yes or no, got '" + keep + "'");
    }
    try (SluiceCluster cluster =
        SluiceCluster.start(
            NODES,
            home,
            heap,
            List.of(args.string("sluice-overrides", "").split("\\s+")).stream()
                .filter(o -> !o.isEmpty())
                .toList(),
            START_TIMEOUT,
            keep.equals("yes"))) {
      RestProxyClient any = cluster.client(1);
      String clusterId = any.clusterId();
      System.out.println("Sluice cluster " + clusterId + " ready");
      long warmup = args.has("warmup-records") ? args.longValue("warmup-records", 1) : 100_000L;
      warmUp(cluster, clusterId, warmup);
      for (String acks : List.of("1", "all")) {
        sluiceThroughput(cluster, clusterId, "perf-acks-" + acks, acks, records, figures);
      }
      try {
        sluiceStall(cluster, clusterId, figures);
      } catch (IOException | RuntimeException e) {
        figures.error("stall", e);
      }
    } catch (IOException | RuntimeException e) {
      figures.error("start", e);
    }
  }

  /**
   * The stall run on Sluice: the victim leads the partition produced to (and, with {@code --victim
   * controller}, also runs the controller); the producer talks to another broker. Prints the
   * survivors' timeline of the failover ({@link FailoverTimeline}).
   */
  private void sluiceStall(SluiceCluster cluster, String clusterId, SystemFigures figures)
      throws IOException {
    RestProxyClient any = cluster.client(1);
    any.createTopic(clusterId, STALL_TOPIC, NODES, NODES, TOPIC_CONFIGS);
    int controller = any.controllerId(clusterId);
    int partition = -1;
    int leader = -1;
    for (int p = 0; p < NODES; p++) {
      int led = awaitSluiceInSync(any, clusterId, STALL_TOPIC, p);
      if (partition < 0 && isVictim(led, controller)) {
        partition = p;
        leader = led;
      }
    }
    if (partition < 0) {
      throw new IOException(
          "no partition of "
              + STALL_TOPIC
              + " has a leader to kill (--victim "
              + (controllerVictim ? "controller" : "leader")
              + ", controller on broker "
              + controller
              + ")");
    }
    int survivor = leader == 1 ? 2 : 1;
    int stallPartition = partition;
    SluiceStallProducer producer =
        new SluiceStallProducer(
            cluster.client(survivor),
            clusterId,
            STALL_TOPIC,
            stallPartition,
            recordSize,
            stallRate,
            stallConnections,
            stallBatch,
            idempotent);
    System.out.println(
        "Sluice stall run ("
            + (idempotent ? "idempotent producers, " : "plain producers, ")
            + "partition "
            + partition
            + ", producing through broker "
            + survivor
            + "):");
    AtomicLong killedAtMillis = new AtomicLong();
    AtomicInteger killedBroker = new AtomicInteger();
    figures.stall(
        scenario.run(
            producer,
            () -> {
              int current = awaitSluiceInSync(any, clusterId, STALL_TOPIC, stallPartition);
              if (current == survivor) {
                throw new IOException(
                    "the leader moved to broker " + survivor + ", the one produced through");
              }
              int controllerNow = any.controllerId(clusterId);
              return new StallScenario.Victim(
                  current,
                  "broker "
                      + current
                      + " (leader of partition "
                      + stallPartition
                      + (current == controllerNow
                          ? ", also the controller's broker"
                          : "; controller on broker " + controllerNow)
                      + ")",
                  () -> {
                    killedBroker.set(current);
                    killedAtMillis.set(System.currentTimeMillis());
                    cluster.kill9(current);
                  },
                  () ->
                      leaderOrNone(
                          cluster.client(survivor), clusterId, STALL_TOPIC, stallPartition));
            },
            producer::readBack));
    System.out.println("  " + figures.stall().describe());
    if (idempotent) {
      System.out.println(
          "  epoch bumps after a 409 (each may write a resend twice): " + producer.epochBumps());
    }
    List<Path> survivors = new ArrayList<>();
    for (int k = 1; k <= NODES; k++) {
      if (k != killedBroker.get()) {
        survivors.add(cluster.logFile(k));
      }
    }
    StallScenario.Result stall = figures.stall();
    FailoverTimeline timeline =
        FailoverTimeline.read(
            survivors,
            "akka://sluice@127.0.0.1:" + cluster.clusterPort(killedBroker.get()),
            killedAtMillis.get(),
            STALL_TOPIC + "-" + stallPartition);
    System.out.print(
        "  failover timeline (from the kill; the survivors' logs):\n"
            + timeline.describe(
                stall.newLeaderAfterNanos() < 0 ? -1 : stall.newLeaderAfterNanos() / 1_000_000,
                (stall.analysis().stallEndNanos() - stall.analysis().killNanos()) / 1_000_000));
  }

  /**
   * Warms every broker's JIT: a topic with one partition per broker (leaders spread evenly) gets
   * {@code records / NODES} records through each broker's HTTP API at acks=1.
   */
  private void warmUp(SluiceCluster cluster, String clusterId, long records) {
    try {
      cluster.client(1).createTopic(clusterId, "warmup", NODES, NODES, TOPIC_CONFIGS);
      for (int p = 0; p < NODES; p++) {
        awaitSluiceInSync(cluster.client(1), clusterId, "warmup", p);
      }
      List<LoadResult> results = new ArrayList<>();
      for (int k = 1; k <= NODES; k++) {
        HttpProduceLoad load =
            new HttpProduceLoad(
                cluster.client(k),
                args.intValue("connections", 8),
                args.intValue("batch", 1000),
                recordSize,
                NODES,
                "1");
        results.add(load.produceBatches(clusterId, "warmup", Math.max(1, records / NODES)));
      }
      System.out.print("warm-up, through each broker:\n" + HttpProduceLoad.table(results));
    } catch (IOException | RuntimeException e) {
      System.out.println("warm-up failed (the figures below may be lower): " + e.getMessage());
    }
  }

  private void sluiceThroughput(
      SluiceCluster cluster,
      String clusterId,
      String topic,
      String acks,
      long count,
      SystemFigures figures) {
    try {
      RestProxyClient any = cluster.client(1);
      any.createTopic(clusterId, topic, 1, NODES, TOPIC_CONFIGS);
      int leader = awaitSluiceInSync(any, clusterId, topic, 0);
      HttpProduceLoad load =
          new HttpProduceLoad(
              cluster.client(leader),
              args.intValue("connections", 8),
              args.intValue("batch", 1000),
              recordSize,
              1,
              acks);
      LoadResult r = load.produceBatches(clusterId, topic, count);
      System.out.print(
          topic + ", leader broker " + leader + ":\n" + HttpProduceLoad.table(List.of(r)));
      if (r.failed() > 0) {
        throw new IOException(
            r.failed() + " records failed at acks=" + acks + ", first: " + r.firstError());
      }
      figures.throughput(acks, r.recordsPerSecond());
    } catch (IOException | RuntimeException e) {
      figures.error("throughput acks=" + acks, e);
    }
  }

  /**
   * Waits (at most 60 s) until the partition's metadata names a leader and all {@link #NODES}
   * replicas are in sync, as Kafka's are when a topic is created; returns the leader's broker id.
   */
  private static int awaitSluiceInSync(
      RestProxyClient client, String clusterId, String topic, int partition) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      PartitionMetadata p = client.partition(clusterId, topic, partition);
      if (p.leaderId() > 0 && p.isr().size() == NODES) {
        return p.leaderId();
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "partition "
                + topic
                + "-"
                + partition
                + " is not led with a full ISR after 60 s: "
                + p);
      }
      SluiceCluster.pause(Duration.ofMillis(200));
    }
  }

  private static int leaderOrNone(
      RestProxyClient client, String clusterId, String topic, int partition) {
    try {
      return client.partition(clusterId, topic, partition).leaderId();
    } catch (IOException e) {
      return -1;
    }
  }
}
