package sluice.bench.report;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One line of a ratio table: a measured subject against the anchor it is judged by.
 *
 * <p>Scores are throughputs in the same {@code unit} (higher is better), so {@link #ratio()} is
 * {@code subjectScore / anchorScore}. A comparison without a target (an informational line, such as
 * Kafka's own segment against the raw disk) has an empty {@link #target()}.
 *
 * @param name what is compared, e.g. {@code "append 16 KiB batches"}
 * @param subject the thing measured, e.g. {@code "Sluice PartitionLog.append"}
 * @param subjectScore its throughput
 * @param anchor what it is measured against, e.g. {@code "raw FileChannel.write"}
 * @param anchorScore the anchor's throughput
 * @param unit the throughput unit, e.g. {@code "MB/s"}
 * @param target the ratio the subject must reach, if any
 */
public record Comparison(
    String name,
    String subject,
    double subjectScore,
    String anchor,
    double anchorScore,
    String unit,
    OptionalDouble target) {

  public Comparison {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(anchor, "anchor");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(target, "target");
    if (!(subjectScore >= 0) || !(anchorScore >= 0)) {
      throw new IllegalArgumentException(
          "scores must be non-negative numbers, got subject "
              + subjectScore
              + " and anchor "
              + anchorScore
              + " for "
              + name);
    }
  }

  /** A comparison with a target ratio. */
  public static Comparison withTarget(
      String name,
      String subject,
      double subjectScore,
      String anchor,
      double anchorScore,
      String unit,
      double target) {
    return new Comparison(
        name, subject, subjectScore, anchor, anchorScore, unit, OptionalDouble.of(target));
  }

  /** An informational comparison without a target. */
  public static Comparison informational(
      String name,
      String subject,
      double subjectScore,
      String anchor,
      double anchorScore,
      String unit) {
    return new Comparison(
        name, subject, subjectScore, anchor, anchorScore, unit, OptionalDouble.empty());
  }

  /** {@code subjectScore / anchorScore}; NaN when the anchor scored zero. */
  public double ratio() {
    return anchorScore == 0 ? Double.NaN : subjectScore / anchorScore;
  }

  /** {@code "MET"}, {@code "MISSED"} or {@code "-"} when there is no target. */
  public String verdict() {
    if (target.isEmpty()) {
      return "-";
    }
    double ratio = ratio();
    return !Double.isNaN(ratio) && ratio >= target.getAsDouble() ? "MET" : "MISSED";
  }
}
