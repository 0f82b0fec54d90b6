package sluice.actors.metadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whole topics from the split layout ({@link MetadataLayout}): it holds the last topic list and the
 * last value of every partition register it was given, and assembles a {@link TopicMetadata} for
 * each listed topic whose every register is present. A topic missing a register (it travels still)
 * is incomplete and not shown, so a reader never sees a topic with a hole.
 *
 * <p>Not thread-safe: each owner (the broker's {@code MetadataSubscriber}, the controller's {@code
 * TopicStore}) uses its own on its actor's thread.
 */
public final class MetadataAssembly {
  private Map<String, TopicEntry> entries = Map.of();

  /** Register values by key id. */
  private final Map<String, PartitionAssignment> registers = new HashMap<>();

  /** The listed topics, by name; read-only. */
  public Map<String, TopicEntry> entries() {
    return entries;
  }

  /** Takes a new topic list. Registers of unlisted topics stay until {@link #forget}. */
  public void list(Map<String, TopicEntry> entries) {
    this.entries = Map.copyOf(entries);
  }

  /** Takes a register's value. */
  public void put(String keyId, PartitionAssignment assignment) {
    registers.put(keyId, assignment);
  }

  /** Drops a register's value (its topic is gone or the register was deleted). */
  public void forget(String keyId) {
    registers.remove(keyId);
  }

  /** The assembled topic, or null if {@code entry}'s registers are not all present. */
  public TopicMetadata assemble(TopicEntry entry) {
    List<PartitionAssignment> partitions = new ArrayList<>(entry.partitionCount());
    for (int p = 0; p < entry.partitionCount(); p++) {
      PartitionAssignment assignment =
          registers.get(MetadataLayout.partitionKey(entry.topicId(), p).id());
      if (assignment == null) {
        return null;
      }
      partitions.add(assignment);
    }
    return entry.with(partitions);
  }

  /** Whether the listed topic {@code name} has every register. */
  public boolean complete(String name) {
    TopicEntry entry = entries.get(name);
    return entry != null && assemble(entry) != null;
  }

  /** Every complete topic, by name. */
  public Map<String, TopicMetadata> topics() {
    Map<String, TopicMetadata> topics = new TreeMap<>();
    entries.forEach(
        (name, entry) -> {
          TopicMetadata topic = assemble(entry);
          if (topic != null) {
            topics.put(name, topic);
          }
        });
    return topics;
  }
}
