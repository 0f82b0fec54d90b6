package sluice.actors.producer;

import java.util.OptionalLong;
import sluice.actors.controller.ProducerIdBlock;

/**
 * The blocks of producer ids a broker holds, as Kafka's {@code RPCProducerIdManager}: ids are
 * handed out from the current block in order; the next block is wanted once {@link
 * #PREFETCH_THRESHOLD} of the current one is handed out (or when there is none), so it is usually
 * there before the current one runs out. At most two blocks are held; one that arrives while two
 * are held is dropped (its ids are never used, which is safe: blocks never overlap).
 *
 * <p>Also the broker's knowledge of the producer id mark: the highest block end it has seen, from
 * its own blocks and from the mark as Distributed Data shows it. An id at or above it may not have
 * been allocated.
 *
 * <p>Not thread-safe: part of the {@link ProducerIdManager} actor's state.
 */
final class ProducerIdBlocks {
  /** Kafka's {@code PidPrefetchThreshold}. */
  static final double PREFETCH_THRESHOLD = 0.90;

  private ProducerIdBlock current;
  private long nextId;
  private ProducerIdBlock next;
  private long knownMark;

  /** The next id, or empty when every held id is handed out. */
  OptionalLong claim() {
    if (current == null || nextId > current.lastProducerId()) {
      if (next == null) {
        return OptionalLong.empty();
      }
      current = next;
      next = null;
      nextId = current.firstProducerId();
    }
    return OptionalLong.of(nextId++);
  }

  /**
   * Whether a block should be asked for: none is held but the current one, and its id at 90% is
   * handed out (Kafka's prefetch target, {@code first + size * 0.9}).
   */
  boolean wantsBlock() {
    if (next != null) {
      return false;
    }
    if (current == null) {
      return true;
    }
    long handedOut = nextId - current.firstProducerId();
    return handedOut > (long) (current.size() * PREFETCH_THRESHOLD);
  }

  /**
   * Takes a block the controller answered.
   *
   * @return false if it was dropped: two blocks are held already
   */
  boolean accept(ProducerIdBlock block) {
    markSeen(block.nextBlockFirstId());
    if (current == null || nextId > current.lastProducerId()) {
      if (next != null) {
        current = next;
        nextId = current.firstProducerId();
        next = block;
      } else {
        current = block;
        nextId = block.firstProducerId();
      }
      return true;
    }
    if (next == null) {
      next = block;
      return true;
    }
    return false;
  }

  /** The mark as seen elsewhere (Distributed Data, a quorum read). */
  void markSeen(long mark) {
    knownMark = Math.max(knownMark, mark);
  }

  /** Every id below this has been allocated to some broker. */
  long knownMark() {
    return knownMark;
  }
}
