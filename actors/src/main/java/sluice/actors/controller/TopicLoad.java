package sluice.actors.controller;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.ReplicatedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.metadata.MetadataLayout;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicEntry;
import sluice.actors.metadata.TopicMetadata;

/**
 * The controller's read of the topic metadata at start: the topic list, the register of every
 * partition of every listed topic (at most {@link StoreWrite#MAX_CONCURRENT} reads at a time) and
 * the old layout's map ({@link MetadataLayout#LEGACY_TOPICS}), each from a quorum ({@link
 * MetadataQuorum}), or from the local replica if no majority answers. Stateless; the future
 * completes on an ask's thread.
 */
final class TopicLoad {
  private static final Logger LOG = LoggerFactory.getLogger(TopicLoad.class);

  /**
   * What was read: the list, the registers found (by key id) and the old layout's topics (by name).
   */
  record Loaded(
      Map<String, TopicEntry> entries,
      Map<String, PartitionAssignment> registers,
      Map<String, TopicMetadata> legacy) {
    Loaded {
      entries = Map.copyOf(entries);
      registers = Map.copyOf(registers);
      legacy = Map.copyOf(legacy);
    }
  }

  private final ActorRef<Replicator.Command> replicator;
  private final Supplier<Replicator.ReadConsistency> consistency;
  private final Duration askTimeout;
  private final Scheduler scheduler;

  TopicLoad(
      ActorRef<Replicator.Command> replicator,
      Supplier<Replicator.ReadConsistency> consistency,
      Duration askTimeout,
      Scheduler scheduler) {
    this.replicator = replicator;
    this.consistency = consistency;
    this.askTimeout = askTimeout;
    this.scheduler = scheduler;
  }

  CompletionStage<Loaded> load() {
    CompletionStage<Map<String, TopicMetadata>> legacy =
        read(MetadataLayout.LEGACY_TOPICS)
            .thenApply(map -> map.map(LWWMap::getEntries).orElse(Map.of()));
    return read(MetadataLayout.TOPIC_LIST)
        .thenApply(map -> map.map(LWWMap::getEntries).orElse(Map.of()))
        .thenCompose(
            entries -> {
              List<Key<LWWRegister<PartitionAssignment>>> keys = new ArrayList<>();
              entries.values().forEach(entry -> keys.addAll(MetadataLayout.partitionKeys(entry)));
              List<Supplier<CompletionStage<Optional<LWWRegister<PartitionAssignment>>>>> reads =
                  keys.stream()
                      .<Supplier<CompletionStage<Optional<LWWRegister<PartitionAssignment>>>>>map(
                          key -> () -> read(key))
                      .toList();
              return StoreWrite.limited(reads, StoreWrite.MAX_CONCURRENT)
                  .thenCombine(
                      legacy,
                      (values, old) -> {
                        Map<String, PartitionAssignment> registers = new HashMap<>();
                        for (int i = 0; i < keys.size(); i++) {
                          String id = keys.get(i).id();
                          values.get(i).ifPresent(r -> registers.put(id, r.getValue()));
                        }
                        return new Loaded(entries, registers, old);
                      });
            });
  }

  /** {@code key}'s value from a quorum, else locally; empty if not found or deleted. */
  private <A extends ReplicatedData> CompletionStage<Optional<A>> read(Key<A> key) {
    return get(key, consistency.get())
        .thenCompose(
            response -> {
              if (response instanceof Replicator.GetFailure<A>) {
                LOG.warn("No quorum answered for {}; reading the local copy", key.id());
                return get(key, Replicator.readLocal());
              }
              return CompletableFuture.completedFuture(response);
            })
        .thenApply(
            response ->
                response instanceof Replicator.GetSuccess<A> success
                    ? Optional.of(success.get(key))
                    : Optional.empty());
  }

  private <A extends ReplicatedData> CompletionStage<Replicator.GetResponse<A>> get(
      Key<A> key, Replicator.ReadConsistency consistency) {
    return AskPattern.ask(
        replicator,
        replyTo -> new Replicator.Get<>(key, consistency, replyTo),
        askTimeout,
        scheduler);
  }
}
