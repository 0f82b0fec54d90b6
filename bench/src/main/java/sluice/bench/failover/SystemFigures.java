package sluice.bench.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What the failover bench measured on one system (Kafka or Sluice); a figure is empty when its step
 * failed, and {@link #errors()} says why. Mutable while the bench fills it in; not thread-safe.
 */
public final class SystemFigures {

  private final String system;
  private OptionalDouble acks1RecordsPerSecond = OptionalDouble.empty();
  private OptionalDouble acksAllRecordsPerSecond = OptionalDouble.empty();
  private StallScenario.Result stall;
  private final List<String> errors = new ArrayList<>();

  public SystemFigures(String system) {
    this.system = system;
  }

  public String system() {
    return system;
  }

  public OptionalDouble acks1RecordsPerSecond() {
    return acks1RecordsPerSecond;
  }

  public OptionalDouble acksAllRecordsPerSecond() {
    return acksAllRecordsPerSecond;
  }

  /** The stall run, or null when it did not complete. */
  public StallScenario.Result stall() {
    return stall;
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }

  /** Records the throughput at {@code acks} ({@code 1} or {@code all}). */
  public void throughput(String acks, double recordsPerSecond) {
    switch (acks) {
      case "1" -> acks1RecordsPerSecond = OptionalDouble.of(recordsPerSecond);
      case "all" -> acksAllRecordsPerSecond = OptionalDouble.of(recordsPerSecond);
      default -> throw new IllegalArgumentException("acks must be 1 or all, got " + acks);
    }
  }

  public void stall(StallScenario.Result result) {
    this.stall = result;
  }

  /** A step that failed: {@code step} and the error, e.g. "stall: no acknowledgement ...". */
  public void error(String step, Exception e) {
    errors.add(step + ": " + e.getMessage());
  }
}
