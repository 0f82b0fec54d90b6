package sluice.actors.metadata;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a broker knows of the cluster's metadata at one moment: every complete topic by name and
 * every broker registration by broker id, as this broker's replica of Distributed Data held them.
 * Immutable, so it is read from any thread without locks; the {@link MetadataView} replaces it
 * whole.
 *
 * @param topicsLoaded whether the topics were read at least once (the topic list and the registers
 *     of its topics); before that, an absent topic proves nothing
 */
public record MetadataSnapshot(
    Map<String, TopicMetadata> topics,
    Map<Integer, BrokerRegistration> brokers,
    boolean topicsLoaded) {

  /** Nothing read yet. */
  public static final MetadataSnapshot EMPTY = new MetadataSnapshot(Map.of(), Map.of(), false);

  public MetadataSnapshot {
    topics = Map.copyOf(topics);
    brokers = Map.copyOf(brokers);
  }

  public Optional<TopicMetadata> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  /** The partition's assignment; empty if its topic or the partition is not known. */
  public Optional<PartitionAssignment> partition(String topic, int partition) {
    TopicMetadata metadata = topics.get(topic);
    return metadata == null ? Optional.empty() : metadata.partition(partition);
  }

  public Optional<BrokerRegistration> broker(int brokerId) {
    return Optional.ofNullable(brokers.get(brokerId));
  }

  /** This snapshot with {@code topics} (by name) as the topics, loaded if {@code loaded}. */
  MetadataSnapshot withTopics(Map<String, TopicMetadata> topics, boolean loaded) {
    return new MetadataSnapshot(topics, brokers, loaded);
  }

  /** This snapshot with the brokers of {@code registrations} (keyed by anything). */
  MetadataSnapshot withBrokers(Iterable<BrokerRegistration> registrations) {
    Map<Integer, BrokerRegistration> byId = new HashMap<>();
    registrations.forEach(registration -> byId.put(registration.brokerId(), registration));
    return new MetadataSnapshot(topics, byId, topicsLoaded);
  }
}
