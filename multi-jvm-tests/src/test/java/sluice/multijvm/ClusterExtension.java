package sluice.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives each test its clusters and cleans up after it: {@code clusters.start(3)}.
 *
 * <ul>
 *   <li>Logs go to {@code target/broker-logs/<TestClass>/<testMethod>/} (emptied when the test
 *       starts), not to a {@code @TempDir}, which JUnit deletes before a {@link TestWatcher} runs.
 *   <li>Data goes to {@code target/broker-data/<TestClass>/<testMethod>/}, deleted after a passing
 *       test and kept after a failing one.
 *   <li>After each test every broker is SIGKILLed; when the test failed, every broker's log is
 *       printed to standard error (surefire keeps it in the test's output file too).
 * </ul>
 *
 * <p>Register it on an instance field: {@code @RegisterExtension final ClusterExtension clusters =
 * new ClusterExtension();}.
 */
public final class ClusterExtension implements BeforeEachCallback, AfterEachCallback, TestWatcher {
  private static final Path LOGS = Path.of("target", "broker-logs");
  private static final Path DATA = Path.of("target", "broker-data");

  private final List<TestCluster> clusters = new ArrayList<>();
  private final List<BrokerProcess> singles = new ArrayList<>();
  private Path logDir;
  private Path dataDir;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    String test = context.getRequiredTestMethod().getName();
    String testClass = context.getRequiredTestClass().getSimpleName();
    logDir = LOGS.resolve(testClass).resolve(test).toAbsolutePath();
    dataDir = DATA.resolve(testClass).resolve(test).toAbsolutePath();
    deleteRecursively(logDir);
    deleteRecursively(dataDir);
    Files.createDirectories(logDir);
    Files.createDirectories(dataDir);
  }

  /** Starts a cluster of {@code size} brokers and waits until all of them know each other. */
  public TestCluster start(int size) throws IOException, InterruptedException {
    return prepare(size).start();
  }

  /** As {@link #start(int)}, every broker also started with {@code overrides} ({@code -Dk=v}). */
  public TestCluster start(int size, String... overrides) throws IOException, InterruptedException {
    return prepare(size, overrides).start();
  }

  /**
   * A cluster of {@code size} brokers on loopback, not started: the test can prepare their data
   * directories (mount a {@link SmallDisk}) and then {@link TestCluster#start()} it.
   */
  public TestCluster prepare(int size, String... overrides) throws IOException {
    var prefix = prefix();
    TestCluster cluster =
        TestCluster.create(
            size, dataDir.resolve(prefix + "data"), logDir.resolve(prefix + "logs"), overrides);
    clusters.add(cluster);
    return cluster;
  }

  /**
   * Starts a cluster of {@code size} brokers, each in a network namespace of its own so the test
   * can partition them ({@link TestCluster#network()}), and waits until all know each other.
   */
  public TestCluster startPartitionable(int size) throws IOException, InterruptedException {
    var prefix = prefix();
    TestCluster cluster =
        TestCluster.createPartitionable(
            size, dataDir.resolve(prefix + "data"), logDir.resolve(prefix + "logs"));
    clusters.add(cluster);
    return cluster.start();
  }

  private String prefix() {
    return clusters.isEmpty() ? "" : "cluster-" + (clusters.size() + 1) + "-";
  }

  /**
   * A single broker, not started, with OS-chosen ports, data in {@code data} under this test's data
   * directory and a log named {@code broker-<n>.log}.
   */
  public BrokerProcess single(String data, String... overrides) {
    var broker =
        new BrokerProcess(
            dataDir.resolve(data),
            logDir.resolve("broker-" + (singles.size() + 1) + ".log"),
            overrides);
    singles.add(broker);
    return broker;
  }

  /** This test's data directory. */
  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    for (TestCluster cluster : clusters) {
      cluster.close();
    }
    for (BrokerProcess broker : singles) {
      if (broker.isAlive()) {
        broker.kill9();
      }
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    System.err.println("==== " + context.getDisplayName() + " failed: " + cause);
    for (TestCluster cluster : clusters) {
      System.err.println(cluster.logs());
    }
    for (BrokerProcess broker : singles) {
      try {
        System.err.println("==== " + broker.logFile() + " ====\n" + broker.log());
      } catch (IOException e) {
        System.err.println("cannot read " + broker.logFile() + ": " + e);
      }
    }
    System.err.println("==== data kept in " + dataDir);
    clear();
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    deleteQuietly();
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    deleteQuietly();
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    clear();
  }

  private void deleteQuietly() {
    try {
      deleteRecursively(dataDir);
    } catch (IOException e) {
      System.err.println("cannot delete " + dataDir + ": " + e);
    }
    clear();
  }

  private void clear() {
    clusters.clear();
    singles.clear();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
