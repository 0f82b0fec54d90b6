package sluice.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broker run as a real OS process through the same entry point as {@code ./sluice server} ({@link
 * Main}), on loopback with ports chosen by the OS. Its output goes to a log file that {@link
 * #log()} returns, for printing when a test fails.
 */
final class BrokerProcess {
  private static final Pattern READY = Pattern.compile("HTTP API on http://([^:]+):(\\d+)");

  private final Path dataDir;
  private final Path logFile;
  private final List<String> overrides;
  private Process process;
  private int httpPort = -1;

  BrokerProcess(Path dataDir, Path logFile, String... overrides) {
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.overrides = List.of(overrides);
  }

  /** Starts the process; call {@link #awaitReady} before talking to it. */
  BrokerProcess start() throws IOException {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx512m",
            "--add-opens",
            "java.base/java.nio=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "server",
            "-Dsluice.data-dir=" + dataDir,
            "-Dsluice.http.port=0",
            "-Dakka.remote.artery.canonical.port=0"));
    command.addAll(overrides);
    Files.writeString(
        logFile,
        "---- start " + Instant.now() + ": " + String.join(" ", overrides) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    httpPort = -1;
    return this;
  }

  /** Waits until the broker prints where it listens; fails if it exits or the deadline passes. */
  BrokerProcess awaitReady(Duration deadline) throws IOException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      Matcher ready = READY.matcher(lastStart());
      if (ready.find()) {
        httpPort = Integer.parseInt(ready.group(2));
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError("broker exited with status " + process.exitValue());
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("broker not ready within " + deadline);
  }

  /** The output of the latest start only. */
  private String lastStart() throws IOException {
    String all = log();
    return all.substring(all.lastIndexOf("---- start "));
  }

  String baseUrl() {
    if (httpPort < 0) {
      throw new IllegalStateException("the broker is not ready");
    }
    return "http://127.0.0.1:" + httpPort;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("broker did not die after SIGKILL");
    }
  }

  /** SIGTERM, then waits for the exit; returns the exit status. */
  int terminate(Duration deadline) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("broker did not stop within " + deadline + " of SIGTERM");
    }
    return process.exitValue();
  }

  /** Waits for a process that is expected to exit on its own (a refused start). */
  int awaitExit(Duration deadline) throws InterruptedException {
    if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("broker did not exit within " + deadline);
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  String log() throws IOException {
    return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
  }
}
