package sluice.storage.producer;

/**
 * The verdict on a batch an idempotent producer sends to a partition leader ({@link
 * ProducerStates#check}); the names and meanings are Kafka's.
 */
public sealed interface AppendCheck {

  /** The batch is the producer's next: write it. */
  record Accepted() implements AppendCheck {}

  /** The batch was written before, as {@code original}: answer with its offsets, write nothing. */
  record Duplicate(BatchMetadata original) implements AppendCheck {}

  /**
   * {@code OUT_OF_ORDER_SEQUENCE_NUMBER}: the batch does not follow the producer's last sequence (a
   * batch before it was lost), or opens a new epoch at a sequence other than 0.
   */
  record OutOfOrderSequence(String message) implements AppendCheck {}

  /** {@code INVALID_PRODUCER_EPOCH}: the producer's epoch is older than the one last seen. */
  record InvalidProducerEpoch(String message) implements AppendCheck {}

  AppendCheck ACCEPTED = new Accepted();
}
