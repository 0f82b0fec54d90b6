package sluice.actors.consumer;

import java.util.ArrayList;
import java.util.List;
import sluice.actors.api.ConsumedRecord;

/**
 * One {@code GET records} in progress at a live instance: its deadline, the records gathered, and
 * the round of fetches in flight. A round first asks every partition without waiting; if that finds
 * too little, the next round waits at the leaders until the deadline. The poll is answered once it
 * has at least one record and {@code fetch.min.bytes} (keys and values): after every fetch of a
 * round that does not wait has answered (they answer at once, so a poll returns what each of its
 * partitions had, as a Kafka consumer's does), or as soon as a fetch of a waiting round brings
 * them; else at the deadline. Answers of an earlier round are ignored. Not thread-safe.
 */
final class PollRun {
  private final InstanceCommand.Poll poll;
  private final long deadline;
  private final int minBytes;
  private final int maxBytes;
  private final List<ConsumedRecord> records = new ArrayList<>();
  private long bytes;
  private long round = -1;
  private int rounds;
  private int outstanding;
  private boolean roundWaits;
  private boolean roundFound;

  PollRun(InstanceCommand.Poll poll, long deadline, int minBytes, int maxBytes) {
    this.poll = poll;
    this.deadline = deadline;
    this.minBytes = minBytes;
    this.maxBytes = maxBytes;
  }

  InstanceCommand.Poll poll() {
    return poll;
  }

  long deadline() {
    return deadline;
  }

  int maxBytes() {
    return maxBytes;
  }

  /**
   * Starts round {@code id} of {@code fetches} fetches, which wait at the leaders if {@code waits}.
   */
  void fetching(long id, int fetches, boolean waits) {
    round = id;
    rounds++;
    outstanding = fetches;
    roundWaits = waits;
    roundFound = false;
  }

  /**
   * Whether another round should follow the one just over: not after a waiting round that found
   * nothing (the leaders answered early, with errors: the poll waits for its deadline instead).
   */
  boolean worthAnotherRound() {
    return roundFound || rounds <= 1;
  }

  /** Whether the next round waits at the leaders: every round after the first. */
  boolean nextRoundWaits() {
    return rounds > 0;
  }

  /** Whether no round is in flight (the poll waits for positions to be looked up). */
  boolean idle() {
    return outstanding == 0;
  }

  boolean isRound(long id) {
    return id == round && outstanding > 0;
  }

  /** One fetch of the round answered with {@code fetched}. */
  void answered(List<ConsumedRecord> fetched) {
    outstanding--;
    roundFound |= !fetched.isEmpty();
    for (ConsumedRecord r : fetched) {
      records.add(r);
      bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
    }
  }

  /**
   * Whether to answer now: records of at least {@code fetch.min.bytes} once the round that does not
   * wait is over (or at once in a waiting round, or past the deadline); else at the deadline once
   * no fetch is in flight.
   */
  boolean done(long now) {
    boolean enough = !records.isEmpty() && bytes >= minBytes;
    if (enough && (outstanding == 0 || roundWaits || now >= deadline)) {
      return true;
    }
    return now >= deadline && outstanding == 0;
  }

  List<ConsumedRecord> records() {
    return records;
  }
}
