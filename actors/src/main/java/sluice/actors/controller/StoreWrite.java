package sluice.actors.controller;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.ReplicatedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one controller write of topic metadata as phases of key writes ({@link KeyWrite}: an update
 * or a deletion of one Distributed Data key with a quorum, {@link MetadataQuorum}), and combines
 * their {@link WriteOutcome}s into one {@link Result}. A phase starts once every key write of the
 * one before answered; within a phase at most {@link #MAX_CONCURRENT} key writes are outstanding. A
 * phase with a refused key write ({@link WriteOutcome.Refused}) is the last: the phases after it
 * are not run, so a later phase never makes visible what a refused earlier one did not write.
 *
 * <p>Thread-safety: the futures complete on the threads of the asks; a {@link Result} is immutable
 * and is meant to be taken on the actor's thread (through {@code pipeToSelf}).
 */
final class StoreWrite {
  static final int MAX_CONCURRENT = 64;

  /** One key's write; {@code run} asks the replicator and maps its answer. */
  record KeyWrite(String keyId, Supplier<CompletionStage<WriteOutcome>> run) {}

  /**
   * How a whole write ended: the worst outcome of the key writes that ran (Written if none ran) and
   * each key's own, by key id.
   */
  record Result(WriteOutcome outcome, Map<String, WriteOutcome> byKey) {
    Result {
      byKey = Collections.unmodifiableMap(new LinkedHashMap<>(byKey));
    }

    /** Whether the local replica holds {@code keyId}'s write (it ran and was not refused). */
    boolean stored(String keyId) {
      WriteOutcome outcome = byKey.get(keyId);
      return outcome != null && outcome.stored();
    }
  }

  private final ActorRef<Replicator.Command> replicator;
  private final Supplier<Replicator.WriteConsistency> consistency;
  private final Duration askTimeout;
  private final Scheduler scheduler;

  /**
   * @param consistency how far each key write must reach, asked at each one ({@link
   *     MetadataQuorum#write()})
   * @param askTimeout guards each ask; the replicator itself answers within {@code consistency}'s
   *     timeout
   */
  StoreWrite(
      ActorRef<Replicator.Command> replicator,
      Supplier<Replicator.WriteConsistency> consistency,
      Duration askTimeout,
      Scheduler scheduler) {
    this.replicator = replicator;
    this.consistency = consistency;
    this.askTimeout = askTimeout;
    this.scheduler = scheduler;
  }

  /**
   * An update of {@code key}: {@code modify} runs in the replicator on its value or {@code
   * initial}.
   */
  <A extends ReplicatedData> KeyWrite update(Key<A> key, A initial, Function<A, A> modify) {
    return new KeyWrite(
        key.id(),
        () ->
            AskPattern.<Replicator.Command, Replicator.UpdateResponse<A>>ask(
                    replicator,
                    replyTo ->
                        new Replicator.Update<>(
                            key, initial, consistency.get(), replyTo, modify::apply),
                    askTimeout,
                    scheduler)
                .handle(
                    (response, failure) ->
                        failure != null
                            ? WriteOutcome.noAnswer(failure)
                            : WriteOutcome.of(response)));
  }

  /** A deletion of {@code key}: it can never be written again. */
  <A extends ReplicatedData> KeyWrite delete(Key<A> key) {
    return new KeyWrite(
        key.id(),
        () ->
            AskPattern.<Replicator.Command, Replicator.DeleteResponse<A>>ask(
                    replicator,
                    replyTo -> new Replicator.Delete<>(key, consistency.get(), replyTo),
                    askTimeout,
                    scheduler)
                .handle(
                    (response, failure) ->
                        failure != null
                            ? WriteOutcome.noAnswer(failure)
                            : WriteOutcome.ofDelete(response)));
  }

  /** Runs {@code phases} in order, see the class comment. */
  static CompletionStage<Result> run(List<List<KeyWrite>> phases) {
    return run(List.copyOf(phases), 0, new Result(new WriteOutcome.Written(), Map.of()));
  }

  private static CompletionStage<Result> run(List<List<KeyWrite>> phases, int next, Result sofar) {
    if (next == phases.size() || sofar.outcome() instanceof WriteOutcome.Refused) {
      return CompletableFuture.completedFuture(sofar);
    }
    List<KeyWrite> phase = phases.get(next);
    List<Supplier<CompletionStage<WriteOutcome>>> tasks =
        phase.stream().map(KeyWrite::run).toList();
    return limited(tasks, MAX_CONCURRENT)
        .thenCompose(
            outcomes -> {
              Map<String, WriteOutcome> byKey = new LinkedHashMap<>(sofar.byKey());
              WriteOutcome worst = sofar.outcome();
              for (int i = 0; i < outcomes.size(); i++) {
                byKey.put(phase.get(i).keyId(), outcomes.get(i));
                worst = WriteOutcome.worst(worst, outcomes.get(i));
              }
              return run(phases, next + 1, new Result(worst, byKey));
            });
  }

  /**
   * Runs {@code tasks} with at most {@code max} outstanding at a time; the results in the order of
   * the tasks. A task's failure fails the whole.
   */
  static <T> CompletionStage<List<T>> limited(List<Supplier<CompletionStage<T>>> tasks, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
    AtomicReferenceArray<T> results = new AtomicReferenceArray<>(tasks.size());
    AtomicInteger nextTask = new AtomicInteger();
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(max, tasks.size()); lane++) {
      lanes.add(lane(tasks, nextTask, results).toCompletableFuture());
    }
    return CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<T> list = new ArrayList<>(tasks.size());
              for (int i = 0; i < tasks.size(); i++) {
                list.add(results.get(i));
              }
              return list;
            });
  }

  /** Runs tasks one after another, taking the next untaken one each time, until none is left. */
  private static <T> CompletionStage<Void> lane(
      List<Supplier<CompletionStage<T>>> tasks,
      AtomicInteger nextTask,
      AtomicReferenceArray<T> results) {
    int index = nextTask.getAndIncrement();
    if (index >= tasks.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return tasks
        .get(index)
        .get()
        .thenCompose(
            result -> {
              results.set(index, result);
              return lane(tasks, nextTask, results);
            });
  }
}
