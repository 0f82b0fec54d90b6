package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

class FetchPurgatoryTest {

  /** What happened to the test's fetches, in order. */
  private final List<String> answers = new ArrayList<>();

  /** The delays the purgatory's timer was started with; "cancel" when it was cancelled. */
  private final List<String> timer = new ArrayList<>();

  private final ManualClock clock = new ManualClock();

  private final FetchPurgatory purgatory =
      new FetchPurgatory(
          clock,
          new DeadlineTimer.Timer() {
            @Override
            public void start(Duration delay) {
              timer.add(delay.toString());
            }

            @Override
            public void cancel() {
              timer.add("cancel");
            }
          });

  /** A consumer-like fetch: it can complete once the high watermark passes {@code offset}. */
  private FetchPurgatory.DelayedFetch belowHighWatermark(String name, long offset) {
    return fetch(name, offset, true);
  }

  /** A follower-like fetch: it can complete once the log end offset passes {@code offset}. */
  private FetchPurgatory.DelayedFetch belowLogEnd(String name, long offset) {
    return fetch(name, offset, false);
  }

  private FetchPurgatory.DelayedFetch fetch(String name, long offset, boolean highWatermark) {
    return new FetchPurgatory.DelayedFetch() {
      @Override
      public boolean canComplete(long hw, long logEnd) {
        return offset < (highWatermark ? hw : logEnd);
      }

      @Override
      public void complete(long hw, long logEnd) {
        answers.add(name + " at hw " + hw + ", log end " + logEnd);
      }

      @Override
      public void abort(ApiError error) {
        answers.add(name + " " + error.code());
      }
    };
  }

  @Test
  void consumerAndFollowerFetchesCompleteEachWhenTheirOwnOffsetMoves() {
    purgatory.park(belowHighWatermark("consumer", 5), 1_000);
    purgatory.park(belowLogEnd("follower", 7), 1_000);

    purgatory.checkAndComplete(5, 8);
    assertThat(answers).containsExactly("follower at hw 5, log end 8");

    purgatory.checkAndComplete(6, 8);
    assertThat(answers)
        .containsExactly("follower at hw 5, log end 8", "consumer at hw 6, log end 8");
    assertThat(purgatory.size()).isZero();
  }

  @Test
  void fetchesThatCanCompleteTogetherAreAnsweredInTheOrderTheyParked() {
    purgatory.park(belowLogEnd("first", 3), 1_000);
    purgatory.park(belowLogEnd("second", 3), 10);
    purgatory.park(belowLogEnd("third", 3), 500);

    purgatory.checkAndComplete(0, 4);

    assertThat(answers)
        .containsExactly(
            "first at hw 0, log end 4", "second at hw 0, log end 4", "third at hw 0, log end 4");
  }

  @Test
  void onlyFetchesWhoseWaitIsOverExpireAndTheTimerIsSetForTheNextDeadline() {
    purgatory.park(belowHighWatermark("long", 5), 500);
    purgatory.park(belowHighWatermark("short", 5), 100);
    assertThat(timer).containsExactly("PT0.5S", "PT0.1S");

    clock.advance(Duration.ofMillis(99));
    purgatory.expire(5, 5);
    assertThat(answers).isEmpty();
    assertThat(timer).last().isEqualTo("PT0.001S");

    clock.advance(Duration.ofMillis(1));
    purgatory.expire(5, 5);
    assertThat(answers).containsExactly("short at hw 5, log end 5");
    assertThat(timer).last().isEqualTo("PT0.4S");

    clock.advance(Duration.ofMillis(400));
    purgatory.expire(5, 6);
    assertThat(answers).containsExactly("short at hw 5, log end 5", "long at hw 5, log end 6");
    assertThat(purgatory.size()).isZero();
  }

  @Test
  void aLaterDeadlineDoesNotPostponeTheRunningTimer() {
    purgatory.park(belowHighWatermark("a", 0), 100);
    purgatory.park(belowHighWatermark("b", 0), 300);
    clock.advance(Duration.ofMillis(50));
    purgatory.park(belowHighWatermark("c", 0), 10);

    assertThat(timer).containsExactly("PT0.1S", "PT0.01S");
  }

  @Test
  void abortingAnswersEveryParkedFetchOnceAndStopsTheTimer() {
    purgatory.park(belowHighWatermark("consumer", 0), 100);
    purgatory.park(belowLogEnd("follower", 0), 100);

    purgatory.abortAll(ApiError.of(ErrorCode.NOT_LEADER_OR_FOLLOWER, "moved"));
    purgatory.checkAndComplete(10, 10);
    clock.advance(Duration.ofSeconds(1));
    purgatory.expire(10, 10);

    assertThat(answers)
        .containsExactly("consumer NOT_LEADER_OR_FOLLOWER", "follower NOT_LEADER_OR_FOLLOWER");
    assertThat(timer).contains("cancel");
  }

  @Test
  void takenFetchesLeaveThePurgatoryUnansweredForTheirOwnerToAnswer() {
    FetchPurgatory.DelayedFetch follower = belowLogEnd("follower", 0);
    purgatory.park(belowHighWatermark("consumer", 0), 100);
    purgatory.park(follower, 100);

    assertThat(purgatory.take(fetch -> fetch == follower)).containsExactly(follower);

    assertThat(answers).isEmpty();
    purgatory.checkAndComplete(1, 1);
    assertThat(answers).containsExactly("consumer at hw 1, log end 1");
  }
}
