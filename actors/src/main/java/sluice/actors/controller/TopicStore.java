package sluice.actors.controller;

import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.metadata.DeletedTopicsKey;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;

/**
 * The controller's only door to topic metadata in Distributed Data: it reads {@link TopicsKey} at
 * start, subscribes to it, writes it (each write a compare-and-set of {@link TopicWrites} with the
 * controller epoch in its timestamp, {@link EpochClock}) and records deleted topics under {@link
 * DeletedTopicsKey}. It holds the controller's in-memory copy of every topic, which is
 * authoritative because only the controller writes topics. A change of the metadata layout changes
 * this class, not its callers.
 *
 * <p>Invariant: the copy is what the local replica holds as far as the load, the subscription and
 * the controller's own writes tell. A write's answer is applied to the copy (unless the
 * compare-and-set refused) before the caller's message for it is handled.
 *
 * <p>Not thread-safe: it lives inside the controller actor; the answers of the replicator are
 * adapted, and applied, on the actor's thread.
 */
final class TopicStore {
  private static final Logger LOG = LoggerFactory.getLogger(TopicStore.class);

  /** The answer of a read of the topics at start. */
  record Read(Replicator.GetResponse<LWWMap<String, TopicMetadata>> response)
      implements Controller.Internal {}

  /** A write of topic metadata: what the replicator stores and what the copy then holds. */
  sealed interface Write {}

  /** A new topic; refused if one of that name exists. */
  record Create(TopicMetadata topic) implements Write {}

  /** Each topic's {@code before} becomes its {@code after}; refused if any changed meanwhile. */
  record Replace(List<TopicWrites.Change> changes) implements Write {
    Replace {
      changes = List.copyOf(changes);
    }
  }

  /** Removes a topic. */
  record Remove(TopicMetadata topic) implements Write {}

  private final ActorContext<Controller.Command> context;
  private final Controller.Settings settings;
  private final Clock clock;
  private final SelfUniqueAddress node;
  private final ReplicatorMessageAdapter<Controller.Command, LWWMap<String, TopicMetadata>>
      replicator;
  private final Map<String, TopicMetadata> topics = new TreeMap<>();
  private TopicWrites writes;

  TopicStore(ActorContext<Controller.Command> context, Controller.Settings settings, Clock clock) {
    this.context = context;
    this.settings = settings;
    this.clock = clock;
    this.node = DistributedData.get(context.getSystem()).selfUniqueAddress();
    // The replicator answers every request itself (timeouts included); this only guards the ask.
    this.replicator =
        new ReplicatorMessageAdapter<>(
            context,
            DistributedData.get(context.getSystem()).replicator(),
            settings.writeTimeout().plus(settings.readTimeout()));
  }

  /** Every topic, by name; read-only, changes with the store. */
  Map<String, TopicMetadata> topics() {
    return Collections.unmodifiableMap(topics);
  }

  /** Reads the topics from a majority; the answer comes as a {@link Read}, see {@link #loaded}. */
  void load() {
    replicator.askGet(
        replyTo ->
            new Replicator.Get<>(
                TopicsKey.KEY, new Replicator.ReadMajority(settings.readTimeout()), replyTo),
        Read::new);
  }

  /**
   * Takes the answer of a read: the topics are loaded, or no majority answered and the local copy
   * is read instead (another {@link Read} follows).
   *
   * @return whether the topics are loaded
   */
  boolean loaded(Read read) {
    var response = read.response();
    if (response instanceof Replicator.GetFailure) {
      LOG.warn("No majority answered for topic metadata; reading the local copy");
      replicator.askGet(
          replyTo -> new Replicator.Get<>(TopicsKey.KEY, Replicator.readLocal(), replyTo),
          Read::new);
      return false;
    }
    topics.clear();
    if (response instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> success) {
      topics.putAll(success.get(TopicsKey.KEY).getEntries());
    }
    return true;
  }

  /**
   * From now on this store writes as the controller of {@code epoch}: every write carries it.
   * Called once, when the controller has claimed its epoch.
   */
  void serveAs(int epoch) {
    writes = new TopicWrites(node, new EpochClock<>(epoch, clock::millis));
  }

  /**
   * Subscribes to the topics. Akka registers message adapters by class, so every subscription of
   * the controller must adapt with the same function; the changes come to {@link #changed}.
   */
  void subscribe(
      Function<Replicator.SubscribeResponse<LWWMap<String, TopicMetadata>>, Controller.Command>
          adapt) {
    replicator.subscribe(TopicsKey.KEY, adapt::apply);
  }

  /**
   * Takes a subscribed change if it is one of the topics.
   *
   * @return whether it was: the copy now holds the changed topics
   */
  @SuppressWarnings("unchecked")
  boolean changed(Replicator.Changed<?> change) {
    if (!change.key().equals(TopicsKey.KEY)) {
      return false;
    }
    topics.clear();
    topics.putAll(((LWWMap<String, TopicMetadata>) change.dataValue()).getEntries());
    return true;
  }

  /**
   * Writes with a majority; once the replicator answers, the copy takes the write (unless it was
   * refused) and the controller gets {@code adapt}'s message.
   *
   * @throws IllegalStateException if called before {@link #serveAs}
   */
  void write(Write write, Function<WriteOutcome, Controller.Command> adapt) {
    if (writes == null) {
      throw new IllegalStateException("The topic store writes only once the epoch is claimed");
    }
    Function<LWWMap<String, TopicMetadata>, LWWMap<String, TopicMetadata>> modify;
    if (write instanceof Create create) {
      modify = writes.create(create.topic());
    } else if (write instanceof Replace replace) {
      modify = writes.replace(replace.changes());
    } else {
      modify = writes.remove(((Remove) write).topic().name());
    }
    replicator.askUpdate(
        replyTo ->
            new Replicator.Update<>(
                TopicsKey.KEY,
                LWWMap.empty(),
                new Replicator.WriteMajority(settings.writeTimeout()),
                replyTo,
                modify),
        response -> {
          WriteOutcome outcome = WriteOutcome.of(response);
          if (outcome.stored()) {
            apply(write);
          }
          return adapt.apply(outcome);
        });
  }

  private void apply(Write write) {
    if (write instanceof Create create) {
      topics.put(create.topic().name(), create.topic());
    } else if (write instanceof Replace replace) {
      replace.changes().forEach(c -> topics.put(c.after().name(), c.after()));
    } else {
      topics.remove(((Remove) write).topic().name());
    }
  }

  /**
   * Records {@code topic}'s id as deleted, with a majority. Not awaited: the record is in this
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
                    new Replicator.WriteMajority(settings.writeTimeout()),
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
