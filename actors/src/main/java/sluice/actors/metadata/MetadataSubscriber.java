package sluice.actors.metadata;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWRegister;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@link MetadataView}'s actor: the broker's one subscriber to the topic metadata in
 * Distributed Data (the topic list and the register of every partition of every listed topic,
 * {@link MetadataLayout}, followed by {@link PartitionSubscriptions} and put together by {@link
 * MetadataAssembly}) and to the broker registrations ({@link BrokersKey}), the one writer of the
 * view's snapshot, and the registry of the view's subscriptions. Every update (a change, a read) is
 * made current in the view before any subscriber is told of it, so a subscriber that reads the view
 * after a notification sees at least what it was told. The topics count as loaded once a read of
 * the list and of the registers of its topics answered. Local only; its messages never cross the
 * network.
 */
final class MetadataSubscriber {

  sealed interface Command extends NoSerializationVerificationNeeded {}

  record SubscribePartition(
      PartitionId partition, ActorRef<MetadataView.PartitionChanged> subscriber)
      implements Command {}

  record SubscribeReplicas(int brokerId, ActorRef<MetadataView.ReplicasChanged> subscriber)
      implements Command {}

  record SubscribeAll(ActorRef<MetadataView.Changed> subscriber) implements Command {}

  record Unsubscribe(ActorRef<?> subscriber) implements Command {}

  /** Read the topics locally ({@code majorityTimeout} null) or from a majority within it. */
  record Refresh(Duration majorityTimeout, ActorRef<ReadDone> replyTo) implements Command {}

  /** Exactly one of {@code snapshot} and {@code failure} is non-null. */
  record ReadDone(MetadataSnapshot snapshot, String failure)
      implements NoSerializationVerificationNeeded {}

  /** A subscribed key changed. One record for both keys: adapters are registered by class. */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Command {}

  private record TopicsRead(
      Replicator.GetResponse<LWWMap<String, TopicEntry>> response, Reading reading)
      implements Command {}

  private record RegisterRead(
      Replicator.GetResponse<LWWRegister<PartitionAssignment>> response, Reading reading)
      implements Command {}

  /** A read under way: the registers it still waits for; {@code replyTo} may be null. */
  private record Reading(
      Replicator.ReadConsistency consistency, Set<String> pending, ActorRef<ReadDone> replyTo) {}

  private record BrokersRead(Replicator.GetResponse<LWWMap<String, BrokerRegistration>> response)
      implements Command {}

  private record SubscriberStopped(ActorRef<?> subscriber) implements Command {}

  static Behavior<Command> create(MetadataView view) {
    return Behaviors.setup(context -> new MetadataSubscriber(context, view).start());
  }

  private final ActorContext<Command> context;
  private final MetadataView view;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, TopicEntry>> topics;
  private final ReplicatorMessageAdapter<Command, LWWRegister<PartitionAssignment>> registers;
  private final MetadataAssembly assembly = new MetadataAssembly();
  private final PartitionSubscriptions subscriptions = new PartitionSubscriptions();
  private final ReplicatorMessageAdapter<Command, LWWMap<String, BrokerRegistration>> brokers;

  private final Map<PartitionId, Set<ActorRef<MetadataView.PartitionChanged>>>
      partitionSubscribers = new HashMap<>();
  private final Map<Integer, Set<ActorRef<MetadataView.ReplicasChanged>>> replicaSubscribers =
      new HashMap<>();
  private final Set<ActorRef<MetadataView.Changed>> allSubscribers = new HashSet<>();

  /** The partitions each partition subscriber subscribed to, to forget it quickly. */
  private final Map<ActorRef<?>, Set<PartitionId>> partitionsOf = new HashMap<>();

  private MetadataSubscriber(ActorContext<Command> context, MetadataView view) {
    this.context = context;
    this.view = view;
    var replicator = DistributedData.get(context.getSystem()).replicator();
    // The replicator answers every read itself (timeouts included); this only guards the ask.
    Duration guard = Duration.ofMinutes(1);
    this.topics = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.registers = new ReplicatorMessageAdapter<>(context, replicator, guard);
    this.brokers = new ReplicatorMessageAdapter<>(context, replicator, guard);
  }

  private Behavior<Command> start() {
    topics.subscribe(MetadataLayout.TOPIC_LIST, DataChanged::new);
    brokers.subscribe(BrokersKey.KEY, DataChanged::new);
    // A first read, so the topics count as read even when there are none yet.
    read(Replicator.readLocal(), null);
    brokers.askGet(
        replyTo -> new Replicator.Get<>(BrokersKey.KEY, Replicator.readLocal(), replyTo),
        BrokersRead::new);
    return Behaviors.receive(Command.class)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(Refresh.class, this::onRefresh)
        .onMessage(TopicsRead.class, this::onTopicsRead)
        .onMessage(RegisterRead.class, this::onRegisterRead)
        .onMessage(BrokersRead.class, this::onBrokersRead)
        .onMessage(SubscribePartition.class, this::onSubscribePartition)
        .onMessage(SubscribeReplicas.class, this::onSubscribeReplicas)
        .onMessage(SubscribeAll.class, this::onSubscribeAll)
        .onMessage(Unsubscribe.class, this::onUnsubscribe)
        .onMessage(SubscriberStopped.class, this::onSubscriberStopped)
        .build();
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onDataChanged(DataChanged message) {
    if (message.response() instanceof Replicator.Changed<?> changed) {
      if (changed.key().equals(MetadataLayout.TOPIC_LIST)) {
        list(((LWWMap<String, TopicEntry>) changed.dataValue()).getEntries());
        publishTopics(view.current().topicsLoaded());
      } else if (MetadataLayout.isPartitionKey(changed.key())) {
        var register = (LWWRegister<PartitionAssignment>) changed.dataValue();
        assembly.put(changed.key().id(), register.getValue());
        publishTopics(view.current().topicsLoaded());
      } else if (changed.key().equals(BrokersKey.KEY)) {
        var map = (LWWMap<String, BrokerRegistration>) changed.dataValue();
        update(view.current().withBrokers(map.getEntries().values()));
      }
    } else if (message.response() instanceof Replicator.Deleted<?> deleted
        && MetadataLayout.isPartitionKey(deleted.key())) {
      assembly.forget(deleted.key().id());
      publishTopics(view.current().topicsLoaded());
    }
    return Behaviors.same();
  }

  /** Takes a new topic list: follows the registers of its topics, forgets those of the others. */
  private void list(Map<String, TopicEntry> entries) {
    assembly.list(entries);
    PartitionSubscriptions.Diff diff = subscriptions.follow(entries);
    for (var key : diff.unsubscribe()) {
      registers.unsubscribe(key);
      assembly.forget(key.id());
    }
    // The replicator answers a new subscriber with the current value, if there is one.
    diff.subscribe().forEach(key -> registers.subscribe(key, DataChanged::new));
  }

  private void publishTopics(boolean loaded) {
    update(view.current().withTopics(assembly.topics(), loaded));
  }

  private Behavior<Command> onRefresh(Refresh refresh) {
    Replicator.ReadConsistency consistency =
        refresh.majorityTimeout() == null
            ? Replicator.readLocal()
            : new Replicator.ReadMajority(refresh.majorityTimeout());
    read(consistency, refresh.replyTo());
    return Behaviors.same();
  }

  /**
   * Reads the topic list, then the registers of its incomplete topics, with {@code consistency}.
   */
  private void read(Replicator.ReadConsistency consistency, ActorRef<ReadDone> replyTo) {
    Reading reading = new Reading(consistency, new HashSet<>(), replyTo);
    topics.askGet(
        askReplyTo -> new Replicator.Get<>(MetadataLayout.TOPIC_LIST, consistency, askReplyTo),
        response -> new TopicsRead(response, reading));
  }

  private Behavior<Command> onTopicsRead(TopicsRead read) {
    Reading reading = read.reading();
    if (read.response() instanceof Replicator.GetSuccess<LWWMap<String, TopicEntry>> found) {
      list(found.get(MetadataLayout.TOPIC_LIST).getEntries());
    } else if (!(read.response() instanceof Replicator.NotFound<?>)) {
      done(reading, "reading the topic list failed: " + read.response());
      return Behaviors.same();
    }
    for (TopicEntry entry : assembly.entries().values()) {
      if (!assembly.complete(entry.name())) {
        for (Key<LWWRegister<PartitionAssignment>> key : MetadataLayout.partitionKeys(entry)) {
          reading.pending().add(key.id());
          registers.askGet(
              askReplyTo -> new Replicator.Get<>(key, reading.consistency(), askReplyTo),
              response -> new RegisterRead(response, reading));
        }
      }
    }
    if (reading.pending().isEmpty()) {
      done(reading, null);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRegisterRead(RegisterRead read) {
    Reading reading = read.reading();
    var response = read.response();
    reading.pending().remove(response.key().id());
    if (response instanceof Replicator.GetSuccess<LWWRegister<PartitionAssignment>> found
        && subscriptions.follows(response.key())) {
      assembly.put(response.key().id(), found.get(found.key()).getValue());
    }
    if (reading.pending().isEmpty()) {
      done(reading, null);
    }
    return Behaviors.same();
  }

  /** A read ended: the topics are loaded (unless it failed) and the reader, if any, is told. */
  private void done(Reading reading, String failure) {
    if (failure == null) {
      publishTopics(true);
    }
    if (reading.replyTo() != null) {
      reading.replyTo().tell(new ReadDone(failure == null ? view.current() : null, failure));
    }
  }

  private Behavior<Command> onBrokersRead(BrokersRead read) {
    if (read.response()
        instanceof Replicator.GetSuccess<LWWMap<String, BrokerRegistration>> found) {
      update(view.current().withBrokers(found.get(BrokersKey.KEY).getEntries().values()));
    }
    return Behaviors.same();
  }

  /** Makes {@code after} current, then tells every subscriber what concerns it. */
  private void update(MetadataSnapshot after) {
    MetadataSnapshot before = view.current();
    view.publish(after);
    Set<PartitionId> changed = MetadataChanges.partitions(before, after);
    boolean brokersChanged = MetadataChanges.brokers(before, after);
    boolean firstLoad = !before.topicsLoaded() && after.topicsLoaded();
    for (PartitionId id : changed) {
      Set<ActorRef<MetadataView.PartitionChanged>> subscribers = partitionSubscribers.get(id);
      if (subscribers != null) {
        var message = partitionChanged(after, id);
        subscribers.forEach(subscriber -> subscriber.tell(message));
      }
    }
    for (var entry : replicaSubscribers.entrySet()) {
      Set<PartitionId> onBroker = MetadataChanges.onBroker(changed, before, after, entry.getKey());
      if (firstLoad || !onBroker.isEmpty()) {
        var message = new MetadataView.ReplicasChanged(entry.getKey(), Set.copyOf(onBroker), after);
        entry.getValue().forEach(subscriber -> subscriber.tell(message));
      }
    }
    if (!changed.isEmpty() || brokersChanged || firstLoad) {
      var message = new MetadataView.Changed(after, Set.copyOf(changed), brokersChanged);
      allSubscribers.forEach(subscriber -> subscriber.tell(message));
    }
  }

  private static MetadataView.PartitionChanged partitionChanged(
      MetadataSnapshot snapshot, PartitionId id) {
    return new MetadataView.PartitionChanged(
        id,
        snapshot.topic(id.topic()).orElse(null),
        snapshot.partition(id.topic(), id.partition()).orElse(null));
  }

  private Behavior<Command> onSubscribePartition(SubscribePartition subscribe) {
    watch(subscribe.subscriber());
    partitionSubscribers
        .computeIfAbsent(subscribe.partition(), id -> new HashSet<>())
        .add(subscribe.subscriber());
    partitionsOf
        .computeIfAbsent(subscribe.subscriber(), ref -> new HashSet<>())
        .add(subscribe.partition());
    MetadataSnapshot now = view.current();
    if (now.topic(subscribe.partition().topic()).isPresent()) {
      subscribe.subscriber().tell(partitionChanged(now, subscribe.partition()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onSubscribeReplicas(SubscribeReplicas subscribe) {
    watch(subscribe.subscriber());
    replicaSubscribers
        .computeIfAbsent(subscribe.brokerId(), id -> new HashSet<>())
        .add(subscribe.subscriber());
    MetadataSnapshot now = view.current();
    if (now.topicsLoaded()) {
      Set<PartitionId> hosted = MetadataChanges.hostedBy(now, subscribe.brokerId());
      subscribe
          .subscriber()
          .tell(new MetadataView.ReplicasChanged(subscribe.brokerId(), Set.copyOf(hosted), now));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onSubscribeAll(SubscribeAll subscribe) {
    watch(subscribe.subscriber());
    allSubscribers.add(subscribe.subscriber());
    MetadataSnapshot now = view.current();
    if (now.topicsLoaded()) {
      Set<PartitionId> all = MetadataChanges.partitions(MetadataSnapshot.EMPTY, now);
      subscribe.subscriber().tell(new MetadataView.Changed(now, Set.copyOf(all), true));
    }
    return Behaviors.same();
  }

  private void watch(ActorRef<?> subscriber) {
    context.watchWith(subscriber, new SubscriberStopped(subscriber));
  }

  private Behavior<Command> onUnsubscribe(Unsubscribe unsubscribe) {
    context.unwatch(unsubscribe.subscriber());
    return forget(unsubscribe.subscriber());
  }

  private Behavior<Command> onSubscriberStopped(SubscriberStopped stopped) {
    return forget(stopped.subscriber());
  }

  private Behavior<Command> forget(ActorRef<?> subscriber) {
    for (PartitionId id : partitionsOf.getOrDefault(subscriber, Set.of())) {
      Set<ActorRef<MetadataView.PartitionChanged>> subscribers = partitionSubscribers.get(id);
      if (subscribers != null && subscribers.remove(subscriber) && subscribers.isEmpty()) {
        partitionSubscribers.remove(id);
      }
    }
    partitionsOf.remove(subscriber);
    replicaSubscribers.values().removeIf(set -> set.remove(subscriber) && set.isEmpty());
    allSubscribers.remove(subscriber);
    return Behaviors.same();
  }
}
