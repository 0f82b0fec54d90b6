package sluice.actors.api;

import java.util.List;
import java.util.Map;

/**
 * A topic as the controller knows it.
 *
 * @param configs only the configs set on this topic; defaults are not listed
 */
public record TopicDescription(
    String name,
    String topicId,
    boolean internal,
    int replicationFactor,
    Map<String, String> configs,
    List<PartitionInfo> partitions)
    implements CborSerializable {}
