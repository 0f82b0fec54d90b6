package sluice.bench.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One run of Apache Kafka 4.1's own {@code org.apache.kafka.tools.ProducerPerformance} (artifact
 * {@code kafka-tools}) in a child JVM against a broker: {@code --num-records N --record-size S
 * --throughput -1 --producer-props bootstrap.servers=... acks=...}, every other producer setting at
 * Kafka's default ({@code batch.size=16384}, {@code linger.ms=5}, no compression). The child's
 * output is echoed with a prefix and its summary line parsed.
 *
 * @param bootstrapServers the broker to produce to
 * @param topic an existing topic
 * @param records records to send
 * @param recordSize bytes of each record's value (no key)
 * @param acks {@code 0}, {@code 1} or {@code all}
 */
public record ProducerPerformanceRun(
    String bootstrapServers, String topic, long records, int recordSize, String acks) {

  public ProducerPerformanceRun {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    if (records < 1) {
      throw new IllegalArgumentException("records must be >= 1, got " + records);
    }
    if (recordSize < 1) {
      throw new IllegalArgumentException("recordSize must be >= 1, got " + recordSize);
    }
    if (!List.of("0", "1", "all", "-1").contains(acks)) {
      throw new IllegalArgumentException("acks must be one of 0, 1, all, -1; got " + acks);
    }
  }

  /** The child's command line. */
  public List<String> command() {
    return List.of(
        ChildJvm.javaExecutable(),
        "-Xms512m",
        "-Xmx512m",
        "-cp",
        ChildJvm.classpath(),
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic",
        topic,
        "--num-records",
        Long.toString(records),
        "--record-size",
        Integer.toString(recordSize),
        "--throughput",
        "-1",
        "--producer-props",
        "bootstrap.servers=" + bootstrapServers,
        "acks=" + acks);
  }

  /** Runs the tool, waiting at most {@code timeout}, and returns its summary. */
  public ProducerPerfResult run(Duration timeout) throws IOException {
    Process process = new ProcessBuilder(command()).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  System.out.println("  [kafka ProducerPerformance acks=" + acks + "] " + line);
                  synchronized (lines) {
                    lines.add(line);
                  }
                }
              } catch (IOException e) {
                System.out.println("  [kafka ProducerPerformance] output lost: " + e);
              }
            },
            "producer-perf-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("ProducerPerformance did not finish within " + timeout);
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while ProducerPerformance ran", e);
    }
    synchronized (lines) {
      if (process.exitValue() != 0) {
        throw new IOException(
            "ProducerPerformance exited " + process.exitValue() + ":\n" + String.join("\n", lines));
      }
      return ProducerPerfResult.parse(lines)
          .orElseThrow(
              () ->
                  new IOException(
                      "ProducerPerformance printed no summary line:\n" + String.join("\n", lines)));
    }
  }
}
