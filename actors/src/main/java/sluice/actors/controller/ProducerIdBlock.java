package sluice.actors.controller;

import sluice.actors.api.CborSerializable;

/**
 * A block of producer ids the controller handed to one broker (Kafka's {@code ProducerIdsBlock},
 * KIP-730): {@code firstProducerId} to {@link #lastProducerId()}, both inclusive. Blocks never
 * overlap: the controller answers one only once the producer id mark above it is stored with a
 * quorum ({@code ProducerIdsKey}). Immutable.
 */
public record ProducerIdBlock(long firstProducerId, int size) implements CborSerializable {
  /** Kafka's block size. */
  public static final int SIZE = 1000;

  public ProducerIdBlock {
    if (firstProducerId < 0 || size < 1 || firstProducerId > Long.MAX_VALUE - size) {
      throw new IllegalArgumentException(
          "a producer id block starts at 0 or above and holds 1 id or more below Long.MAX_VALUE,"
              + " not "
              + size
              + " from "
              + firstProducerId);
    }
  }

  /** The last id of the block, inclusive. */
  public long lastProducerId() {
    return firstProducerId + size - 1;
  }

  /** The first id after the block: the mark stored once it is handed out. */
  public long nextBlockFirstId() {
    return firstProducerId + size;
  }

  public boolean contains(long producerId) {
    return producerId >= firstProducerId && producerId <= lastProducerId();
  }

  @Override
  public String toString() {
    return "[" + firstProducerId + ".." + lastProducerId() + "]";
  }
}
