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
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import sluice.bench.storage.TempDirs;

/**
 * A one-node Apache Kafka 4.1 KRaft cluster (broker and controller in one process) running in a
 * child JVM started from this JVM's classpath, which holds the Maven Central artifact {@code
 * kafka_2.13}: {@link #start} writes a {@link KafkaServerConfig} on free loopback ports into a
 * fresh work directory, formats the log directory as {@code kafka-storage.sh format} does (Kafka's
 * own {@code StorageTool}, in this JVM), launches {@code kafka.Kafka server.properties} with its
 * own heap, and waits until an admin client sees the cluster. {@link #close} stops the child
 * (SIGTERM, Kafka's clean shutdown; killed after a grace period) and deletes the work directory.
 * The child's output goes to {@code broker.log} in the work directory and is printed if start-up
 * fails.
 *
 * <p>Not thread-safe: one owner starts and closes it.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final KafkaServerConfig config;
  private final Path workDir;
  private final Process process;

  private KafkaBroker(KafkaServerConfig config, Path workDir, Process process) {
    this.config = config;
    this.workDir = workDir;
    this.process = process;
  }

  /** Starts a broker with a {@code heap} such as {@code "1g"}, waiting at most {@code timeout}. */
  public static KafkaBroker start(String heap, Duration timeout) throws IOException {
    Path workDir = Files.createTempDirectory("sluice-bench-kafka-");
    List<Integer> ports = FreePorts.pick(2);
    KafkaServerConfig config =
        new KafkaServerConfig(1, ports.get(0), ports.get(1), workDir.resolve("kraft-logs"));
    Path properties = config.writeTo(workDir.resolve("server.properties"));
    format(properties);
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.javaExecutable());
    command.add("-Xms" + heap);
    command.add("-Xmx" + heap);
    command.add("-XX:+UseG1GC");
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(ChildJvm.classpath());
    command.add("kafka.Kafka");
    command.add(properties.toString());
    Path log = workDir.resolve("broker.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    KafkaBroker broker = new KafkaBroker(config, workDir, process);
    try {
      broker.awaitReady(timeout);
    } catch (IOException | RuntimeException e) {
      String output = Files.exists(log) ? Files.readString(log) : "(no output)";
      broker.close();
      throw new IOException(
          "Kafka broker did not become ready within " + timeout + "; its output:\n" + output, e);
    }
    return broker;
  }

  /** Formats the log directory with a fresh cluster id, as {@code kafka-storage.sh format}. */
  static void format(Path properties) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit;
    try (PrintStream printStream = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      exit =
          StorageTool.execute(
              new String[] {
                "format",
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--config",
                properties.toString()
              },
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

  private void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("Kafka broker exited with code " + process.exitValue());
      }
      try (Admin admin = admin()) {
        int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
        if (nodes > 0) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the Kafka broker", e);
      }
    }
    throw new IOException("Kafka broker at " + bootstrapServers() + " is not ready", last);
  }

  private Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(props);
  }

  /** Creates {@code topic} with {@code partitions} partitions (replication factor 1). */
  public void createTopic(String topic, int partitions) throws IOException {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(Map.of())))
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
  }

  /** {@code 127.0.0.1:port} of the PLAINTEXT listener. */
  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  /** The configuration the broker runs with. */
  public KafkaServerConfig config() {
    return config;
  }

  /** Stops the child JVM (clean shutdown, then kill) and deletes the work directory. */
  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    TempDirs.deleteRecursively(workDir);
  }
}
