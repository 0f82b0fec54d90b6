package sluice.actors.replica;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import sluice.actors.api.CborSerializable;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.DeletedTopicsKey;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.replica.PartitionFollower.Assignment;
import sluice.actors.replica.PartitionFollower.Truncation;
import sluice.actors.replica.PartitionFollower.TruncationNeeded;
import sluice.storage.log.LogConfig;

/**
 * The replicas of this broker ({@code sluice.broker-id}), one manager per broker: it runs a {@link
 * PartitionFollower} for every partition whose replicas include this broker and whose leader is
 * another broker, and owns the <b>write lease</b> of each partition log on this broker, so that at
 * no moment do two actors write one log.
 *
 * <p><b>Metadata.</b> It reads the topic metadata ({@link TopicsKey}) from the local Distributed
 * Data replica at start and subscribes to it. For each partition listing this broker: leader
 * another broker, a follower fetches from it (a new leader or leader epoch stops the follower and
 * starts one for the new leader); leader -1 (offline) or this broker, no follower and the log is
 * kept. A partition that stops listing this broker, or whose topic is deleted or created again (a
 * new topic id), loses its follower and its log ({@link Logs#delete}); a partition whose topic was
 * never seen here is left alone, unless its topic id is recorded as deleted.
 *
 * <p><b>Stray logs.</b> A topic deleted while this broker was down leaves its replica logs here
 * with no metadata to name them. The manager subscribes to the deleted topics the controller
 * records ({@link DeletedTopicsKey}) and, once it has the topic metadata, whenever that record
 * changes (the first time: at start, from the durable local copy, then as gossip brings the
 * deletions it missed), deletes every directory {@link StrayLogs} finds, naming each in the log.
 * Absence from the metadata alone never deletes anything.
 *
 * <p><b>Write lease.</b> A partition leader entity asks for the lease ({@link AcquireLease}) before
 * it opens its log. The manager stops the partition's follower, waits for its termination, then
 * grants the lease and watches the leader; until the leader terminates no follower starts on that
 * log, whatever the metadata says. Requests for a held lease wait their turn. A follower's log cut
 * ({@link TruncationNeeded}) is carried out the same way: the follower is stopped, and the next
 * follower applies the cut before it recovers, provided it follows the same leader and epoch.
 *
 * <p>A follower that stops on its own (its log cannot be opened or written) is started again after
 * {@code sluice.replication.fetch-max-backoff}.
 *
 * <p>Threading: an actor; local to its broker (found through {@link LocalReplicaManager}), stopped
 * with its followers in the broker's coordinated shutdown before the logs close. Crash: nothing of
 * it is durable; after a restart the metadata alone says which followers run.
 */
public final class ReplicaManager {

  // ---- protocol --------------------------------------------------------------------------------

  /** Everything the replica manager handles. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Asks for the write lease of {@code topicPartition}'s log on this broker for {@code holder}, a
   * starting partition leader; answered with {@link LeaseGranted} once no follower writes the log.
   * The lease is held until {@code holder} terminates.
   */
  public record AcquireLease(
      String topicPartition,
      ActorRef<PartitionLeader.Command> holder,
      ActorRef<LeaseGranted> replyTo)
      implements Command {}

  /** The lease of {@code topicPartition} is the asker's. */
  public record LeaseGranted(String topicPartition) implements CborSerializable {}

  /**
   * Stops every follower (each once its write in flight is done) and then the manager; {@code
   * replyTo} hears when all have stopped. The broker's shutdown sends it before the logs close.
   */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  private record MetadataChanged(Map<String, TopicMetadata> topics) implements Command {}

  /** A subscribed key changed (one record for all keys: adapters are registered by class). */
  private record DataChanged(Replicator.SubscribeResponse<?> response) implements Command {}

  private record FollowerTerminated(
      String topicPartition, ActorRef<PartitionFollower.Command> follower) implements Command {}

  private record HolderTerminated(String topicPartition, ActorRef<PartitionLeader.Command> holder)
      implements Command {}

  private record CutRequested(TruncationNeeded needed) implements Command {}

  private record RestartDue(String topicPartition) implements Command {}

  // ---- creation --------------------------------------------------------------------------------

  /** The manager of this broker, fetching from the sharded partition leaders. */
  public static Behavior<Command> create(ActorSystem<?> system) {
    return create(
        ReplicationSettings.from(system.settings().config()),
        topicPartition ->
            ClusterSharding.get(system).entityRefFor(PartitionLeader.TYPE_KEY, topicPartition));
  }

  /**
   * A manager whose followers reach the leader of a {@code topic-partition} through {@code leaders}
   * (tests pass a stand-in).
   */
  public static Behavior<Command> create(
      ReplicationSettings settings,
      Function<String, RecipientRef<PartitionLeader.Command>> leaders) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new ReplicaManager(context, timers, settings, leaders).begin()));
  }

  // ---- state -----------------------------------------------------------------------------------

  /** What this broker does with one partition log. */
  private static final class Slot {
    /** The topic id of the log this broker keeps, null if none (or only a leader's). */
    String topicId;

    ActorRef<PartitionFollower.Command> follower;
    Assignment following;
    Map<String, String> followingConfigs;
    boolean stopping;
    Truncation truncation;
    boolean backingOff;
    ActorRef<PartitionLeader.Command> holder;
    final List<AcquireLease> waiting = new ArrayList<>();
  }

  /** What the metadata asks of this broker for one partition it replicates. */
  private record Wanted(
      String topic,
      int partition,
      String topicId,
      int leader,
      int leaderEpoch,
      TopicMetadata meta) {
    Assignment assignment() {
      return new Assignment(topic, partition, topicId, leader, leaderEpoch);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ReplicationSettings settings;
  private final Function<String, RecipientRef<PartitionLeader.Command>> leaders;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, TopicMetadata>> replicator;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, DeletedTopic>> deletedReplicator;
  private final ActorRef<TruncationNeeded> cutAdapter;
  private final Map<String, Slot> slots = new HashMap<>();
  private Map<String, TopicMetadata> topics = Map.of();
  private boolean topicsRead;
  private Map<String, DeletedTopic> deleted = Map.of();
  private long generation;

  private ReplicaManager(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ReplicationSettings settings,
      Function<String, RecipientRef<PartitionLeader.Command>> leaders) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.leaders = leaders;
    var ddata = DistributedData.get(context.getSystem()).replicator();
    this.replicator = new ReplicatorMessageAdapter<>(context, ddata, Duration.ofSeconds(5));
    this.deletedReplicator = new ReplicatorMessageAdapter<>(context, ddata, Duration.ofSeconds(5));
    this.cutAdapter = context.messageAdapter(TruncationNeeded.class, CutRequested::new);
  }

  private Behavior<Command> begin() {
    replicator.askGet(
        replyTo -> new Replicator.Get<>(TopicsKey.KEY, Replicator.readLocal(), replyTo),
        response ->
            response instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> found
                ? new MetadataChanged(found.dataValue().getEntries())
                : new MetadataChanged(null));
    replicator.subscribe(TopicsKey.KEY, DataChanged::new);
    deletedReplicator.subscribe(DeletedTopicsKey.KEY, DataChanged::new);
    return Behaviors.receive(Command.class)
        .onMessage(MetadataChanged.class, this::onMetadataChanged)
        .onMessage(DataChanged.class, this::onDataChanged)
        .onMessage(AcquireLease.class, this::onAcquireLease)
        .onMessage(FollowerTerminated.class, this::onFollowerTerminated)
        .onMessage(HolderTerminated.class, this::onHolderTerminated)
        .onMessage(CutRequested.class, this::onCutRequested)
        .onMessage(RestartDue.class, this::onRestartDue)
        .onMessage(Stop.class, this::onStop)
        .build();
  }

  // ---- handlers --------------------------------------------------------------------------------

  private Behavior<Command> onMetadataChanged(MetadataChanged changed) {
    if (changed.topics() == null) {
      return Behaviors.same();
    }
    topics = changed.topics();
    boolean firstRead = !topicsRead;
    topicsRead = true;
    Set<String> touched = new HashSet<>(slots.keySet());
    for (TopicMetadata topic : topics.values()) {
      for (PartitionAssignment assignment : topic.partitions()) {
        if (assignment.replicas().contains(settings.brokerId())) {
          String topicPartition = PartitionLeader.entityId(topic.name(), assignment.partition());
          slots.computeIfAbsent(topicPartition, tp -> new Slot());
          touched.add(topicPartition);
        }
      }
    }
    touched.forEach(this::reconcile);
    if (firstRead) {
      deleteStrayLogs();
    }
    return Behaviors.same();
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onDataChanged(DataChanged message) {
    if (!(message.response() instanceof Replicator.Changed<?> changed)) {
      return Behaviors.same();
    }
    if (changed.key().equals(TopicsKey.KEY)) {
      return onMetadataChanged(
          new MetadataChanged(((LWWMap<String, TopicMetadata>) changed.dataValue()).getEntries()));
    }
    if (changed.key().equals(DeletedTopicsKey.KEY)) {
      deleted = ((LWWMap<String, DeletedTopic>) changed.dataValue()).getEntries();
      if (topicsRead) {
        deleteStrayLogs();
      }
    }
    return Behaviors.same();
  }

  /**
   * Deletes the replica logs of deleted topics that nothing here knows about (see {@link
   * StrayLogs}); each deletion is logged. A failure is logged and retried at the next change.
   */
  private void deleteStrayLogs() {
    if (deleted.isEmpty()) {
      return;
    }
    Logs logs = Logs.get(context.getSystem());
    try {
      Set<String> liveIds = new HashSet<>();
      topics.values().forEach(topic -> liveIds.add(topic.topicId()));
      for (StrayLogs.Stray stray :
          StrayLogs.select(logs.storedLogs(), deleted, liveIds, slots.keySet())) {
        DeletedTopic deletion = stray.deletion();
        if (logs.deleteStray(stray.log().topicPartition(), deletion.topicId())) {
          context
              .getLog()
              .info(
                  "Deleted the stray replica log {}: topic '{}' (id {}) was deleted at {} while"
                      + " this broker was away",
                  logs.partitionDir(stray.log().topicPartition()),
                  deletion.name(),
                  deletion.topicId(),
                  java.time.Instant.ofEpochMilli(deletion.deletedAtMillis()));
        }
      }
    } catch (RuntimeException e) {
      // The manager must live on: it holds the leases of every partition here.
      context.getLog().error("Looking for stray replica logs failed", e);
    }
  }

  private Behavior<Command> onAcquireLease(AcquireLease acquire) {
    Slot slot = slots.computeIfAbsent(acquire.topicPartition(), tp -> new Slot());
    if (acquire.holder().equals(slot.holder)) {
      acquire.replyTo().tell(new LeaseGranted(acquire.topicPartition()));
      return Behaviors.same();
    }
    slot.waiting.add(acquire);
    reconcile(acquire.topicPartition());
    return Behaviors.same();
  }

  private Behavior<Command> onFollowerTerminated(FollowerTerminated terminated) {
    Slot slot = slots.get(terminated.topicPartition());
    if (slot == null || !terminated.follower().equals(slot.follower)) {
      return Behaviors.same();
    }
    slot.follower = null;
    slot.following = null;
    if (!slot.stopping) {
      slot.backingOff = true;
      timers.startSingleTimer(
          terminated.topicPartition(),
          new RestartDue(terminated.topicPartition()),
          settings.fetchMaxBackoff());
      context
          .getLog()
          .warn(
              "The follower of {} stopped on its own; another starts in {} ms if still wanted",
              terminated.topicPartition(),
              settings.fetchMaxBackoff().toMillis());
    }
    slot.stopping = false;
    reconcile(terminated.topicPartition());
    return Behaviors.same();
  }

  private Behavior<Command> onHolderTerminated(HolderTerminated terminated) {
    Slot slot = slots.get(terminated.topicPartition());
    if (slot != null && terminated.holder().equals(slot.holder)) {
      slot.holder = null;
      context.getLog().debug("Write lease of {} is free", terminated.topicPartition());
      reconcile(terminated.topicPartition());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onCutRequested(CutRequested requested) {
    TruncationNeeded needed = requested.needed();
    String topicPartition = needed.truncation().assignment().topicPartition();
    Slot slot = slots.get(topicPartition);
    if (slot != null && needed.follower().equals(slot.follower) && !slot.stopping) {
      slot.truncation = needed.truncation();
      stopFollower(slot);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRestartDue(RestartDue due) {
    Slot slot = slots.get(due.topicPartition());
    if (slot != null) {
      slot.backingOff = false;
      reconcile(due.topicPartition());
    }
    return Behaviors.same();
  }

  /** Children stop before the parent's post-stop, so the reply means no follower writes. */
  private Behavior<Command> onStop(Stop stop) {
    context.getLog().info("Stopping the followers of {} partition(s)", slots.size());
    return Behaviors.stopped(() -> stop.replyTo().tell(Done.done()));
  }

  // ---- the rule --------------------------------------------------------------------------------

  /**
   * Brings one partition in line with the metadata and the lease: a follower stops when it follows
   * something else or a leader waits for the lease; with no follower, the lease goes to the next
   * waiting leader; with no leader either, a log of a topic this broker no longer replicates is
   * deleted, and a follower starts if the metadata asks for one.
   */
  private void reconcile(String topicPartition) {
    Slot slot = slots.get(topicPartition);
    Wanted wanted = wanted(topicPartition);
    if (slot.follower != null) {
      if (!slot.stopping
          && (!slot.waiting.isEmpty()
              || wanted == null
              || !follows(wanted)
              || !wanted.assignment().equals(slot.following))) {
        stopFollower(slot);
      } else if (!slot.stopping && !wanted.meta().configs().equals(slot.followingConfigs)) {
        updateConfig(topicPartition, wanted.meta().configs());
        slot.followingConfigs = wanted.meta().configs();
      }
      return;
    }
    if (slot.holder == null && !slot.waiting.isEmpty()) {
      grant(topicPartition, slot, slot.waiting.remove(0));
    }
    if (slot.holder != null) {
      // The leader keeps its own log; it deletes it itself when its topic is deleted.
      if (wanted != null) {
        slot.topicId = wanted.topicId();
      }
      slot.truncation = null;
      return;
    }
    if (slot.topicId != null && (wanted == null || !slot.topicId.equals(wanted.topicId()))) {
      context
          .getLog()
          .info(
              "Deleting the replica log of {}: {}",
              topicPartition,
              wanted == null
                  ? "this broker no longer holds a replica of it"
                  : "its topic was created again");
      try {
        Logs.get(context.getSystem()).delete(topicPartition);
      } catch (RuntimeException e) {
        // The manager must live on: it holds the leases of every partition here.
        context.getLog().error("Deleting the replica log of {} failed", topicPartition, e);
      }
      slot.topicId = null;
      slot.truncation = null;
    }
    if (wanted == null) {
      slots.remove(topicPartition);
      return;
    }
    slot.topicId = wanted.topicId();
    if (!follows(wanted) || slot.backingOff) {
      return;
    }
    startFollower(topicPartition, slot, wanted);
  }

  /** This broker's replica of {@code topicPartition} per the metadata, null if it has none. */
  private Wanted wanted(String topicPartition) {
    int dash = topicPartition.lastIndexOf('-');
    TopicMetadata topic = topics.get(topicPartition.substring(0, dash));
    if (topic == null) {
      return null;
    }
    int partition = Integer.parseInt(topicPartition.substring(dash + 1));
    PartitionAssignment assignment = topic.partition(partition).orElse(null);
    if (assignment == null || !assignment.replicas().contains(settings.brokerId())) {
      return null;
    }
    return new Wanted(
        topic.name(),
        partition,
        topic.topicId(),
        assignment.leader(),
        assignment.leaderEpoch(),
        topic);
  }

  private boolean follows(Wanted wanted) {
    return wanted.leader() >= 0 && wanted.leader() != settings.brokerId();
  }

  private void grant(String topicPartition, Slot slot, AcquireLease acquire) {
    slot.holder = acquire.holder();
    context.watchWith(acquire.holder(), new HolderTerminated(topicPartition, acquire.holder()));
    acquire.replyTo().tell(new LeaseGranted(topicPartition));
    context.getLog().debug("Write lease of {} granted to {}", topicPartition, acquire.holder());
  }

  private void stopFollower(Slot slot) {
    slot.stopping = true;
    slot.follower.tell(new PartitionFollower.Stop());
  }

  private void startFollower(String topicPartition, Slot slot, Wanted wanted) {
    LogConfig config;
    try {
      config = LogConfig.from(PartitionLeader.logConfigs(wanted.meta().configs()));
    } catch (RuntimeException e) {
      context
          .getLog()
          .error("No follower for {}: its topic's configs are refused", topicPartition, e);
      return;
    }
    Assignment assignment = wanted.assignment();
    Truncation truncation =
        slot.truncation != null && slot.truncation.assignment().equals(assignment)
            ? slot.truncation
            : null;
    slot.truncation = null;
    ActorRef<PartitionFollower.Command> follower =
        context.spawn(
            PartitionFollower.create(
                assignment,
                config,
                truncation,
                settings,
                leaders.apply(topicPartition),
                cutAdapter),
            "follower-" + topicPartition + "-" + (++generation));
    context.watchWith(follower, new FollowerTerminated(topicPartition, follower));
    slot.follower = follower;
    slot.following = assignment;
    slot.followingConfigs = wanted.meta().configs();
  }

  private void updateConfig(String topicPartition, Map<String, String> configs) {
    try {
      LogConfig config = LogConfig.from(PartitionLeader.logConfigs(configs));
      Logs.get(context.getSystem()).find(topicPartition).ifPresent(log -> log.updateConfig(config));
    } catch (RuntimeException e) {
      context
          .getLog()
          .error("Keeping the configs of replica {}: the new ones are refused", topicPartition, e);
    }
  }
}
