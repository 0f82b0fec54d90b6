package sluice.actors.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;

/**
 * Asks a partition leader again while it answers that leadership is moving ({@code
 * NOT_LEADER_OR_FOLLOWER}, {@code LEADER_NOT_AVAILABLE}), with exponential backoff, until a
 * deadline; any other answer, success or error, is final. An ask that times out is not repeated
 * (the leader may have acted on it) and becomes {@code REQUEST_TIMED_OUT}. Deadlines are read from
 * the given clock and backoffs waited through {@link Pauses}, so tests control both. Safe from any
 * thread.
 */
public final class LeaderRetry {
  private final Duration backoff;
  private final Duration maxBackoff;
  private final Clock clock;
  private final Pauses pauses;

  public LeaderRetry(Duration backoff, Duration maxBackoff, Clock clock, Pauses pauses) {
    this.backoff = backoff;
    this.maxBackoff = maxBackoff;
    this.clock = clock;
    this.pauses = pauses;
  }

  /** Whether an answer with this error may be retried here. */
  public static boolean retriable(ApiError error) {
    return error != null
        && (error.code() == ErrorCode.NOT_LEADER_OR_FOLLOWER
            || error.code() == ErrorCode.LEADER_NOT_AVAILABLE);
  }

  /**
   * Runs {@code attempt} until its answer is final or the deadline passes; the last answer is
   * returned as it is. A failed attempt (ask timeout, anything thrown) becomes {@code
   * onFailure(error)}.
   *
   * @param errorOf the error carried by an answer, or null
   * @param onFailure the answer to give for a failed attempt
   * @param deadlineMillis when retries stop, on this retry's clock
   */
  public <R> CompletionStage<R> call(
      Supplier<CompletionStage<R>> attempt,
      Function<R, ApiError> errorOf,
      Function<ApiError, R> onFailure,
      String what,
      long deadlineMillis) {
    return call(attempt, errorOf, onFailure, LeaderRetry::retriable, what, deadlineMillis);
  }

  /**
   * As {@link #call(Supplier, Function, Function, String, long)}, retrying the answers whose error
   * {@code retriable} accepts (a group coordinator's errors, say) instead of leadership moves.
   */
  public <R> CompletionStage<R> call(
      Supplier<CompletionStage<R>> attempt,
      Function<R, ApiError> errorOf,
      Function<ApiError, R> onFailure,
      Predicate<ApiError> retriable,
      String what,
      long deadlineMillis) {
    return attempt(attempt, errorOf, onFailure, retriable, what, deadlineMillis, backoff);
  }

  private <R> CompletionStage<R> attempt(
      Supplier<CompletionStage<R>> attempt,
      Function<R, ApiError> errorOf,
      Function<ApiError, R> onFailure,
      Predicate<ApiError> retriable,
      String what,
      long deadlineMillis,
      Duration delay) {
    return attempt
        .get()
        .handle(
            (answer, failure) ->
                failure == null ? answer : onFailure.apply(ApiError.ofFailedAsk(what, failure)))
        .thenCompose(
            answer -> {
              long now = clock.millis();
              ApiError error = errorOf.apply(answer);
              if (error == null
                  || !retriable.test(error)
                  || now + delay.toMillis() >= deadlineMillis) {
                return CompletableFuture.completedFuture(answer);
              }
              Duration next =
                  delay.multipliedBy(2).compareTo(maxBackoff) > 0
                      ? maxBackoff
                      : delay.multipliedBy(2);
              return pauses
                  .after(delay)
                  .thenCompose(
                      ignored ->
                          attempt(
                              attempt, errorOf, onFailure, retriable, what, deadlineMillis, next));
            });
  }
}
