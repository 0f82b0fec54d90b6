package sluice.actors.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * Spreads a new topic's partitions, or the partitions added to a topic, over the live brokers. Each
 * partition's leader is the broker leading the fewest partitions so far (counting every existing
 * topic and the partitions of this topic already placed; ties go to the lowest id); its followers
 * are the next brokers after the leader in id order, wrapping around, so replicas spread as evenly
 * as leaders. Every replica starts in the ISR with leader epoch 0 and partition epoch 0.
 * Deterministic; stateless.
 */
public final class ReplicaAssigner {
  private ReplicaAssigner() {}

  /**
   * @param brokers the live broker ids, at least {@code replicationFactor} of them
   */
  public static List<PartitionAssignment> assign(
      int partitions,
      int replicationFactor,
      SortedSet<Integer> brokers,
      Collection<TopicMetadata> existing) {
    return assign(0, partitions, replicationFactor, brokers, existing);
  }

  /**
   * Assigns partitions {@code firstPartition} to {@code firstPartition + partitions - 1}, as added
   * to a topic that has {@code firstPartition} partitions.
   *
   * @param brokers the live broker ids, at least {@code replicationFactor} of them
   * @param existing every topic, the one growing included (its partitions count as leaderships)
   */
  public static List<PartitionAssignment> assign(
      int firstPartition,
      int partitions,
      int replicationFactor,
      SortedSet<Integer> brokers,
      Collection<TopicMetadata> existing) {
    if (firstPartition < 0) {
      throw new IllegalArgumentException("firstPartition must be 0 or more, not " + firstPartition);
    }
    if (replicationFactor < 1 || replicationFactor > brokers.size()) {
      throw new IllegalArgumentException(
          "replication factor "
              + replicationFactor
              + " needs between 1 and "
              + brokers.size()
              + " brokers "
              + brokers);
    }
    List<Integer> ring = new ArrayList<>(brokers);
    Map<Integer, Integer> leaderships = new HashMap<>();
    ring.forEach(id -> leaderships.put(id, 0));
    for (TopicMetadata topic : existing) {
      for (PartitionAssignment assignment : topic.partitions()) {
        leaderships.computeIfPresent(assignment.leader(), (id, count) -> count + 1);
      }
    }
    List<PartitionAssignment> result = new ArrayList<>(partitions);
    for (int partition = firstPartition; partition < firstPartition + partitions; partition++) {
      int leaderIndex = 0;
      for (int i = 1; i < ring.size(); i++) {
        if (leaderships.get(ring.get(i)) < leaderships.get(ring.get(leaderIndex))) {
          leaderIndex = i;
        }
      }
      List<Integer> replicas = new ArrayList<>(replicationFactor);
      for (int r = 0; r < replicationFactor; r++) {
        replicas.add(ring.get((leaderIndex + r) % ring.size()));
      }
      int leader = replicas.get(0);
      leaderships.merge(leader, 1, Integer::sum);
      result.add(new PartitionAssignment(partition, replicas, leader, 0, replicas, 0));
    }
    return result;
  }
}
