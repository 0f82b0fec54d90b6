package sluice.multijvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sluice.server.Main;

/**
 * A broker run as a real OS process through the same entry point as {@code ./sluice server} ({@link
 * Main}), with this JVM's class path, on loopback or in a network namespace of its own ({@link
 * NetworkNamespaces}). Ports are given (and kept across restarts) or 0 for the OS to choose. All
 * output of every start goes to one log file, each start opened by a {@code ---- start} line, which
 * {@link #log()} returns for printing when a test fails.
 *
 * <p>Not thread-safe: one test thread drives it. A broker that is paused when the test ends is
 * still killed by {@link #kill9()} (SIGKILL needs no cooperation).
 */
public final class BrokerProcess {
  private static final Pattern READY = Pattern.compile("HTTP API on http://([^:]+):(\\d+)");
  private static final Duration SIGNAL_DEADLINE = Duration.ofSeconds(30);

  /** How long {@link #restart()} waits for the broker to be ready. */
  public static final Duration START_DEADLINE = Duration.ofSeconds(120);

  private final int brokerId;
  private final Path dataDir;
  private final Path logFile;
  private final Address address;
  private final List<String> launcher;
  private final List<String> overrides;
  private Process process;
  private int httpPort = -1;
  private boolean paused;

  /**
   * Where a broker listens: its host (what it binds and is reached at) and ports, 0 for any.
   *
   * @param http the HTTP API's port
   * @param akka the cluster (Artery) port
   * @param management the Akka Management port (cluster formation's contact point)
   */
  public record Address(String host, int http, int akka, int management) {
    static final Address LOOPBACK_ANY_PORT = new Address("127.0.0.1", 0, 0, 0);

    /** This broker's entry in {@code sluice.cluster.contact-points}. */
    public String contactPoint() {
      return host + ":" + management;
    }
  }

  /** A broker whose ports the OS chooses at every start; its id is 1 unless an override says. */
  public BrokerProcess(Path dataDir, Path logFile, String... overrides) {
    this(1, dataDir, logFile, Address.LOOPBACK_ANY_PORT, List.of(), List.of(overrides));
  }

  /**
   * @param brokerId the id the broker is started with ({@code sluice.broker-id})
   * @param address where it listens
   * @param launcher what the java command is run through (a network namespace's {@code ip netns
   *     exec}), or nothing
   * @param overrides further {@code -Dkey=value} arguments
   */
  public BrokerProcess(
      int brokerId,
      Path dataDir,
      Path logFile,
      Address address,
      List<String> launcher,
      List<String> overrides) {
    this.brokerId = brokerId;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.address = address;
    this.launcher = List.copyOf(launcher);
    this.overrides = List.copyOf(overrides);
  }

  /** Starts the process; call {@link #awaitReady} before talking to it. */
  public BrokerProcess start() throws IOException {
    if (isAlive()) {
      throw new IllegalStateException("broker already running, pid " + process.pid());
    }
    var command = new ArrayList<String>(launcher);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx384m",
            "-XX:TieredStopAtLevel=1",
            "--add-opens",
            "java.base/java.nio=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "server",
            "-Dsluice.data-dir=" + dataDir,
            "-Dsluice.broker-id=" + brokerId,
            "-Dsluice.http.host=" + address.host(),
            "-Dsluice.http.port=" + address.http(),
            // A free port of its own: brokers share one host, and no crash test speaks Kafka yet.
            "-Dsluice.kafka.port=0",
            "-Dakka.remote.artery.canonical.hostname=" + address.host(),
            "-Dakka.remote.artery.canonical.port=" + address.akka(),
            "-Dakka.management.http.port=" + address.management()));
    command.addAll(overrides);
    Files.createDirectories(logFile.getParent());
    Files.writeString(
        logFile,
        "---- start " + Instant.now() + ": " + String.join(" ", overrides) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    httpPort = -1;
    paused = false;
    return this;
  }

  /** Waits until the broker prints where it listens; fails if it exits or the deadline passes. */
  public BrokerProcess awaitReady(Duration deadline) throws IOException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      Matcher ready = READY.matcher(lastStart());
      if (ready.find()) {
        httpPort = Integer.parseInt(ready.group(2));
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "broker " + logFile.getFileName() + " exited with status " + process.exitValue());
      }
      // Waits on the process, not a fixed sleep: returns at once if it exits.
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("broker " + logFile.getFileName() + " not ready within " + deadline);
  }

  /** The output of the latest start only. */
  private String lastStart() throws IOException {
    String all = log();
    int start = all.lastIndexOf("---- start ");
    return start < 0 ? "" : all.substring(start);
  }

  /** Kills the broker if it runs (SIGKILL), starts it again on the same ports and data, waits. */
  public BrokerProcess restart() throws IOException, InterruptedException {
    if (isAlive()) {
      kill9();
    }
    return start().awaitReady(START_DEADLINE);
  }

  public int brokerId() {
    return brokerId;
  }

  /** Where the broker listens (ports as configured: 0 where the OS chooses). */
  public Address address() {
    return address;
  }

  /** This broker's HTTP API; the broker must be ready. */
  public BrokerClient http() {
    return new BrokerClient(baseUrl());
  }

  public String baseUrl() {
    if (httpPort < 0) {
      throw new IllegalStateException("the broker " + logFile.getFileName() + " is not ready");
    }
    return "http://" + address.host() + ":" + httpPort;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. Works on a paused broker too. */
  public BrokerProcess kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(SIGNAL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("broker pid " + process.pid() + " did not die after SIGKILL");
    }
    paused = false;
    return this;
  }

  /** SIGSTOP: the JVM freezes, its sockets stay open; peers see it stop answering heartbeats. */
  public BrokerProcess pause() throws IOException, InterruptedException {
    signal("STOP");
    paused = true;
    return this;
  }

  /** SIGCONT after {@link #pause()}. */
  public BrokerProcess resume() throws IOException, InterruptedException {
    signal("CONT");
    paused = false;
    return this;
  }

  private void signal(String name) throws IOException, InterruptedException {
    if (!isAlive()) {
      throw new IllegalStateException("cannot send SIG" + name + ": the broker is not running");
    }
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (!kill.waitFor(SIGNAL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  public boolean isPaused() {
    return paused;
  }

  /** SIGTERM, then waits for the exit; returns the exit status. */
  public int terminate(Duration deadline) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("broker did not stop within " + deadline + " of SIGTERM");
    }
    return process.exitValue();
  }

  /** Waits for a process that is expected to exit on its own (a refused start). */
  public int awaitExit(Duration deadline) throws InterruptedException {
    if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("broker did not exit within " + deadline);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public Path logFile() {
    return logFile;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String log() throws IOException {
    return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
  }
}
