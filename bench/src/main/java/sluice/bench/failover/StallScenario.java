package sluice.bench.failover;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * The longest produce stall across a kill -9 of a partition's leader, the same for Kafka and
 * Sluice: a {@link StallProducer} sends continuously (acks=all); after {@code beforeKill} the
 * leader's process is SIGKILLed; once a record sent after the kill is acknowledged (production has
 * resumed: acknowledgements of records already in flight keep arriving for a few milliseconds after
 * the kill and do not count), production goes on for {@code afterResume}; then the producer stops,
 * the {@link StallAnalysis} is computed from every acknowledgement's time, and the partition is
 * read back from a surviving node to check that every acknowledged record is there ({@link
 * DeliveryCheck}). Runs on the caller's thread.
 *
 * @param beforeKill steady production before the kill
 * @param afterResume production after the first acknowledgement of a record sent after the kill
 * @param maxOutage how long to wait for that acknowledgement before giving up
 */
public record StallScenario(Duration beforeKill, Duration afterResume, Duration maxOutage) {

  private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

  /** Finds the partition leader's process, before the kill (a lookup takes time). */
  public interface LeaderLookup {
    Victim find() throws IOException;
  }

  /**
   * The process to kill.
   *
   * @param id its node or broker id
   * @param description what it is, e.g. "node 2 (partition leader)"
   * @param kill9 SIGKILLs it
   * @param leaderProbe the partition's leader as a surviving node describes it, polled after the
   *     kill to tell when the new leader shows in the metadata
   */
  public record Victim(int id, String description, Kill9 kill9, LeaderProbe leaderProbe) {}

  /** SIGKILLs a process and waits until it is gone. */
  public interface Kill9 {
    void run() throws IOException;
  }

  /** The partition's current leader id as the metadata says, -1 for none or when unknown. */
  public interface LeaderProbe {
    int leader();
  }

  /** Reads the partition from its start to its end; returns each record's sequence number. */
  public interface ReadBack {
    long[] sequenceNumbers() throws IOException;
  }

  /**
   * One run's outcome.
   *
   * @param killed what was killed
   * @param newLeader the leader the metadata named after the kill, -1 if none was seen
   * @param newLeaderAfterNanos when it was first seen, from the kill; -1 if never
   * @param analysis the stall
   * @param delivery the read-back check
   * @param sent records sent (retries not counted twice)
   * @param failures failed sends or requests (each retried)
   * @param firstFailure the first failure's message, or null
   */
  public record Result(
      String killed,
      int newLeader,
      long newLeaderAfterNanos,
      StallAnalysis analysis,
      DeliveryCheck delivery,
      long sent,
      long failures,
      String firstFailure) {

    /** A few lines describing the run. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "killed %s; %s; stall (longest gap between acknowledgements after the kill) %.3f s,"
              + " from %.3f s after the kill; longest gap before the kill %.3f s; %d sent,"
              + " %d acknowledged, %d read back, %d lost, %d duplicates, %d failed sends%s",
          killed,
          newLeader < 0
              ? "no new leader seen in the metadata"
              : String.format(
                  Locale.ROOT,
                  "new leader %d in the metadata %.3f s after the kill",
                  newLeader,
                  newLeaderAfterNanos / 1e9),
          analysis.stallSeconds(),
          analysis.stallStartAfterKillSeconds(),
          analysis.baselineSeconds(),
          sent,
          delivery.acknowledged(),
          delivery.readBack(),
          delivery.lost(),
          delivery.duplicates(),
          failures,
          firstFailure == null ? "" : " (first: " + firstFailure + ")");
    }
  }

  public StallScenario {
    if (beforeKill.isNegative()
        || afterResume.isNegative()
        || maxOutage.isZero()
        || maxOutage.isNegative()) {
      throw new IllegalArgumentException(
          "durations must be >= 0 (and maxOutage > 0), got "
              + beforeKill
              + ", "
              + afterResume
              + ", "
              + maxOutage);
    }
  }

  /** Runs the scenario; the producer is stopped whatever happens. */
  public Result run(StallProducer producer, LeaderLookup leaderLookup, ReadBack readBack)
      throws IOException {
    AckTimeline timeline = new AckTimeline();
    producer.start(timeline);
    long sent;
    String killed;
    int newLeader = -1;
    long newLeaderAfterNanos = -1;
    long killNanos;
    try {
      pause(beforeKill);
      if (timeline.count() == 0) {
        throw new IOException(
            "nothing was acknowledged in the "
                + beforeKill
                + " before the kill; first failure: "
                + timeline.firstFailure());
      }
      Victim victim = leaderLookup.find();
      killed = victim.description();
      long firstAfterKill = producer.sent();
      killNanos = System.nanoTime();
      victim.kill9().run();
      System.out.printf(
          Locale.ROOT,
          "  killed %s after %d acknowledgements; waiting for production to resume%n",
          killed,
          timeline.count());
      long deadline = killNanos + maxOutage.toNanos();
      long nextProbe = killNanos;
      while (!timeline.anyAckFrom(firstAfterKill)) {
        if (newLeader < 0 && System.nanoTime() >= nextProbe) {
          int leader = victim.leaderProbe().leader();
          if (leader >= 0 && leader != victim.id()) {
            newLeader = leader;
            newLeaderAfterNanos = System.nanoTime() - killNanos;
            System.out.printf(
                Locale.ROOT,
                "  new leader %d in the metadata %.3f s after the kill%n",
                leader,
                newLeaderAfterNanos / 1e9);
          }
          nextProbe = System.nanoTime() + PROBE_INTERVAL.toNanos();
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "no acknowledgement within "
                  + maxOutage
                  + " of the kill; failures "
                  + timeline.failures()
                  + ", first: "
                  + timeline.firstFailure());
        }
        pause(Duration.ofMillis(20));
      }
      System.out.printf(
          Locale.ROOT,
          "  a record sent after the kill was acknowledged %.3f s after it; producing %s more%n",
          (System.nanoTime() - killNanos) / 1e9,
          afterResume);
      pause(afterResume);
    } finally {
      sent = producer.stop();
    }
    StallAnalysis analysis = StallAnalysis.of(timeline.times(), killNanos);
    DeliveryCheck delivery = DeliveryCheck.of(timeline.acknowledged(), readBack.sequenceNumbers());
    return new Result(
        killed,
        newLeader,
        newLeaderAfterNanos,
        analysis,
        delivery,
        sent,
        timeline.failures(),
        timeline.firstFailure());
  }

  private static void pause(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
