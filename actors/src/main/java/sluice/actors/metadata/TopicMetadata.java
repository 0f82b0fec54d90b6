package sluice.actors.metadata;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import sluice.actors.api.CborSerializable;

/**
 * A whole topic, as readers see it: the controller stores it split in Distributed Data, its {@link
 * TopicEntry} in the topic list and each partition in its own register ({@link MetadataLayout}),
 * and {@link MetadataAssembly} puts it back together.
 *
 * @param topicId a UUID, new for every creation, so a topic deleted and created again is not
 *     confused with its predecessor
 * @param configs only the configs set on this topic, validated when they were set
 */
public record TopicMetadata(
    String name,
    String topicId,
    boolean internal,
    Map<String, String> configs,
    List<PartitionAssignment> partitions)
    implements CborSerializable {

  public TopicMetadata {
    configs = Map.copyOf(configs);
    partitions = List.copyOf(partitions);
  }

  public Optional<PartitionAssignment> partition(int partition) {
    return partition >= 0 && partition < partitions.size()
        ? Optional.of(partitions.get(partition))
        : Optional.empty();
  }
}
