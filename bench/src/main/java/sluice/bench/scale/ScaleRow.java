package sluice.bench.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the scale bench measured for one cluster layout and partition count: a row of the table.
 * Every figure is null until its step has run; a step that failed or ran out of time leaves its
 * figure and every later one null and says why in {@link #notes()}. Mutable while the bench fills
 * it in; not thread-safe.
 */
public final class ScaleRow {

  /** One broker at rest: resident memory, open file descriptors, CPU over the idle window. */
  public record Resources(long rssBytes, int openFds, double idleCpuPercentOfCore) {}

  /**
   * The cost of ISR changes, summed over the bench's windows, each net of its baseline (see {@link
   * WindowDelta}).
   *
   * @param changes ISR changes the controller wrote in the windows (its "ISR of ... is now" lines)
   * @param storedBytes bytes all brokers wrote to storage ({@code write_bytes})
   * @param pairBytes Artery bytes the two brokers that were never paused sent each other: unbiased
   *     by the pause (a paused broker's fetch loops fall silent), one broker's share of the change
   * @param allBytes Artery bytes all brokers sent each other, lowered by the paused broker's
   *     silence
   */
  public record IsrCost(int changes, long storedBytes, long pairBytes, long allBytes) {

    /** The sum of two measurements. */
    public IsrCost plus(IsrCost other) {
      return new IsrCost(
          changes + other.changes,
          storedBytes + other.storedBytes,
          pairBytes + other.pairBytes,
          allBytes + other.allBytes);
    }

    public Long storedPerChange() {
      return changes == 0 ? null : storedBytes / changes;
    }

    public Long pairPerChange() {
      return changes == 0 ? null : pairBytes / changes;
    }

    public Long allPerChange() {
      return changes == 0 ? null : allBytes / changes;
    }
  }

  private final String layout;
  private final int partitions;
  Double createSeconds;
  Double touchP50Millis;
  Double touchP99Millis;
  final Map<Integer, Resources> resources = new TreeMap<>();

  /** The stored size of the topic list ({@code sluice-topic-list}), the largest of the brokers. */
  Long topicListBytes;

  /** The stored size of the largest partition register ({@code sluice-partition-*}). */
  Long partitionRegisterBytes;

  IsrCost isrCost;
  Double electionSeconds;
  Double allLedSeconds;
  Double stopSeconds;
  private final List<String> notes = new ArrayList<>();

  public ScaleRow(String layout, int partitions) {
    this.layout = layout;
    this.partitions = partitions;
  }

  public String layout() {
    return layout;
  }

  public int partitions() {
    return partitions;
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** Adds a line printed under the table, e.g. why the row stopped early. */
  public void note(String note) {
    notes.add(note);
  }
}
