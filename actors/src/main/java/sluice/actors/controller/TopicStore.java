package sluice.actors.controller;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.controller.TopicWrites.PartitionChange;
import sluice.actors.metadata.DeletedTopicsKey;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.MetadataAssembly;
import sluice.actors.metadata.MetadataLayout;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.PartitionSubscriptions;
import sluice.actors.metadata.TopicEntry;
import sluice.actors.metadata.TopicMetadata;

/**
 * The controller's only door to topic metadata in Distributed Data ({@link MetadataLayout}: the
 * topic list and one register per partition): it reads them at start ({@link TopicLoad}),
 * subscribes to them, writes them (each {@link Write} a few phases of key writes run by {@link
 * StoreWrite}, the changes compare-and-sets of {@link TopicWrites} with the controller epoch in
 * their timestamps) and records deleted topics under {@link DeletedTopicsKey}. It holds the
 * controller's in-memory copy of every topic, which is authoritative because only the controller
 * writes topics. A change of the metadata layout changes this class, not its callers.
 *
 * <p>Write order: a creation writes the registers, then the list entry; a partition addition the
 * new registers, then the entry's count; a removal unlists the topic, then deletes its registers.
 * So a reader ({@link MetadataAssembly}) never sees a listed topic whose registers were never
 * written, and a write cut short leaves only unlisted registers, never a hole. An ISR change or an
 * election ({@link Alter}) writes only the changed partitions' registers.
 *
 * <p>Invariant: the copy is what the local replica holds as far as the load, the subscription and
 * the controller's own writes tell. A write's answer is applied to the copy (the keys the
 * compare-and-set refused excepted) before the caller's message for it is handled.
 *
 * <p>Not thread-safe: it lives inside the controller actor; the answers of the replicator are
 * adapted, and applied, on the actor's thread.
 */
final class TopicStore {
  private static final Logger LOG = LoggerFactory.getLogger(TopicStore.class);

  /** The answer of the read of the topics at start: exactly one of the two is non-null. */
  record Read(TopicLoad.Loaded loaded, Throwable failure) implements Controller.Internal {}

  /** A write of topic metadata: what the replicator stores and what the copy then holds. */
  sealed interface Write {}

  /** A new topic: its registers, then its entry; refused if a topic of that name is listed. */
  record Create(TopicMetadata topic) implements Write {}

  /** More partitions: the new registers, then the entry; refused if the topic changed. */
  record Grow(TopicWrites.Change change) implements Write {}

  /** Removes a topic: its entry, then its registers (deleted for good). */
  record Remove(TopicMetadata topic) implements Write {}

  /** Only the changed partitions' registers, each refused if it changed meanwhile. */
  record Alter(List<PartitionChange> changes) implements Write {
    Alter {
      changes = List.copyOf(changes);
    }

    /** The partitions that differ between each topic's before and after. */
    static Alter of(List<TopicWrites.Change> changes) {
      List<PartitionChange> partitions = new ArrayList<>();
      for (TopicWrites.Change change : changes) {
        List<PartitionAssignment> before = change.before().partitions();
        List<PartitionAssignment> after = change.after().partitions();
        if (before.size() != after.size()) {
          throw new IllegalArgumentException(
              "An alteration keeps the partition count of " + change.before().name());
        }
        for (int p = 0; p < before.size(); p++) {
          if (!before.get(p).equals(after.get(p))) {
            partitions.add(
                new PartitionChange(
                    change.before().name(),
                    change.before().topicId(),
                    before.get(p),
                    after.get(p)));
          }
        }
      }
      return new Alter(partitions);
    }
  }

  /**
   * Copies topics of the old layout into the new ({@code topics}: registers, then entries of those
   * not yet listed), then removes {@code legacyNames} from the old map.
   */
  record Migrate(List<TopicMetadata> topics, Set<String> legacyNames) implements Write {
    Migrate {
      topics = List.copyOf(topics);
      legacyNames = Set.copyOf(legacyNames);
    }
  }

  private final ActorContext<Controller.Command> context;
  private final Controller.Settings settings;
  private final Clock clock;
  private final MetadataQuorum quorum;
  private final SelfUniqueAddress node;
  private final ActorRef<Replicator.Command> replicator;
  private final ReplicatorMessageAdapter<Controller.Command, LWWMap<String, TopicEntry>> list;
  private final ReplicatorMessageAdapter<Controller.Command, LWWRegister<PartitionAssignment>>
      registers;
  private final StoreWrite store;
  private final Map<String, TopicMetadata> topics = new TreeMap<>();
  private final MetadataAssembly assembly = new MetadataAssembly();
  private final PartitionSubscriptions subscriptions = new PartitionSubscriptions();
  private final Map<String, String> namesById = new HashMap<>();
  private Map<String, TopicMetadata> legacy = Map.of();
  private Function<Replicator.SubscribeResponse<?>, Controller.Command> adapt;
  private TopicWrites writes;

  TopicStore(
      ActorContext<Controller.Command> context,
      Controller.Settings settings,
      Clock clock,
      MetadataQuorum quorum) {
    this.context = context;
    this.quorum = quorum;
    this.settings = settings;
    this.clock = clock;
    this.node = DistributedData.get(context.getSystem()).selfUniqueAddress();
    this.replicator = DistributedData.get(context.getSystem()).replicator();
    // The replicator answers every request itself (timeouts included); this only guards the ask.
    var guard = settings.writeTimeout().plus(settings.readTimeout());
    this.list = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.registers = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.store = new StoreWrite(replicator, quorum::write, guard, context.getSystem().scheduler());
  }

  /** Every topic, by name; read-only, changes with the store. */
  Map<String, TopicMetadata> topics() {
    return Collections.unmodifiableMap(topics);
  }

  /** Reads the topics; the answer comes as a {@link Read}, see {@link #loaded}. */
  void load() {
    var guard = settings.writeTimeout().plus(settings.readTimeout());
    var load = new TopicLoad(replicator, quorum::read, guard, context.getSystem().scheduler());
    context.pipeToSelf(load.load(), Read::new);
  }

  /**
   * Takes the answer of the read: the topics are loaded (listed topics missing a register are left
   * out, with a warning), or the read failed and is run again (another {@link Read} follows).
   *
   * @return whether the topics are loaded
   */
  boolean loaded(Read read) {
    if (read.failure() != null) {
      LOG.warn("Reading the topic metadata failed ({}); reading again", read.failure().toString());
      load();
      return false;
    }
    assembly.list(read.loaded().entries());
    read.loaded().registers().forEach(assembly::put);
    topics.clear();
    topics.putAll(assembly.topics());
    assembly.entries().keySet().stream()
        .filter(name -> !topics.containsKey(name))
        .forEach(name -> LOG.warn("Topic {} is listed but misses partition registers", name));
    legacy = read.loaded().legacy();
    return true;
  }

  /**
   * The migration of the old layout ({@link MetadataLayout#LEGACY_TOPICS}) the load found: the
   * topics not listed in the new layout, and every name to remove from the old map; empty if the
   * old map is empty.
   */
  Optional<Migrate> migration() {
    if (legacy.isEmpty()) {
      return Optional.empty();
    }
    List<TopicMetadata> missing =
        legacy.values().stream().filter(t -> !assembly.entries().containsKey(t.name())).toList();
    return Optional.of(new Migrate(missing, legacy.keySet()));
  }

  /**
   * From now on this store writes as the controller of {@code epoch}: every write carries it.
   * Called once, when the controller has claimed its epoch.
   */
  void serveAs(int epoch) {
    writes = new TopicWrites(node, new EpochClock<>(epoch, clock::millis));
  }

  /**
   * Subscribes to the topic list and to the register of every partition of every listed topic. Akka
   * registers message adapters by class, so every subscription of the controller must adapt with
   * the same function; the changes come to {@link #changed}.
   */
  void subscribe(Function<Replicator.SubscribeResponse<?>, Controller.Command> adapt) {
    this.adapt = adapt;
    list.subscribe(MetadataLayout.TOPIC_LIST, adapt::apply);
    follow(assembly.entries());
  }

  private void follow(Map<String, TopicEntry> entries) {
    assembly.list(entries);
    namesById.clear();
    entries.values().forEach(e -> namesById.put(e.topicId(), e.name()));
    PartitionSubscriptions.Diff diff = subscriptions.follow(entries);
    for (var key : diff.unsubscribe()) {
      registers.unsubscribe(key);
      assembly.forget(key.id());
    }
    diff.subscribe().forEach(key -> registers.subscribe(key, adapt::apply));
  }

  /**
   * Takes a subscribed change if it is one of the topic metadata: a new list adds the complete
   * topics the copy does not hold as listed and drops the unlisted; a register replaces its
   * partition in the copy.
   *
   * @return whether it was topic metadata
   */
  @SuppressWarnings("unchecked")
  boolean changed(Replicator.Changed<?> change) {
    if (change.key().equals(MetadataLayout.TOPIC_LIST)) {
      Map<String, TopicEntry> entries =
          ((LWWMap<String, TopicEntry>) change.dataValue()).getEntries();
      follow(entries);
      topics.keySet().removeIf(name -> !entries.containsKey(name));
      for (TopicEntry entry : entries.values()) {
        TopicMetadata held = topics.get(entry.name());
        if (held == null || !TopicEntry.of(held).equals(entry)) {
          TopicMetadata assembled = assembly.assemble(entry);
          if (assembled != null) {
            topics.put(entry.name(), assembled);
          }
        }
      }
      return true;
    }
    if (!MetadataLayout.isPartitionKey(change.key())) {
      return false;
    }
    if (subscriptions.follows(change.key())) {
      var value = ((LWWRegister<PartitionAssignment>) change.dataValue()).getValue();
      assembly.put(change.key().id(), value);
      String id = change.key().id();
      String topicId =
          id.substring(
              MetadataLayout.PARTITION_PREFIX.length(),
              id.length() - ("-" + value.partition()).length());
      TopicMetadata held = topics.get(namesById.get(topicId));
      if (held != null
          && held.topicId().equals(topicId)
          && value.partition() < held.partitions().size()) {
        topics.put(held.name(), withPartition(held, value));
      }
    }
    return true;
  }

  private static TopicMetadata withPartition(TopicMetadata topic, PartitionAssignment partition) {
    List<PartitionAssignment> partitions = new ArrayList<>(topic.partitions());
    partitions.set(partition.partition(), partition);
    return TopicEntry.of(topic).with(partitions);
  }

  /**
   * Writes to a quorum ({@link MetadataQuorum}); once every key write answered, the copy takes the
   * write (the refused keys excepted) and the controller gets {@code adapt}'s message with the
   * worst outcome.
   *
   * @throws IllegalStateException if called before {@link #serveAs}
   */
  void write(Write write, Function<WriteOutcome, Controller.Command> adapt) {
    if (writes == null) {
      throw new IllegalStateException("The topic store writes only once the epoch is claimed");
    }
    context.pipeToSelf(
        StoreWrite.run(phases(write)),
        (result, failure) -> {
          if (failure != null) {
            // StoreWrite maps every answer and every failed ask; this is a bug.
            throw new IllegalStateException("A topic metadata write failed: " + write, failure);
          }
          apply(write, result);
          return adapt.apply(result.outcome());
        });
  }

  private List<List<StoreWrite.KeyWrite>> phases(Write write) {
    if (write instanceof Create create) {
      return List.of(
          setRegisters(create.topic().topicId(), create.topic().partitions()),
          List.of(updateList(writes.create(TopicEntry.of(create.topic())))));
    }
    if (write instanceof Grow grow) {
      TopicMetadata before = grow.change().before();
      TopicMetadata after = grow.change().after();
      List<PartitionAssignment> added =
          after.partitions().subList(before.partitions().size(), after.partitions().size());
      return List.of(
          setRegisters(after.topicId(), added),
          List.of(updateList(writes.grow(TopicEntry.of(before), TopicEntry.of(after)))));
    }
    if (write instanceof Remove remove) {
      TopicEntry entry = TopicEntry.of(remove.topic());
      return List.of(
          List.of(updateList(writes.remove(entry.name()))),
          MetadataLayout.partitionKeys(entry).stream().map(store::delete).toList());
    }
    if (write instanceof Alter alter) {
      return List.of(
          alter.changes().stream()
              .map(
                  c ->
                      store.update(
                          MetadataLayout.partitionKey(c.topicId(), c.before().partition()),
                          writes.absent(),
                          writes.alter(c)))
              .toList());
    }
    Migrate migrate = (Migrate) write;
    List<StoreWrite.KeyWrite> registerWrites = new ArrayList<>();
    migrate.topics().forEach(t -> registerWrites.addAll(setRegisters(t.topicId(), t.partitions())));
    return List.of(
        registerWrites,
        List.of(
            updateList(writes.listMissing(migrate.topics().stream().map(TopicEntry::of).toList()))),
        List.of(
            store.update(
                MetadataLayout.LEGACY_TOPICS,
                LWWMap.empty(),
                TopicWrites.forgetLegacy(node, migrate.legacyNames()))));
  }

  private StoreWrite.KeyWrite updateList(
      Function<LWWMap<String, TopicEntry>, LWWMap<String, TopicEntry>> modify) {
    return store.update(MetadataLayout.TOPIC_LIST, LWWMap.empty(), modify);
  }

  private List<StoreWrite.KeyWrite> setRegisters(
      String topicId, List<PartitionAssignment> partitions) {
    return partitions.stream()
        .map(
            p ->
                store.update(
                    MetadataLayout.partitionKey(topicId, p.partition()),
                    writes.absent(),
                    writes.set(p)))
        .toList();
  }

  private void apply(Write write, StoreWrite.Result result) {
    if (write instanceof Alter alter) {
      for (PartitionChange change : alter.changes()) {
        String keyId =
            MetadataLayout.partitionKey(change.topicId(), change.after().partition()).id();
        TopicMetadata held = topics.get(change.topic());
        if (result.stored(keyId) && held != null && held.topicId().equals(change.topicId())) {
          topics.put(held.name(), withPartition(held, change.after()));
        }
      }
      return;
    }
    if (!result.outcome().stored()) {
      return;
    }
    if (write instanceof Create create) {
      topics.put(create.topic().name(), create.topic());
    } else if (write instanceof Grow grow) {
      topics.put(grow.change().after().name(), grow.change().after());
    } else if (write instanceof Remove remove) {
      topics.remove(remove.topic().name());
    } else {
      Migrate migrate = (Migrate) write;
      migrate.topics().forEach(t -> topics.put(t.name(), t));
      legacy = Map.of();
    }
  }

  /**
   * Records {@code topic}'s id as deleted, with a quorum. Not awaited: the record is in this
   * broker's replica at once and spreads from there; one that is lost (the controller's broker dies
   * first) leaves stray replica logs on disk, never deletes a live one.
   */
  void recordDeleted(TopicMetadata topic) {
    long now = clock.millis();
    AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWMap<String, DeletedTopic>>>ask(
            DistributedData.get(context.getSystem()).replicator(),
            replyTo ->
                new Replicator.Update<>(
                    DeletedTopicsKey.KEY,
                    LWWMap.empty(),
                    quorum.write(),
                    replyTo,
                    map ->
                        DeletedTopicsKey.record(
                            map,
                            node,
                            topic.name(),
                            topic.topicId(),
                            now,
                            settings.deletedTopicsKept())),
            settings.writeTimeout().plus(settings.readTimeout()),
            context.getSystem().scheduler())
        .whenComplete(
            (response, failure) -> {
              if (!(response instanceof Replicator.UpdateSuccess)) {
                LOG.warn(
                    "Recording the deletion of topic {} (id {}) got {}; brokers down now may keep"
                        + " its replica logs",
                    topic.name(),
                    topic.topicId(),
                    failure != null ? failure.toString() : response);
              }
            });
  }
}
