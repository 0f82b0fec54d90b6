package sluice.actors.controller;

import akka.Done;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * Where partition leader entities run: each partition's entity is placed on its leader broker's
 * member ({@link LiveBrokers#placements}) through {@link PartitionEntities}, and deleted there with
 * its topic. Shard locations are not durable, so the controller places every topic when it starts
 * and a broker's partitions whenever it registers at a new address or comes up; it places a topic
 * before it acknowledges its creation, and every partition whose leader an election moved.
 *
 * <p>A partition without a live leader is not placed (no member to place it on) and not asked to
 * delete (no entity to ask; its replicas delete their logs when they see the topic gone). A failed
 * placement or deletion is logged; it fails nothing. Not thread-safe: only the controller actor
 * calls it; the returned stages complete on other threads and carry no state back.
 */
final class PartitionPlacement {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionPlacement.class);

  private final PartitionEntities entities;
  private final LiveBrokers brokers;

  PartitionPlacement(PartitionEntities entities, LiveBrokers brokers) {
    this.entities = entities;
    this.brokers = brokers;
  }

  /** Places the partitions of {@code topics} that have a live leader; never fails. */
  CompletionStage<Done> place(Collection<TopicMetadata> topics, String why) {
    var placements = brokers.placements(topics);
    if (placements.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return entities
        .place(placements)
        .exceptionally(
            failure -> {
              LOG.error("Placing {} partitions ({}) failed", placements.size(), why, failure);
              return Done.getInstance();
            });
  }

  /** The topics of {@code topics} with a partition led by one of {@code brokerIds}. */
  static List<TopicMetadata> ledBy(Collection<TopicMetadata> topics, List<Integer> brokerIds) {
    return topics.stream()
        .filter(t -> t.partitions().stream().anyMatch(p -> brokerIds.contains(p.leader())))
        .toList();
  }

  /** {@code topic} with only the partitions of {@code partitions}, to place just those. */
  static TopicMetadata only(TopicMetadata topic, List<PartitionAssignment> partitions) {
    return new TopicMetadata(
        topic.name(), topic.topicId(), topic.internal(), topic.configs(), partitions);
  }

  /**
   * Tells the leader entity of every partition of {@code topic} whose leader is live to delete its
   * log. Completes when all confirmed, or after {@code timeout}; never fails.
   */
  CompletionStage<Void> deleteOnLeaders(TopicMetadata topic, Duration timeout) {
    Set<Integer> live = brokers.live().keySet();
    List<Integer> withoutLeader = new ArrayList<>();
    List<CompletableFuture<Done>> deletions = new ArrayList<>();
    for (PartitionAssignment p : topic.partitions()) {
      if (!live.contains(p.leader())) {
        withoutLeader.add(p.partition());
        continue;
      }
      deletions.add(
          entities
              .delete(topic.name(), p.partition())
              .toCompletableFuture()
              .exceptionally(
                  failure -> {
                    LOG.warn(
                        "Deleting partition {}-{} on its leader {} failed; its replicas delete it"
                            + " when they see the topic gone",
                        topic.name(),
                        p.partition(),
                        p.leader(),
                        failure);
                    return Done.getInstance();
                  }));
    }
    LOG.info(
        "Deleted topic {}; deleting its {} partitions on their leaders{}",
        topic.name(),
        deletions.size(),
        withoutLeader.isEmpty() ? "" : " (partitions " + withoutLeader + " have no live leader)");
    return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
