package sluice.actors.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.testing.ManualClock;

/** Retries on a manual clock: every backoff and deadline is exact, nothing waits. */
class LeaderRetryTest {
  private static final long START = 1_000_000L;
  private final ManualClock clock = new ManualClock(START);
  private final LeaderRetry retry =
      new LeaderRetry(Duration.ofMillis(1), Duration.ofMillis(4), clock, clock.pauses());

  private static ApiError error(ErrorCode code) {
    return new ApiError(code, code.name());
  }

  private ApiError run(List<Object> answers, long deadlineMs, AtomicInteger calls)
      throws Exception {
    var queue = new ArrayDeque<>(answers);
    return retry
        .<ApiError>call(
            () -> {
              calls.incrementAndGet();
              Object next = queue.size() > 1 ? queue.poll() : queue.peek();
              return next instanceof Throwable t
                  ? CompletableFuture.failedFuture(t)
                  : CompletableFuture.completedFuture((ApiError) next);
            },
            answer -> answer,
            failure -> failure,
            "Partition t-0",
            clock.millis() + deadlineMs)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void leadershipErrorsAreRetriedUntilAFinalAnswer() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ApiError answer =
        run(
            java.util.Arrays.asList(
                error(ErrorCode.NOT_LEADER_OR_FOLLOWER),
                error(ErrorCode.LEADER_NOT_AVAILABLE),
                error(ErrorCode.MESSAGE_TOO_LARGE)),
            5_000,
            calls);
    assertThat(answer.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    assertThat(calls).hasValue(3);
    // Backoffs of 1 then 2 ms.
    assertThat(clock.millis()).isEqualTo(START + 3);
  }

  @Test
  void otherRetriableErrorsAreNotRetriedHere() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ApiError answer = run(List.of(error(ErrorCode.NOT_ENOUGH_REPLICAS)), 5_000, calls);
    assertThat(answer.code()).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
    assertThat(calls).hasValue(1);
  }

  @Test
  void theLastLeadershipErrorIsGivenOnceTheDeadlinePasses() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ApiError answer = run(List.of(error(ErrorCode.NOT_LEADER_OR_FOLLOWER)), 30, calls);
    assertThat(answer.code()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    // Tries at 0, 1, 3, 7, 11, ..., 27 ms (backoff doubling to 4 ms); at 27 the next backoff would
    // end at the deadline, so the answer of the ninth try is given.
    assertThat(calls).hasValue(9);
    assertThat(clock.millis()).isEqualTo(START + 27);
  }

  @Test
  void anAskTimeoutIsNotRepeatedAndBecomesRequestTimedOut() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ApiError answer = run(List.of(new TimeoutException("ask timed out")), 5_000, calls);
    assertThat(answer.code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(answer.message()).contains("Partition t-0", "ask timed out");
    assertThat(calls).hasValue(1);
  }

  @Test
  void anyOtherFailureBecomesAnUnknownServerErrorNamingIt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ApiError answer = run(List.of(new IllegalStateException("boom")), 5_000, calls);
    assertThat(answer.code()).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR);
    assertThat(answer.message()).contains("boom");
  }
}
