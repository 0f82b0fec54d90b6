package sluice.actors.controller;

import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.SelfUniqueAddress;
import java.util.List;
import java.util.function.Function;
import sluice.actors.metadata.TopicMetadata;

/**
 * The modify functions of the controller's writes to {@link sluice.actors.metadata.TopicsKey}. They
 * run inside the replicator on its current value; each is a compare-and-set against the topic the
 * controller validated, and throws (the replicator then answers {@code ModifyFailure} and writes
 * nothing) if the stored topic is not that one. Every put carries the controller epoch through
 * {@code clock}. Immutable; safe from any thread.
 */
final class TopicWrites {
  private final SelfUniqueAddress node;
  private final EpochClock<TopicMetadata> clock;

  TopicWrites(SelfUniqueAddress node, EpochClock<TopicMetadata> clock) {
    this.node = node;
    this.clock = clock;
  }

  /** A topic's metadata before and after a change. */
  record Change(TopicMetadata before, TopicMetadata after) {}

  /** Thrown inside a modify function when a topic changed meanwhile. */
  static final class TopicChanged extends RuntimeException {
    TopicChanged(String name) {
      super("Topic '" + name + "' changed while it was being updated", null, false, false);
    }
  }

  /** Thrown inside a modify function when a topic was created meanwhile. */
  static final class TopicExists extends RuntimeException {
    TopicExists(String name) {
      super("Topic '" + name + "' already exists", null, false, false);
    }
  }

  /** Stores a new topic; refuses if one of that name exists. */
  Function<LWWMap<String, TopicMetadata>, LWWMap<String, TopicMetadata>> create(
      TopicMetadata topic) {
    return map -> {
      if (map.contains(topic.name())) {
        throw new TopicExists(topic.name());
      }
      return map.put(node, topic.name(), topic, clock);
    };
  }

  /** Replaces each topic's {@code before} with its {@code after}; refuses if any changed. */
  Function<LWWMap<String, TopicMetadata>, LWWMap<String, TopicMetadata>> replace(
      List<Change> changes) {
    List<Change> copy = List.copyOf(changes);
    return map -> {
      LWWMap<String, TopicMetadata> updated = map;
      for (Change change : copy) {
        String name = change.before().name();
        if (!change.before().equals(map.getEntries().get(name))) {
          throw new TopicChanged(name);
        }
        updated = updated.put(node, name, change.after(), clock);
      }
      return updated;
    };
  }

  /** Removes a topic. */
  Function<LWWMap<String, TopicMetadata>, LWWMap<String, TopicMetadata>> remove(String name) {
    return map -> map.remove(node, name);
  }
}
