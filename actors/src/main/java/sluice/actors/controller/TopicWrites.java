package sluice.actors.controller;

import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.SelfUniqueAddress;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import sluice.actors.metadata.MetadataLayout;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicEntry;
import sluice.actors.metadata.TopicMetadata;

/**
 * The modify functions of the controller's writes to the keys of {@link MetadataLayout}: the topic
 * list and the partition registers. They run inside the replicator on its current value; the
 * changes of what the controller validated ({@link #grow}, {@link #alter}) are compare-and-sets and
 * throw (the replicator then answers {@code ModifyFailure} and writes nothing) if the stored value
 * is not the expected one. Every list put carries the controller epoch through {@code entryClock},
 * every register put through {@link MetadataLayout#clock}. Immutable; safe from any thread.
 */
final class TopicWrites {

  /**
   * The initial value of a register update: no partition has it, so a compare-and-set against a
   * register that does not exist fails.
   */
  static final PartitionAssignment ABSENT =
      new PartitionAssignment(-1, List.of(), -1, -1, List.of(), -1);

  private final SelfUniqueAddress node;
  private final EpochClock<TopicEntry> entryClock;
  private final LWWRegister.Clock<PartitionAssignment> registerClock;

  TopicWrites(SelfUniqueAddress node, EpochClock<TopicEntry> entryClock) {
    this.node = node;
    this.entryClock = entryClock;
    this.registerClock = MetadataLayout.clock(entryClock.epoch());
  }

  /** A topic's metadata before and after a change. */
  record Change(TopicMetadata before, TopicMetadata after) {}

  /** A partition's assignment before and after a change, in the topic of id {@code topicId}. */
  record PartitionChange(
      String topic, String topicId, PartitionAssignment before, PartitionAssignment after) {}

  /** Thrown inside a modify function when a topic changed meanwhile. */
  static final class TopicChanged extends RuntimeException {
    TopicChanged(String what) {
      super(what + " changed while it was being updated", null, false, false);
    }
  }

  /** Thrown inside a modify function when a topic was created meanwhile. */
  static final class TopicExists extends RuntimeException {
    TopicExists(String name) {
      super("Topic '" + name + "' already exists", null, false, false);
    }
  }

  /** The initial register of an update. */
  LWWRegister<PartitionAssignment> absent() {
    return LWWRegister.create(node, ABSENT);
  }

  /** Lists a new topic; refuses if one of that name is listed. */
  Function<LWWMap<String, TopicEntry>, LWWMap<String, TopicEntry>> create(TopicEntry entry) {
    return map -> {
      if (map.contains(entry.name())) {
        throw new TopicExists(entry.name());
      }
      return map.put(node, entry.name(), entry, entryClock);
    };
  }

  /** Replaces a listed topic's {@code before} with {@code after}; refuses if it changed. */
  Function<LWWMap<String, TopicEntry>, LWWMap<String, TopicEntry>> grow(
      TopicEntry before, TopicEntry after) {
    return map -> {
      if (!before.equals(map.getEntries().get(before.name()))) {
        throw new TopicChanged("Topic '" + before.name() + "'");
      }
      return map.put(node, after.name(), after, entryClock);
    };
  }

  /** Unlists a topic. */
  Function<LWWMap<String, TopicEntry>, LWWMap<String, TopicEntry>> remove(String name) {
    return map -> map.remove(node, name);
  }

  /** Lists each topic of {@code entries} that no topic of its name is listed as (a migration). */
  Function<LWWMap<String, TopicEntry>, LWWMap<String, TopicEntry>> listMissing(
      Collection<TopicEntry> entries) {
    List<TopicEntry> copy = List.copyOf(entries);
    return map -> {
      LWWMap<String, TopicEntry> updated = map;
      for (TopicEntry entry : copy) {
        if (!map.contains(entry.name())) {
          updated = updated.put(node, entry.name(), entry, entryClock);
        }
      }
      return updated;
    };
  }

  /** Sets a new partition's register (creation, partition addition, migration). */
  Function<LWWRegister<PartitionAssignment>, LWWRegister<PartitionAssignment>> set(
      PartitionAssignment value) {
    return register -> register.withValue(node, value, registerClock);
  }

  /**
   * Replaces a partition's {@code before} with {@code after}; refuses if it is not {@code before}.
   */
  Function<LWWRegister<PartitionAssignment>, LWWRegister<PartitionAssignment>> alter(
      PartitionChange change) {
    if (change.after().partitionEpoch() <= change.before().partitionEpoch()) {
      // The replicator merges an update into the current value: it would keep the old one.
      throw new IllegalArgumentException(
          String.format(
              "A change of %s-%d must raise its partition epoch: %s -> %s",
              change.topic(), change.before().partition(), change.before(), change.after()));
    }
    return register -> {
      if (!change.before().equals(register.getValue())) {
        throw new TopicChanged("Partition " + change.topic() + "-" + change.before().partition());
      }
      return register.withValue(node, change.after(), registerClock);
    };
  }

  /** Removes {@code names} from the old layout's map (after their migration). */
  static Function<LWWMap<String, TopicMetadata>, LWWMap<String, TopicMetadata>> forgetLegacy(
      SelfUniqueAddress node, Set<String> names) {
    Set<String> copy = Set.copyOf(names);
    return map -> {
      LWWMap<String, TopicMetadata> updated = map;
      for (String name : copy) {
        if (updated.contains(name)) {
          updated = updated.remove(node, name);
        }
      }
      return updated;
    };
  }
}
