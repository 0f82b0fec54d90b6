package sluice.actors.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * What makes a produce request idempotent (KIP-98, for a client that numbers its own records): the
 * producer id and epoch it was handed, and per partition the sequence of the request's first record
 * there. The request's records of one partition get consecutive sequences from it, in request
 * order, so a resend of the same request carries the same batches and the partition leaders store
 * them once, answering the resend with the original offsets.
 *
 * @param firstSequences per partition the request writes to, its first record's sequence
 */
public record IdempotentProduce(
    long producerId, short producerEpoch, Map<Integer, Integer> firstSequences)
    implements CborSerializable {

  public IdempotentProduce {
    if (producerId < 0 || producerEpoch < 0) {
      throw new IllegalArgumentException(
          "A producer id and epoch are 0 or more, not " + producerId + " and " + producerEpoch);
    }
    for (var entry : firstSequences.entrySet()) {
      if (entry.getKey() == null || entry.getKey() < 0) {
        throw new IllegalArgumentException("Partition " + entry.getKey() + " is not valid");
      }
      if (entry.getValue() == null || entry.getValue() < 0) {
        throw new IllegalArgumentException(
            "The sequence of partition "
                + entry.getKey()
                + " must be 0 or more, not "
                + entry.getValue());
      }
    }
    firstSequences = Map.copyOf(new TreeMap<>(firstSequences));
  }
}
