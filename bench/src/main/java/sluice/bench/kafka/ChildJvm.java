package sluice.bench.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How this JVM starts another on the same classpath: the {@code java} of this JVM's {@code
 * java.home} and this JVM's {@code java.class.path}. Run from the benchmarks jar, the classpath is
 * that jar; run from Maven (surefire), the module's test classpath. Also how a cluster of such
 * children is stopped and its output shown. Stateless; thread-safe.
 */
public final class ChildJvm {

  private ChildJvm() {}

  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public static String classpath() {
    String cp = System.getProperty("java.class.path");
    if (cp == null || cp.isBlank()) {
      throw new IllegalStateException(
          "java.class.path is empty: run from the benchmarks jar (java -jar"
              + " bench/target/sluice-benchmarks.jar ...) so child JVMs can find Kafka");
    }
    return cp;
  }

  /**
   * Stops {@code processes}: a clean stop (SIGTERM) for all, then each gets {@code grace} before it
   * is killed. An interrupt kills them all at once and keeps the interrupt flag.
   */
  public static void stopAll(List<Process> processes, Duration grace) {
    processes.forEach(Process::destroy);
    try {
      for (Process process : processes) {
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      processes.forEach(Process::destroyForcibly);
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The output files of the nodes of a cluster, node k from {@code logFiles.get(k - 1)}, each under
   * a header {@code ==== <kind> k (file) ====}.
   */
  public static String logs(String kind, List<Path> logFiles) {
    StringBuilder all = new StringBuilder();
    for (int k = 1; k <= logFiles.size(); k++) {
      Path log = logFiles.get(k - 1);
      all.append("==== ").append(kind).append(' ').append(k);
      all.append(" (").append(log).append(") ====\n");
      try {
        all.append(Files.exists(log) ? Files.readString(log) : "(no output)\n");
      } catch (IOException e) {
        all.append("cannot read it: ").append(e).append('\n');
      }
    }
    return all.toString();
  }
}
