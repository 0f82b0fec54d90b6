package sluice.bench.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the surviving Sluice brokers logged between a kill -9 and the first acknowledgement after
 * it, read from their log files: when the dead broker was marked unreachable, downed and removed,
 * when the controller and shard-coordinator singletons started again elsewhere (if they ran on it),
 * when the controller was ready, and when the partition's new leader started. Each {@link Step} is
 * the first line at or after the kill, in any survivor's log, that matches it. Log lines start with
 * the wall-clock time of day ({@code HH:mm:ss.SSS}, logback's pattern in {@code logback.xml}) in
 * this machine's zone, so a step is placed on the kill's day, or the next when it is earlier than
 * the kill by more than twelve hours (a run across midnight).
 *
 * @param steps each step that was seen, in {@link Step} order, with its time from the kill
 */
public record FailoverTimeline(Map<Step, Seen> steps) {

  /** The steps of a failover, in the order they must happen. */
  public enum Step {
    UNREACHABLE("marked unreachable"),
    DOWNED("downed by the Split Brain Resolver"),
    REMOVED("removed from the cluster"),
    CONTROLLER_SINGLETON("controller singleton started"),
    CONTROLLER_READY("controller ready (epoch claimed)"),
    COORDINATOR_SINGLETON("shard coordinator singleton started"),
    LEADER_STARTED("new partition leader started");

    private final String description;

    Step(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /**
   * @param afterKillMillis milliseconds from the kill to the step's log line
   * @param log the log file it was found in
   */
  public record Seen(long afterKillMillis, Path log) {}

  /**
   * Reads {@code survivorLogs}.
   *
   * @param victimAddress the dead broker's cluster address, {@code akka://sluice@host:port}
   * @param killEpochMillis when it was killed, wall clock
   * @param partition the partition whose leader died, {@code topic-N}
   */
  public static FailoverTimeline read(
      List<Path> survivorLogs, String victimAddress, long killEpochMillis, String partition)
      throws IOException {
    Map<Step, Predicate<String>> rules = new LinkedHashMap<>();
    rules.put(
        Step.UNREACHABLE,
        line -> line.contains("Marking node as UNREACHABLE [Member(" + victimAddress + ","));
    rules.put(
        Step.DOWNED, line -> line.contains("is downing [UniqueAddress(" + victimAddress + ","));
    rules.put(
        Step.REMOVED,
        line -> line.contains("Leader is removing") && line.contains("[" + victimAddress + "]"));
    rules.put(
        Step.CONTROLLER_SINGLETON,
        line ->
            line.contains("Singleton manager starting singleton actor")
                && line.contains("/sluice-controller]"));
    rules.put(Step.CONTROLLER_READY, line -> line.contains("Controller started on broker"));
    rules.put(
        Step.COORDINATOR_SINGLETON,
        line ->
            line.contains("Singleton manager starting singleton actor")
                && line.contains("Coordinator/singleton]"));
    rules.put(
        Step.LEADER_STARTED, line -> line.contains("Partition " + partition + " leads in epoch"));

    ZoneId zone = ZoneId.systemDefault();
    LocalDate killDay = Instant.ofEpochMilli(killEpochMillis).atZone(zone).toLocalDate();
    Map<Step, Seen> found = new LinkedHashMap<>();
    for (Path log : survivorLogs) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        long at = timeOf(line, killDay, killEpochMillis, zone);
        if (at < killEpochMillis) {
          continue;
        }
        for (var rule : rules.entrySet()) {
          Seen earlier = found.get(rule.getKey());
          if ((earlier == null || earlier.afterKillMillis() > at - killEpochMillis)
              && rule.getValue().test(line)) {
            found.put(rule.getKey(), new Seen(at - killEpochMillis, log));
          }
        }
      }
    }
    Map<Step, Seen> ordered = new LinkedHashMap<>();
    for (Step step : Step.values()) {
      if (found.containsKey(step)) {
        ordered.put(step, found.get(step));
      }
    }
    return new FailoverTimeline(ordered);
  }

  /** The line's time as epoch millis, or {@link Long#MIN_VALUE} when it does not start with one. */
  static long timeOf(String line, LocalDate killDay, long killEpochMillis, ZoneId zone) {
    if (line.length() < 12 || line.charAt(2) != ':' || line.charAt(8) != '.') {
      return Long.MIN_VALUE;
    }
    LocalTime time;
    try {
      time = LocalTime.parse(line.substring(0, 12));
    } catch (DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
    long at = time.atDate(killDay).atZone(zone).toInstant().toEpochMilli();
    if (at < killEpochMillis - 12 * 3_600_000L) {
      at = time.atDate(killDay.plusDays(1)).atZone(zone).toInstant().toEpochMilli();
    }
    return at;
  }

  /**
   * One line per step seen, with the time from the kill and from the step before, then the new
   * leader in the metadata and the first acknowledgement (from the stall run, -1 if not seen).
   */
  public String describe(long newLeaderInMetadataMillis, long firstAckMillis) {
    List<Row> rows = new ArrayList<>();
    steps.forEach(
        (step, seen) ->
            rows.add(
                new Row(
                    step.description(),
                    seen.afterKillMillis(),
                    seen.log().getFileName().toString())));
    if (newLeaderInMetadataMillis >= 0) {
      rows.add(new Row("new leader in the metadata", newLeaderInMetadataMillis, "(bench)"));
    }
    if (firstAckMillis >= 0) {
      rows.add(new Row("first acknowledgement after the kill", firstAckMillis, "(bench)"));
    }
    rows.sort(Comparator.comparingLong(Row::atMillis));
    StringBuilder out = new StringBuilder();
    long previous = 0;
    for (Row row : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %7.3f s  (+%6.3f)  %-40s %s%n",
              row.atMillis() / 1e3,
              (row.atMillis() - previous) / 1e3,
              row.what(),
              row.where()));
      previous = row.atMillis();
    }
    return out.toString();
  }

  /** One line of {@link #describe}: what happened, when (from the kill), where it was seen. */
  private record Row(String what, long atMillis, String where) {}
}
