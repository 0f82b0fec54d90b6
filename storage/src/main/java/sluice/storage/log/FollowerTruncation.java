package sluice.storage.log;

import java.util.List;

/**
 * Where a follower truncates its log after a leader change (KIP-101 with KIP-279's rounds), from
 * three facts: the follower's own leader-epoch entries, its log end offset, and the leader's answer
 * to "where does my latest epoch end?" ({@link LeaderEpochCache#endOffsetFor} on the leader, asked
 * with the follower's {@link LeaderEpochCache#latestEpoch()}). Pure: no I/O, no state.
 *
 * <p>The rule, as Kafka's fetcher applies it. The leader answers with epoch {@code L} (the largest
 * it has at or below the one asked) and its end {@code X}. The follower looks up its own end of
 * {@code L}: epoch {@code F} (its largest at or below {@code L}) ending at {@code Y}.
 *
 * <ul>
 *   <li>{@code F == L}: both logs agree up to {@code min(X, Y)}; truncate there ({@link
 *       TruncateTo}). Everything after is the follower's divergent suffix, or data it lacks.
 *   <li>{@code F < L}: the follower never had epoch {@code L}, so its data after {@code Y} was
 *       written by epochs the leader does not know; truncate to {@code Y} and ask again with the
 *       new latest epoch ({@link TruncateAndAskAgain}). One round per such epoch.
 *   <li>The follower has no epoch at or below {@code L}: truncate to {@code X} (Kafka does the
 *       same).
 * </ul>
 *
 * Every offset is capped by the follower's log end offset. The high watermark plays no part:
 * truncating to it would throw away committed records the follower holds beyond it.
 *
 * <p>An undefined answer means the leader has no epoch at or below the asked one: it is behind the
 * follower (a deposed leader still answering, or one that never wrote). No offset can be trusted
 * then ({@link Undecided}); the follower truncates nothing and asks the current leader again. A
 * follower without any epoch entries holds no epoch-stamped data and keeps what it has.
 */
public final class FollowerTruncation {
  private FollowerTruncation() {}

  /** What the follower does with its log. */
  public sealed interface Decision permits TruncateTo, TruncateAndAskAgain, Undecided {}

  /**
   * Truncate to {@code offset} (a no-op when it is the log end offset) and fetch from there: the
   * logs agree below it.
   */
  public record TruncateTo(long offset) implements Decision {}

  /**
   * Truncate to {@code offset}, then ask the leader again with the follower's new latest epoch: the
   * follower's data after {@code offset} belongs to epochs the leader never had.
   */
  public record TruncateAndAskAgain(long offset) implements Decision {}

  /**
   * The leader knows no epoch at or below the one asked: truncate nothing, ask a current leader.
   */
  public record Undecided(String reason) implements Decision {}

  /**
   * Decides where the follower truncates.
   *
   * @param followerEpochs the follower's entries, ascending ({@link LeaderEpochCache#epochs()})
   * @param followerLogEndOffset the follower's log end offset
   * @param leaderAnswer the leader's {@code endOffsetFor(latest epoch of followerEpochs)}
   */
  public static Decision decide(
      List<EpochEntry> followerEpochs, long followerLogEndOffset, EpochEndOffset leaderAnswer) {
    if (followerLogEndOffset < 0) {
      throw new IllegalArgumentException(
          "Follower log end offset " + followerLogEndOffset + " must be 0 or more");
    }
    if (followerEpochs.isEmpty()) {
      return new TruncateTo(followerLogEndOffset);
    }
    if (leaderAnswer.isUndefined()) {
      return new Undecided(
          "the leader has no epoch at or below the follower's latest epoch "
              + followerEpochs.get(followerEpochs.size() - 1).epoch());
    }
    EpochEndOffset own =
        LeaderEpochCache.endOffsetFor(followerEpochs, leaderAnswer.epoch(), followerLogEndOffset);
    if (own.isUndefined()) {
      return new TruncateTo(Math.min(leaderAnswer.endOffset(), followerLogEndOffset));
    }
    if (own.epoch() != leaderAnswer.epoch()) {
      return new TruncateAndAskAgain(Math.min(own.endOffset(), followerLogEndOffset));
    }
    return new TruncateTo(
        Math.min(Math.min(own.endOffset(), leaderAnswer.endOffset()), followerLogEndOffset));
  }
}
