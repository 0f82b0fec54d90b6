package sluice.actors.replica;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.RecipientRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import sluice.actors.journal.DataDirHealth;
import sluice.actors.journal.Logs;
import sluice.actors.lease.WriteLease;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.replica.PartitionFollower.TruncationNeeded;
import sluice.actors.replica.ReplicaSlot.DeleteLog;
import sluice.actors.replica.ReplicaSlot.Forget;
import sluice.actors.replica.ReplicaSlot.Grant;
import sluice.actors.replica.ReplicaSlot.StartFollower;
import sluice.actors.replica.ReplicaSlot.Step;
import sluice.actors.replica.ReplicaSlot.StopFollower;
import sluice.actors.replica.ReplicaSlot.UpdateConfigs;
import sluice.storage.log.LogConfig;

/**
 * The replicas of this broker ({@code sluice.broker-id}), one manager per broker: it runs a {@link
 * PartitionFollower} for every partition whose replicas include this broker and whose leader is
 * another broker, and grants the <b>write lease</b> ({@link WriteLease}) of each partition log on
 * this broker, so that at no moment do two actors write one log.
 *
 * <p>This actor keeps the message table and carries out what its parts decide: {@link ReplicaSlot}
 * (per partition: which follower runs, who holds the lease, the rule), {@link WantedReplica} (what
 * the metadata asks), {@link StrayLogDeletion} (logs of topics deleted while this broker was down),
 * and {@link ReplicaMetadataFeed} (its subscription to the metadata, the one place to swap).
 *
 * <p><b>Metadata.</b> For each partition listing this broker: leader another broker, a follower
 * fetches from it (a new leader or leader epoch stops the follower and starts one for the new
 * leader); leader -1 (offline) or this broker, no follower and the log is kept. A partition that
 * stops listing this broker, or whose topic is deleted or created again (a new topic id), loses its
 * follower and its log ({@link Logs#delete}); a partition whose topic was never seen here is left
 * alone, unless its topic id is recorded as deleted.
 *
 * <p><b>Write lease.</b> A starting partition leader asks for the lease ({@link
 * WriteLease.Acquire}) before it opens its log. The manager stops the partition's follower, waits
 * for its termination, then grants the lease and watches the leader; until the leader terminates no
 * follower starts on that log, whatever the metadata says. Requests for a held lease wait their
 * turn. A follower's log cut ({@link TruncationNeeded}) is carried out the same way: the follower
 * is stopped, and the next follower applies the cut before it recovers, provided it follows the
 * same leader and epoch. A follower that stops on its own (its log cannot be opened or written) is
 * started again after {@code sluice.replication.fetch-max-backoff}.
 *
 * <p>Threading: an actor; local to its broker (found through {@link LocalReplicaManager}), stopped
 * with its followers in the broker's coordinated shutdown before the logs close. Crash: nothing of
 * it is durable; after a restart the metadata alone says which followers run. See {@code
 * docs/replica.md}.
 */
public final class ReplicaManager {

  // ---- protocol --------------------------------------------------------------------------------

  /**
   * Everything the replica manager handles besides {@link WriteLease.Acquire}, which it takes as
   * the broker's lease granter.
   */
  public sealed interface Command extends WriteLease.GranterMessage {}

  /**
   * Stops every follower (each once its write in flight is done) and then the manager; {@code
   * replyTo} hears when all have stopped. The broker's shutdown sends it before the logs close.
   */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  /**
   * The topic metadata now, by name, and the {@code topic-partition}s with a replica here (before
   * or after) that changed: all of them the first time ({@link ReplicaMetadataFeed}).
   */
  record TopicsChanged(Map<String, TopicMetadata> topics, Set<String> partitions)
      implements Command {}

  /** The controller's record of deleted topics, by id ({@link ReplicaMetadataFeed}). */
  record DeletedTopicsChanged(Map<String, DeletedTopic> deleted) implements Command {}

  private record FollowerTerminated(
      String topicPartition, ActorRef<PartitionFollower.Command> follower) implements Command {}

  private record HolderTerminated(String topicPartition, ActorRef<?> holder) implements Command {}

  private record CutRequested(TruncationNeeded needed) implements Command {}

  private record RestartDue(String topicPartition) implements Command {}

  /** The data directory takes writes again ({@link DataDirHealth}). */
  private record DataDirOnline() implements Command {}

  // ---- creation --------------------------------------------------------------------------------

  /** The manager of this broker, fetching from the sharded partition leaders. */
  public static Behavior<WriteLease.GranterMessage> create(ActorSystem<?> system) {
    return create(
        ReplicationSettings.from(system.settings().config()),
        topicPartition ->
            ClusterSharding.get(system).entityRefFor(PartitionLeader.TYPE_KEY, topicPartition),
        Clock.systemUTC());
  }

  /**
   * A manager whose followers reach the leader of a {@code topic-partition} through {@code leaders}
   * and read the wall clock from {@code clock} (tests pass stand-ins).
   */
  public static Behavior<WriteLease.GranterMessage> create(
      ReplicationSettings settings,
      Function<String, RecipientRef<PartitionLeader.Command>> leaders,
      Clock clock) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new ReplicaManager(context, timers, settings, leaders, clock).begin()));
  }

  // ---- state -----------------------------------------------------------------------------------

  private final ActorContext<WriteLease.GranterMessage> context;
  private final TimerScheduler<WriteLease.GranterMessage> timers;
  private final ReplicationSettings settings;
  private final Function<String, RecipientRef<PartitionLeader.Command>> leaders;
  private final Clock clock;
  private final ActorRef<TruncationNeeded> cutAdapter;
  private final StrayLogDeletion strayLogs;
  private final Map<String, ReplicaSlot> slots = new HashMap<>();

  /** Followers that stopped while the data directory was offline: restarted once it is back. */
  private final Set<String> waitingForDisk = new HashSet<>();

  private final DataDirHealth health;
  private Map<String, TopicMetadata> topics = Map.of();
  private boolean topicsRead;
  private long generation;

  private ReplicaManager(
      ActorContext<WriteLease.GranterMessage> context,
      TimerScheduler<WriteLease.GranterMessage> timers,
      ReplicationSettings settings,
      Function<String, RecipientRef<PartitionLeader.Command>> leaders,
      Clock clock) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.leaders = leaders;
    this.clock = clock;
    this.cutAdapter = context.messageAdapter(TruncationNeeded.class, CutRequested::new);
    this.strayLogs = new StrayLogDeletion(Logs.get(context.getSystem()), context.getLog());
    this.health = Logs.get(context.getSystem()).health();
  }

  private Behavior<WriteLease.GranterMessage> begin() {
    ReplicaMetadataFeed.subscribe(context, settings.brokerId());
    ActorRef<WriteLease.GranterMessage> self = context.getSelf();
    Consumer<DataDirHealth.State> onHealth =
        state -> {
          if (state instanceof DataDirHealth.Online) {
            self.tell(new DataDirOnline());
          }
        };
    health.subscribe(onHealth);
    return Behaviors.receive(WriteLease.GranterMessage.class)
        .onMessage(TopicsChanged.class, this::onTopicsChanged)
        .onMessage(DeletedTopicsChanged.class, this::onDeletedTopicsChanged)
        .onMessage(WriteLease.Acquire.class, this::onAcquire)
        .onMessage(WriteLease.CutBeforeFollowing.class, this::onCutBeforeFollowing)
        .onMessage(FollowerTerminated.class, this::onFollowerTerminated)
        .onMessage(HolderTerminated.class, this::onHolderTerminated)
        .onMessage(CutRequested.class, this::onCutRequested)
        .onMessage(RestartDue.class, this::onRestartDue)
        .onMessage(DataDirOnline.class, this::onDataDirOnline)
        .onMessage(Stop.class, this::onStop)
        .onSignal(
            PostStop.class,
            stop -> {
              health.unsubscribe(onHealth);
              return Behaviors.same();
            })
        .build();
  }

  // ---- handlers --------------------------------------------------------------------------------

  private Behavior<WriteLease.GranterMessage> onTopicsChanged(TopicsChanged changed) {
    topics = changed.topics();
    boolean firstRead = !topicsRead;
    topicsRead = true;
    Set<String> touched = new HashSet<>(changed.partitions());
    touched.forEach(
        topicPartition -> {
          if (WantedReplica.of(topics, topicPartition, settings.brokerId()) != null) {
            slots.computeIfAbsent(topicPartition, tp -> new ReplicaSlot());
          }
        });
    if (firstRead) {
      touched.addAll(slots.keySet());
    }
    touched.retainAll(slots.keySet());
    touched.forEach(this::reconcile);
    if (firstRead) {
      strayLogs.run(topics, slots.keySet());
    }
    return Behaviors.same();
  }

  private Behavior<WriteLease.GranterMessage> onDeletedTopicsChanged(DeletedTopicsChanged changed) {
    if (changed.deleted() == null) {
      return Behaviors.same();
    }
    strayLogs.deletedTopicsChanged(changed.deleted());
    if (topicsRead) {
      strayLogs.run(topics, slots.keySet());
    }
    return Behaviors.same();
  }

  private Behavior<WriteLease.GranterMessage> onAcquire(WriteLease.Acquire acquire) {
    ReplicaSlot slot = slots.computeIfAbsent(acquire.topicPartition(), tp -> new ReplicaSlot());
    if (slot.acquire(acquire)) {
      acquire.replyTo().tell(new WriteLease.Granted(acquire.topicPartition()));
    } else {
      reconcile(acquire.topicPartition());
    }
    return Behaviors.same();
  }

  private Behavior<WriteLease.GranterMessage> onCutBeforeFollowing(
      WriteLease.CutBeforeFollowing cut) {
    ReplicaSlot slot = slots.get(cut.topicPartition());
    if (slot != null && slot.cutBeforeFollowing(cut)) {
      context
          .getLog()
          .info(
              "The next follower of {} cuts its log at offset {} first: {}",
              cut.topicPartition(),
              cut.offset(),
              cut.reason());
    }
    return Behaviors.same();
  }

  private Behavior<WriteLease.GranterMessage> onFollowerTerminated(FollowerTerminated terminated) {
    String topicPartition = terminated.topicPartition();
    ReplicaSlot slot = slots.get(topicPartition);
    ReplicaSlot.FollowerExit exit =
        slot == null
            ? ReplicaSlot.FollowerExit.NOT_MINE
            : slot.followerTerminated(terminated.follower());
    if (exit == ReplicaSlot.FollowerExit.NOT_MINE) {
      return Behaviors.same();
    }
    if (exit == ReplicaSlot.FollowerExit.STOPPED_ON_ITS_OWN && !health.isOnline()) {
      // Its writes failed on the offline directory: another would only fail again.
      waitingForDisk.add(topicPartition);
      context
          .getLog()
          .warn(
              "The follower of {} stopped while the data directory is offline ({}); another starts"
                  + " once the directory takes writes again",
              topicPartition,
              health.state());
    } else if (exit == ReplicaSlot.FollowerExit.STOPPED_ON_ITS_OWN) {
      timers.startSingleTimer(
          topicPartition, new RestartDue(topicPartition), settings.fetchMaxBackoff());
      context
          .getLog()
          .warn(
              "The follower of {} stopped on its own; another starts in {} ms if still wanted",
              topicPartition,
              settings.fetchMaxBackoff().toMillis());
    }
    reconcile(topicPartition);
    return Behaviors.same();
  }

  private Behavior<WriteLease.GranterMessage> onHolderTerminated(HolderTerminated terminated) {
    ReplicaSlot slot = slots.get(terminated.topicPartition());
    if (slot != null && slot.holderTerminated(terminated.holder())) {
      context.getLog().debug("Write lease of {} is free", terminated.topicPartition());
      reconcile(terminated.topicPartition());
    }
    return Behaviors.same();
  }

  private Behavior<WriteLease.GranterMessage> onCutRequested(CutRequested requested) {
    String topicPartition = requested.needed().truncation().assignment().topicPartition();
    ReplicaSlot slot = slots.get(topicPartition);
    if (slot != null) {
      carryOut(topicPartition, slot.cutRequested(requested.needed()));
    }
    return Behaviors.same();
  }

  private Behavior<WriteLease.GranterMessage> onRestartDue(RestartDue due) {
    ReplicaSlot slot = slots.get(due.topicPartition());
    if (slot != null) {
      slot.restartDue();
      reconcile(due.topicPartition());
    }
    return Behaviors.same();
  }

  private Behavior<WriteLease.GranterMessage> onDataDirOnline(DataDirOnline online) {
    if (!waitingForDisk.isEmpty()) {
      context
          .getLog()
          .info(
              "The data directory takes writes again: restarting {} follower(s)",
              waitingForDisk.size());
    }
    for (String topicPartition : Set.copyOf(waitingForDisk)) {
      waitingForDisk.remove(topicPartition);
      onRestartDue(new RestartDue(topicPartition));
    }
    return Behaviors.same();
  }

  /** Children stop before the parent's post-stop, so the reply means no follower writes. */
  private Behavior<WriteLease.GranterMessage> onStop(Stop stop) {
    context.getLog().info("Stopping the followers of {} partition(s)", slots.size());
    return Behaviors.stopped(() -> stop.replyTo().tell(Done.done()));
  }

  // ---- carrying out the slots' steps -----------------------------------------------------------

  /**
   * Brings one partition in line with the metadata and the lease ({@link ReplicaSlot#reconcile}).
   */
  private void reconcile(String topicPartition) {
    ReplicaSlot slot = slots.get(topicPartition);
    WantedReplica wanted = WantedReplica.of(topics, topicPartition, settings.brokerId());
    carryOut(topicPartition, slot.reconcile(wanted, settings.brokerId()));
  }

  private void carryOut(String topicPartition, List<Step> steps) {
    for (Step step : steps) {
      if (step instanceof StopFollower stop) {
        stop.follower().tell(new PartitionFollower.Stop());
      } else if (step instanceof UpdateConfigs update) {
        updateConfigs(topicPartition, update.configs());
      } else if (step instanceof Grant grant) {
        grant(topicPartition, grant.acquire());
      } else if (step instanceof DeleteLog delete) {
        deleteLog(topicPartition, delete.reason());
      } else if (step instanceof StartFollower start) {
        startFollower(topicPartition, start);
      } else if (step instanceof Forget) {
        slots.remove(topicPartition);
      }
    }
  }

  private void grant(String topicPartition, WriteLease.Acquire acquire) {
    context.watchWith(acquire.holder(), new HolderTerminated(topicPartition, acquire.holder()));
    acquire.replyTo().tell(new WriteLease.Granted(topicPartition));
    context.getLog().debug("Write lease of {} granted to {}", topicPartition, acquire.holder());
  }

  private void deleteLog(String topicPartition, String reason) {
    context.getLog().info("Deleting the replica log of {}: {}", topicPartition, reason);
    try {
      Logs.get(context.getSystem()).delete(topicPartition);
    } catch (RuntimeException e) {
      // The manager must live on: it holds the leases of every partition here.
      context.getLog().error("Deleting the replica log of {} failed", topicPartition, e);
    }
  }

  private void startFollower(String topicPartition, StartFollower start) {
    LogConfig config;
    try {
      config = LogConfig.from(PartitionLeader.logConfigs(start.wanted().configs()));
    } catch (RuntimeException e) {
      context
          .getLog()
          .error("No follower for {}: its topic's configs are refused", topicPartition, e);
      return;
    }
    ActorRef<PartitionFollower.Command> follower =
        context.spawn(
            PartitionFollower.create(
                start.wanted().assignment(),
                config,
                start.truncation(),
                settings,
                leaders.apply(topicPartition),
                cutAdapter,
                clock),
            "follower-" + topicPartition + "-" + (++generation));
    context.watchWith(follower, new FollowerTerminated(topicPartition, follower));
    slots.get(topicPartition).followerStarted(follower, start.wanted());
  }

  private void updateConfigs(String topicPartition, Map<String, String> configs) {
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
