package sluice.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The shape of Produce, ListOffsets and OffsetForLeaderEpoch: a request lists topics, each with
 * partitions; every partition is asked at once, and the answer lists them in the request's order.
 * Stateless.
 */
final class PerPartition {
  private PerPartition() {}

  /**
   * Asks {@code ask(topic, partition)} for every partition of every topic at once; completes, when
   * all have answered, with the answers by topic and partition in request order.
   */
  static <T, P, R> CompletionStage<List<List<R>>> ask(
      Collection<T> topics,
      Function<T, ? extends Collection<P>> partitionsOf,
      BiFunction<T, P, ? extends CompletionStage<R>> ask) {
    List<List<CompletableFuture<R>>> byTopic = new ArrayList<>();
    List<CompletableFuture<R>> all = new ArrayList<>();
    for (T topic : topics) {
      List<CompletableFuture<R>> answers = new ArrayList<>();
      for (P partition : partitionsOf.apply(topic)) {
        CompletableFuture<R> answer = ask.apply(topic, partition).toCompletableFuture();
        answers.add(answer);
        all.add(answer);
      }
      byTopic.add(answers);
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored ->
                byTopic.stream()
                    .map(answers -> answers.stream().map(CompletableFuture::join).toList())
                    .toList());
  }
}
