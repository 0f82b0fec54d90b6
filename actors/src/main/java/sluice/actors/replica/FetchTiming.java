package sluice.actors.replica;

import java.time.Duration;

/**
 * How long one {@link PartitionFollower} waits: for the answer to a fetch, and before the next
 * fetch after a failure. A fetch is given up after {@code fetch-max-wait} plus {@code
 * first-fetch-ask-margin} until the leader has answered once, plus {@code fetch-ask-margin} after
 * (a fetch sent into a dead broker's shard region before the shard moved is lost, not answered).
 * The pause after a failure starts at {@code fetch-backoff} and doubles per failure up to {@code
 * fetch-max-backoff}; a good answer resets it.
 *
 * <p>Not thread-safe: owned by one follower. Reads no clock; the follower's timers do the waiting.
 */
final class FetchTiming {
  private final ReplicationSettings settings;
  private Duration backoff;
  private boolean leaderAnswered;

  FetchTiming(ReplicationSettings settings) {
    this.settings = settings;
    this.backoff = settings.fetchBackoff();
  }

  /** How long the next fetch waits for its answer. */
  Duration askTimeout() {
    return settings
        .fetchMaxWait()
        .plus(leaderAnswered ? settings.fetchAskMargin() : settings.firstFetchAskMargin());
  }

  /** The leader answered a fetch (well or not): later silences are waited out longer. */
  void answered() {
    leaderAnswered = true;
  }

  /** A good answer: the next failure waits {@code fetch-backoff} again. */
  void succeeded() {
    backoff = settings.fetchBackoff();
  }

  /** The pause before the next fetch after a failure now; the one after doubles, up to the cap. */
  Duration failed() {
    Duration pause = backoff;
    Duration doubled = backoff.multipliedBy(2);
    backoff =
        doubled.compareTo(settings.fetchMaxBackoff()) > 0 ? settings.fetchMaxBackoff() : doubled;
    return pause;
  }
}
