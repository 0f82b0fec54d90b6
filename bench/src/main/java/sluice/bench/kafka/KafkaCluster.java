package sluice.bench.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import sluice.bench.storage.TempDirs;

/**
 * An Apache Kafka 4.1 KRaft cluster of N nodes in combined mode (each process broker and
 * controller, a static quorum of all N), each node a child JVM started from this JVM's classpath,
 * which holds the Maven Central artifact {@code kafka_2.13}. {@link #start} writes one {@link
 * KafkaServerConfig} per node on free loopback ports into a fresh work directory, formats every log
 * directory with one cluster id as {@code kafka-storage.sh format} does (Kafka's own {@code
 * StorageTool}, in this JVM), launches {@code kafka.Kafka node-K.properties} per node with its own
 * heap, and waits until an admin client sees all N brokers. {@link #kill9} SIGKILLs one node (the
 * failover scenario); {@link #close} stops the others (SIGTERM, Kafka's clean shutdown; killed
 * after a grace period) and deletes the work directory. Node K's output goes to {@code node-K.log}
 * in the work directory; every node's log is printed if start-up fails.
 *
 * <p>Not thread-safe: one owner starts, kills and closes it.
 */
public final class KafkaCluster implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final List<KafkaServerConfig> configs;
  private final Path workDir;
  private final List<Process> processes;

  private KafkaCluster(List<KafkaServerConfig> configs, Path workDir, List<Process> processes) {
    this.configs = configs;
    this.workDir = workDir;
    this.processes = processes;
  }

  /**
   * Starts {@code nodes} nodes (ids 1..N), each with a {@code heap} such as {@code "1g"}, waiting
   * at most {@code timeout} for all of them.
   */
  public static KafkaCluster start(int nodes, String heap, Duration timeout) throws IOException {
    return start(nodes, heap, timeout, Map.of());
  }

  /**
   * As {@link #start(int, String, Duration)}, every node's {@link KafkaServerConfig} with the
   * server properties {@code overrides} put over it.
   */
  public static KafkaCluster start(
      int nodes, String heap, Duration timeout, Map<String, String> overrides) throws IOException {
    if (nodes < 1) {
      throw new IllegalArgumentException("a Kafka cluster needs at least 1 node, not " + nodes);
    }
    Path workDir = Files.createTempDirectory("sluice-bench-kafka-");
    List<Integer> ports = FreePorts.pick(2 * nodes);
    String voters = "";
    for (int k = 1; k <= nodes; k++) {
      voters += (k > 1 ? "," : "") + KafkaServerConfig.voter(k, ports.get(nodes + k - 1));
    }
    List<KafkaServerConfig> configs = new ArrayList<>();
    String clusterId = Uuid.randomUuid().toString();
    for (int k = 1; k <= nodes; k++) {
      KafkaServerConfig config =
          new KafkaServerConfig(
              k,
              ports.get(k - 1),
              ports.get(nodes + k - 1),
              workDir.resolve("kraft-logs-" + k),
              voters);
      configs.add(config);
      format(config.writeTo(workDir.resolve("node-" + k + ".properties"), overrides), clusterId);
    }
    List<Process> processes = new ArrayList<>();
    KafkaCluster cluster = new KafkaCluster(configs, workDir, processes);
    try {
      for (int k = 1; k <= nodes; k++) {
        processes.add(launch(workDir, k, heap));
      }
      cluster.awaitBrokers(nodes, timeout);
    } catch (IOException | RuntimeException e) {
      String logs = cluster.logs();
      cluster.close();
      throw new IOException(
          "Kafka cluster did not become ready within " + timeout + "; the nodes' output:\n" + logs,
          e);
    }
    return cluster;
  }

  private static Process launch(Path workDir, int nodeId, String heap) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.javaExecutable());
    command.add("-Xms" + heap);
    command.add("-Xmx" + heap);
    command.add("-XX:+UseG1GC");
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(ChildJvm.classpath());
    command.add("kafka.Kafka");
    command.add(workDir.resolve("node-" + nodeId + ".properties").toString());
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve("node-" + nodeId + ".log").toFile())
        .start();
  }

  /** Formats a log directory for {@code clusterId}, as {@code kafka-storage.sh format}. */
  static void format(Path properties, String clusterId) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit;
    try (PrintStream printStream = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      exit =
          StorageTool.execute(
              new String[] {"format", "--cluster-id", clusterId, "--config", properties.toString()},
              printStream);
    }
    if (exit != 0) {
      throw new IOException(
          "kafka-storage format exited "
              + exit
              + " for "
              + properties
              + ": "
              + out.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitBrokers(int count, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      for (int k = 1; k <= processes.size(); k++) {
        Process p = processes.get(k - 1);
        if (!p.isAlive()) {
          throw new IOException("Kafka node " + k + " exited with code " + p.exitValue());
        }
      }
      try (Admin admin = admin()) {
        if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the Kafka cluster", e);
      }
    }
    throw new IOException(
        "the Kafka cluster at " + bootstrapServers() + " does not list " + count + " brokers",
        last);
  }

  /** An admin client of this cluster; the caller closes it. */
  public Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(props);
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions, {@code replicationFactor} replicas
   * and the topic {@code configs} (e.g. {@code min.insync.replicas}), and waits until every
   * partition has a leader.
   */
  public void createTopic(
      String topic, int partitions, int replicationFactor, Map<String, String> configs)
      throws IOException {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(new NewTopic(topic, partitions, (short) replicationFactor).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IOException("cannot create topic " + topic + " on " + bootstrapServers(), e);
      }
    } catch (TimeoutException e) {
      throw new IOException("timed out creating topic " + topic + " on " + bootstrapServers(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted creating topic " + topic, e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int p = 0; p < partitions; p++) {
      while (leaderOf(topic, p) < 0) {
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "partition " + topic + "-" + p + " has no leader 30 s after the topic's creation");
        }
        pause(Duration.ofMillis(200));
      }
    }
  }

  /** The node id leading {@code topic}-{@code partition} as the cluster describes it, or -1. */
  public int leaderOf(String topic, int partition) throws IOException {
    try (Admin admin = admin()) {
      TopicDescription d =
          admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
      TopicPartitionInfo info = d.partitions().get(partition);
      Node leader = info.leader();
      return leader == null || leader.isEmpty() ? -1 : leader.id();
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted describing topic " + topic, e);
    }
  }

  private static void pause(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** SIGKILLs node {@code nodeId} (1-based) and waits until it is gone. */
  public void kill9(int nodeId) throws IOException {
    Process p = processes.get(nodeId - 1);
    p.destroyForcibly();
    try {
      if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("Kafka node " + nodeId + " (pid " + p.pid() + ") survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted killing Kafka node " + nodeId, e);
    }
  }

  /** {@code 127.0.0.1:port,...}: the PLAINTEXT listeners of every node. */
  public String bootstrapServers() {
    return configs.stream()
        .map(KafkaServerConfig::bootstrapServers)
        .collect(Collectors.joining(","));
  }

  /** The configuration of each node, node 1 first. */
  public List<KafkaServerConfig> configs() {
    return List.copyOf(configs);
  }

  /** Every node's output so far, each under a header naming it. */
  public String logs() {
    List<Path> files = new ArrayList<>();
    for (int k = 1; k <= configs.size(); k++) {
      files.add(workDir.resolve("node-" + k + ".log"));
    }
    return ChildJvm.logs("Kafka node", files);
  }

  /** Stops every node still running (clean shutdown, then kill) and deletes the work directory. */
  @Override
  public void close() throws IOException {
    ChildJvm.stopAll(processes, STOP_GRACE);
    TempDirs.deleteRecursively(workDir);
  }
}
