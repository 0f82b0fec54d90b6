package sluice.bench.failover;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import sluice.bench.http.RestProxyClient;
import sluice.bench.kafka.ChildJvm;
import sluice.bench.kafka.FreePorts;
import sluice.bench.storage.TempDirs;

/**
 * A Sluice cluster of N brokers, each a child JVM started as {@code ./sluice cluster N} starts
 * them: {@code sluice.server.Main server} on the broker's own class path (the server jar and {@code
 * server/target/classpath.txt}, which {@code ./sluice build} writes, under the Sluice checkout
 * {@code home}), with {@code home/application.conf} if present, the LMDB {@code --add-opens}, and
 * per broker {@code -Dsluice.data-dir}, {@code -Dsluice.broker-id=K}, an HTTP, a cluster, an Akka
 * Management and a Kafka-protocol port (free loopback ports) and every broker's management endpoint
 * in {@code sluice.cluster.contact-points}, so they form one cluster through Cluster Bootstrap.
 * Data and logs live in a temp work directory ({@code node-K/}, {@code node-K.log}) deleted by
 * {@link #close} unless asked to keep it. A broker is ready when its log says {@code HTTP API on};
 * the cluster when every broker lists all N.
 *
 * <p>The bench does not reuse {@code multi-jvm-tests}' {@code BrokerProcess}: that harness is test
 * code (Awaitility, assertion errors) running brokers on the test class path, whereas the bench jar
 * holds Kafka, not the broker; a broker here runs on exactly the class path {@code ./sluice} uses.
 *
 * <p>Not thread-safe: one owner starts, kills and closes it.
 */
public final class SluiceCluster implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final String READY = "HTTP API on";

  private final Path workDir;
  private final boolean keepWorkDir;
  private final List<Integer> httpPorts;
  private final List<Integer> clusterPorts;
  private final List<Process> processes = new ArrayList<>();

  private SluiceCluster(
      Path workDir, boolean keepWorkDir, List<Integer> httpPorts, List<Integer> clusterPorts) {
    this.workDir = workDir;
    this.keepWorkDir = keepWorkDir;
    this.httpPorts = httpPorts;
    this.clusterPorts = clusterPorts;
  }

  /**
   * Starts {@code size} brokers from the Sluice checkout {@code home}, each with a heap such as
   * {@code "1g"} and the further {@code overrides} ({@code -Dkey=value}), waiting at most {@code
   * timeout} until they form one cluster; {@code keepWorkDir} leaves the data and logs in place
   * after {@link #close}.
   */
  public static SluiceCluster start(
      int size,
      Path home,
      String heap,
      List<String> overrides,
      Duration timeout,
      boolean keepWorkDir)
      throws IOException {
    for (String o : overrides) {
      if (!o.startsWith("-D") || !o.contains("=")) {
        throw new IllegalArgumentException("a broker override must look like -Dkey=value: " + o);
      }
    }
    if (size < 1) {
      throw new IllegalArgumentException("a Sluice cluster needs at least 1 broker, not " + size);
    }
    String classpath = serverClasspath(home);
    Path workDir = Files.createTempDirectory("sluice-bench-cluster-");
    List<Integer> ports = FreePorts.pick(4 * size);
    SluiceCluster cluster =
        new SluiceCluster(
            workDir, keepWorkDir, ports.subList(0, size), ports.subList(size, 2 * size));
    try {
      for (int k = 1; k <= size; k++) {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.javaExecutable());
        command.addAll(
            List.of(
                "--add-opens",
                "java.base/java.nio=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "-Xmx" + heap,
                "-cp",
                classpath,
                "sluice.server.Main",
                "server"));
        Path config = home.resolve("application.conf");
        if (Files.exists(config)) {
          command.add("--config");
          command.add(config.toString());
        }
        command.add("-Dsluice.data-dir=" + workDir.resolve("node-" + k));
        command.add("-Dsluice.broker-id=" + k);
        command.add("-Dsluice.http.port=" + ports.get(k - 1));
        command.add("-Dakka.remote.artery.canonical.port=" + ports.get(size + k - 1));
        command.add("-Dakka.management.http.port=" + ports.get(2 * size + k - 1));
        command.add("-Dsluice.kafka.port=" + ports.get(3 * size + k - 1));
        if (size > 1) {
          for (int s = 1; s <= size; s++) {
            command.add(
                "-Dsluice.cluster.contact-points."
                    + (s - 1)
                    + "=127.0.0.1:"
                    + ports.get(2 * size + s - 1));
          }
        }
        command.addAll(overrides);
        cluster.processes.add(
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(cluster.logFile(k).toFile())
                .start());
      }
      cluster.awaitFormed(timeout);
    } catch (IOException | RuntimeException e) {
      String logs = cluster.logs();
      cluster.close();
      throw new IOException(
          "the Sluice cluster did not form within " + timeout + "; the brokers' output:\n" + logs,
          e);
    }
    return cluster;
  }

  /** The server jar and its dependencies, as {@code ./sluice} runs the broker. */
  static String serverClasspath(Path home) throws IOException {
    Path target = home.resolve("server").resolve("target");
    Path dependencies = target.resolve("classpath.txt");
    Path jar = null;
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "sluice-server-*.jar")) {
        for (Path candidate : jars) {
          String name = candidate.getFileName().toString();
          if (!name.endsWith("-sources.jar") && !name.endsWith("-tests.jar")) {
            jar = candidate;
          }
        }
      }
    }
    if (jar == null || !Files.exists(dependencies)) {
      throw new IOException(
          "no broker build under "
              + target.toAbsolutePath()
              + " (sluice-server-*.jar and classpath.txt): run ./sluice build in "
              + home.toAbsolutePath()
              + " first, or give --sluice-home");
    }
    return jar.toAbsolutePath() + ":" + Files.readString(dependencies).trim();
  }

  private void awaitFormed(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int k = 1; k <= processes.size(); k++) {
      while (!Files.readString(logFile(k)).contains(READY)) {
        if (!processes.get(k - 1).isAlive()) {
          throw new IOException(
              "broker " + k + " exited with code " + processes.get(k - 1).exitValue());
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("broker " + k + " is not ready (no '" + READY + "' in its log)");
        }
        pause(Duration.ofMillis(200));
      }
    }
    String clusterId = client(1).clusterId();
    List<Integer> expected = new ArrayList<>();
    for (int k = 1; k <= processes.size(); k++) {
      expected.add(k);
    }
    for (int k = 1; k <= processes.size(); k++) {
      List<Integer> seen = List.of();
      while (!(seen = brokerIdsOrNone(k, clusterId)).equals(expected)) {
        if (System.nanoTime() > deadline) {
          throw new IOException("broker " + k + " lists brokers " + seen + ", not " + expected);
        }
        pause(Duration.ofMillis(200));
      }
    }
  }

  private List<Integer> brokerIdsOrNone(int brokerId, String clusterId) {
    try {
      return client(brokerId).brokerIds(clusterId).stream().sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  static void pause(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The HTTP API of broker {@code brokerId} (1-based). */
  public RestProxyClient client(int brokerId) {
    return new RestProxyClient("http://127.0.0.1:" + httpPorts.get(brokerId - 1));
  }

  /** How many brokers were started (killed ones included). */
  public int size() {
    return processes.size();
  }

  /** The process id of broker {@code brokerId}'s JVM. */
  public long pid(int brokerId) {
    return processes.get(brokerId - 1).pid();
  }

  /** Whether broker {@code brokerId}'s process is still running. */
  public boolean isAlive(int brokerId) {
    return processes.get(brokerId - 1).isAlive();
  }

  /** The loopback port of broker {@code brokerId}'s Artery (cluster) transport. */
  public int clusterPort(int brokerId) {
    return clusterPorts.get(brokerId - 1);
  }

  /** Broker {@code brokerId}'s data directory ({@code sluice.data-dir}). */
  public Path dataDir(int brokerId) {
    return workDir.resolve("node-" + brokerId);
  }

  /** Broker {@code brokerId}'s output (its log). */
  public Path logFile(int brokerId) {
    return workDir.resolve("node-" + brokerId + ".log");
  }

  /** Sends broker {@code brokerId} SIGSTOP (it freezes at once, sockets open) or SIGCONT. */
  public void signal(int brokerId, String signal) throws IOException {
    if (!signal.equals("STOP") && !signal.equals("CONT")) {
      throw new IllegalArgumentException("only STOP and CONT are sent, not " + signal);
    }
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid(brokerId))).start();
    try {
      if (kill.waitFor() != 0) {
        throw new IOException("kill -" + signal + " of broker " + brokerId + " failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted signalling broker " + brokerId, e);
    }
  }

  /**
   * Stops every broker still running as {@link #close} does (SIGTERM to all at once, SIGKILL after
   * {@code STOP_GRACE}) but keeps the work directory; returns, per broker still running before, how
   * long it took to exit after the SIGTERM.
   */
  public Map<Integer, Duration> stopAll() {
    Map<Integer, Duration> took = new TreeMap<>();
    long start = System.nanoTime();
    List<Integer> running = new ArrayList<>();
    for (int k = 1; k <= processes.size(); k++) {
      if (processes.get(k - 1).isAlive()) {
        running.add(k);
        processes.get(k - 1).destroy();
      }
    }
    for (int k : running) {
      Process p = processes.get(k - 1);
      try {
        long remaining = STOP_GRACE.toNanos() - (System.nanoTime() - start);
        if (!p.waitFor(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        processes.forEach(Process::destroyForcibly);
        Thread.currentThread().interrupt();
        return took;
      }
      took.put(k, Duration.ofNanos(System.nanoTime() - start));
    }
    return took;
  }

  /** SIGKILLs broker {@code brokerId} and waits until it is gone. */
  public void kill9(int brokerId) throws IOException {
    Process p = processes.get(brokerId - 1);
    p.destroyForcibly();
    try {
      if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("broker " + brokerId + " (pid " + p.pid() + ") survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted killing broker " + brokerId, e);
    }
  }

  /** Every broker's output so far, each under a header naming it. */
  public String logs() {
    List<Path> files = new ArrayList<>();
    for (int k = 1; k <= processes.size(); k++) {
      files.add(logFile(k));
    }
    return ChildJvm.logs("Sluice broker", files);
  }

  /** Stops every broker still running (SIGTERM, then kill) and deletes the work directory. */
  @Override
  public void close() throws IOException {
    ChildJvm.stopAll(processes, STOP_GRACE);
    if (keepWorkDir) {
      System.out.println("Sluice brokers' data and logs kept in " + workDir);
    } else {
      TempDirs.deleteRecursively(workDir);
    }
  }
}
