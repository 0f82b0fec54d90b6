package sluice.actors.gateway;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * How a retry waits before it tries again: in a broker, a delay on the dispatcher; in tests, a step
 * of a manual clock, so backoffs and deadlines are checked without waiting. Implementations are
 * safe from any thread.
 */
@FunctionalInterface
public interface Pauses {

  /** A stage that completes once {@code delay} has passed. */
  CompletionStage<Void> after(Duration delay);

  /** Real pauses: the stage completes on {@code executor} after the delay. */
  static Pauses on(Executor executor) {
    return delay ->
        CompletableFuture.runAsync(
            () -> {},
            CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS, executor));
  }
}
