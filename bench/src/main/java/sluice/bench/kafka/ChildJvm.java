package sluice.bench.kafka;

import java.nio.file.Path;

/**
 * How this JVM starts another on the same classpath: the {@code java} of this JVM's {@code
 * java.home} and this JVM's {@code java.class.path}. Run from the benchmarks jar, the classpath is
 * that jar; run from Maven (surefire), the module's test classpath. Stateless; thread-safe.
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
}
