package sluice.bench.groups;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member of a consumer group on one system, subscribed to one topic: a kafka-clients consumer
 * ({@code group.protocol=consumer}) or a Sluice HTTP consumer instance. Every member of the bench
 * commits by hand ({@code enable.auto.commit} / {@code auto.commit.enable} false) and starts at the
 * earliest offset when its group has none committed. Not thread-safe: one thread at a time drives a
 * member (a Kafka consumer refuses concurrent calls).
 */
public interface GroupMember {

  /**
   * A record a poll returned.
   *
   * @param partition its partition
   * @param offset its offset
   * @param producedNanos the {@link System#nanoTime} its producer stamped into its value (an 8-byte
   *     value, {@link StampProducer}), or -1 for any other value or when values were not read
   */
  record Delivery(int partition, long offset, long producedNanos) {}

  /** Hears which partitions a member owns, each time that may have changed. */
  interface OwnershipListener {
    /** {@code member} owns {@code partitions} (of the topic) from now on. */
    void owned(String member, Set<Integer> partitions);
  }

  String name();

  /**
   * Subscribes to the topic: the member's join. Kafka's consumer sends its join heartbeat at its
   * next poll; Sluice's instance joins when subscribed and heartbeats by itself from then on.
   */
  void join() throws IOException;

  /**
   * One poll, waiting at most {@code timeout} for records. Kafka's rebalance listener reports
   * ownership changes to the member's {@link OwnershipListener} during the poll.
   */
  List<Delivery> poll(Duration timeout) throws IOException;

  /**
   * Reports the member's ownership now: Sluice asks the instance's {@code GET assignments}; Kafka
   * does nothing (its rebalance listener reports during polls).
   */
  void checkOwnership() throws IOException;

  /**
   * Takes part in the group for about {@code pause} without consuming: Kafka polls with every
   * assigned partition paused (the next {@link #poll} resumes them); Sluice's instance heartbeats
   * on its own, so this waits and then checks ownership.
   */
  void idle(Duration pause) throws IOException;

  /**
   * Commits everything polled (Kafka's {@code commitSync()}, Sluice's {@code POST offsets} without
   * a body); false when the group refused it (the partitions moved, a stale member epoch).
   */
  boolean commitPolled() throws IOException;

  /**
   * Commits {@code nextOffsets} (the next offset to read, by partition) in one synchronous call;
   * false when the group refused it.
   */
  boolean commit(Map<Integer, Long> nextOffsets) throws IOException;

  /** Leaves the group: Kafka's {@code close()}, Sluice's {@code DELETE} of the instance. */
  void leave() throws IOException;
}
