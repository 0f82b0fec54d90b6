package sluice.actors.metadata;

/** A partition of a topic, as readers of the {@link MetadataView} name it. */
public record PartitionId(String topic, int partition) {

  /** {@code topic-partition}, the partition leader's entity id. */
  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
