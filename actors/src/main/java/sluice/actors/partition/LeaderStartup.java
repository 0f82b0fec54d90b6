package sluice.actors.partition;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.Logs;
import sluice.actors.lease.WriteLease;
import sluice.actors.lease.WriteLeases;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.metadata.TopicsKey;
import sluice.actors.partition.PartitionLeader.Command;
import sluice.actors.partition.PartitionLeader.Delete;
import sluice.actors.partition.PartitionLeader.LeaseGranted;
import sluice.actors.partition.PartitionLeader.LeaseRefused;
import sluice.actors.partition.PartitionLeader.LogOpenFailed;
import sluice.actors.partition.PartitionLeader.LogOpened;
import sluice.actors.partition.PartitionLeader.MetadataChanged;
import sluice.actors.partition.PartitionLeader.MetadataFound;
import sluice.actors.partition.PartitionLeader.MetadataMissing;
import sluice.actors.partition.PartitionLeader.MetadataUnavailable;
import sluice.actors.partition.PartitionLeader.Stop;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;

/**
 * The first phase of a {@link PartitionLeader} entity, before any recovery: reads the topic's
 * metadata from Distributed Data (the local replica, then a majority if the topic is not there),
 * stashing every command meanwhile. If this broker leads the partition it takes the log's write
 * lease from the broker's lease granter ({@link WriteLeases}: the replica manager, which stops the
 * partition's follower here first; no lease within {@code sluice.replication.lease-timeout}: {@code
 * LEADER_NOT_AVAILABLE}), opens the log (on the blocking-IO dispatcher: recovery of a large log
 * reads files) and becomes the event-sourced leader, which then recovers its state; otherwise it
 * answers everything stashed with the reason and leaves through passivation, so that sharding
 * buffers what arrives meanwhile and delivers it to a new incarnation that reads the metadata
 * again.
 */
final class LeaderStartup {

  private final ActorContext<Command> context;
  private final StashBuffer<Command> stash;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final String topicPartition;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, TopicMetadata>> replicator;
  private final LeaderSettings settings;
  private String topic;
  private int partition;

  LeaderStartup(
      ActorContext<Command> context,
      StashBuffer<Command> stash,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      String topicPartition) {
    this.context = context;
    this.stash = stash;
    this.timers = timers;
    this.shard = shard;
    this.topicPartition = topicPartition;
    this.settings = LeaderSettings.from(context.getSystem().settings().config());
    this.replicator =
        new ReplicatorMessageAdapter<>(
            context,
            DistributedData.get(context.getSystem()).replicator(),
            settings.metadataReadTimeout().multipliedBy(2));
  }

  Behavior<Command> begin() {
    int dash = topicPartition.lastIndexOf('-');
    try {
      topic = topicPartition.substring(0, dash);
      partition = Integer.parseInt(topicPartition.substring(dash + 1));
    } catch (RuntimeException e) {
      return refuse(
          ApiError.of(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              "'%s' is not a topic-partition name",
              topicPartition));
    }
    readMetadata(Replicator.readLocal(), false);
    return Behaviors.receive(Command.class)
        .onMessage(MetadataFound.class, this::onMetadataFound)
        .onMessage(MetadataMissing.class, this::onMetadataMissing)
        .onMessage(MetadataUnavailable.class, this::onMetadataUnavailable)
        .onMessage(Delete.class, this::onDelete)
        .onMessage(Stop.class, this::onStop)
        .onAnyMessage(this::onCommandWhileStarting)
        .build();
  }

  private void readMetadata(Replicator.ReadConsistency consistency, boolean majority) {
    replicator.askGet(
        replyTo -> new Replicator.Get<>(TopicsKey.KEY, consistency, replyTo),
        response -> {
          if (response instanceof Replicator.GetSuccess<LWWMap<String, TopicMetadata>> found) {
            TopicMetadata metadata = found.dataValue().getEntries().get(topic);
            // A partition added a moment ago may not have reached this replica yet: ask a majority.
            boolean missing =
                metadata == null || (!majority && metadata.partition(partition).isEmpty());
            return missing ? new MetadataMissing(majority) : new MetadataFound(metadata);
          } else if (response instanceof Replicator.GetFailure) {
            return new MetadataUnavailable(
                "reading the topic metadata from a majority timed out after "
                    + settings.metadataReadTimeout().toMillis()
                    + " ms");
          } else {
            return new MetadataMissing(majority);
          }
        });
  }

  private Behavior<Command> onMetadataMissing(MetadataMissing missing) {
    if (!missing.afterMajorityRead()) {
      readMetadata(new Replicator.ReadMajority(settings.metadataReadTimeout()), true);
      return Behaviors.same();
    }
    return refuse(
        ApiError.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '%s' does not exist", topic));
  }

  private Behavior<Command> onMetadataUnavailable(MetadataUnavailable unavailable) {
    return refuse(
        ApiError.of(
            ErrorCode.LEADER_NOT_AVAILABLE,
            "Partition %s cannot start: %s",
            topicPartition,
            unavailable.reason()));
  }

  private Behavior<Command> onMetadataFound(MetadataFound found) {
    TopicMetadata metadata = found.topic();
    PartitionAssignment assignment = metadata.partition(partition).orElse(null);
    if (assignment == null) {
      return refuse(
          ApiError.of(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              "Topic '%s' has %d partition(s); partition %d does not exist",
              topic,
              metadata.partitions().size(),
              partition));
    }
    if (assignment.leader() != settings.brokerId()) {
      return refuse(PartitionLeader.notLeader(settings.brokerId(), assignment));
    }
    LogConfig config;
    try {
      config = LogConfig.from(PartitionLeader.logConfigs(metadata.configs()));
    } catch (RuntimeException e) {
      return refuse(
          ApiError.of(
              ErrorCode.INVALID_CONFIG,
              "Topic '%s' has configs its log refuses: %s",
              topic,
              e.getMessage()));
    }
    return acquireLease(metadata, assignment, config);
  }

  /**
   * Asks this broker's replica manager for the write lease of the log (it stops the partition's
   * follower here first), waiting up to {@code sluice.replication.lease-timeout}.
   */
  private Behavior<Command> acquireLease(
      TopicMetadata metadata, PartitionAssignment assignment, LogConfig config) {
    Duration timeout =
        context.getSystem().settings().config().getDuration("sluice.replication.lease-timeout");
    context.ask(
        WriteLease.Granted.class,
        WriteLeases.get(context.getSystem()).granter(),
        timeout,
        replyTo -> new WriteLease.Acquire(topicPartition, context.getSelf(), replyTo),
        (granted, failure) ->
            granted != null
                ? new LeaseGranted()
                : new LeaseRefused(
                    "the write lease of its log was not granted within "
                        + timeout.toMillis()
                        + " ms"));
    return Behaviors.receive(Command.class)
        .onMessage(LeaseGranted.class, granted -> openLog(metadata, assignment, config))
        .onMessage(LeaseRefused.class, this::onLeaseRefused)
        .onMessage(Stop.class, this::onStop)
        .onAnyMessage(this::onCommandWhileStarting)
        .build();
  }

  private Behavior<Command> onLeaseRefused(LeaseRefused refused) {
    return refuse(
        ApiError.of(
            ErrorCode.LEADER_NOT_AVAILABLE,
            "Partition %s cannot start: %s",
            topicPartition,
            refused.reason()));
  }

  private Behavior<Command> openLog(
      TopicMetadata metadata, PartitionAssignment assignment, LogConfig config) {
    Logs logs = Logs.get(context.getSystem());
    Executor blockingIo = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () -> logs.open(topicPartition, metadata.topicId(), config), blockingIo),
        (log, failure) ->
            failure == null ? new LogOpened() : new LogOpenFailed(rootCause(failure).toString()));
    return Behaviors.receive(Command.class)
        .onMessage(LogOpened.class, opened -> onLogOpened(metadata, assignment, config))
        .onMessage(LogOpenFailed.class, this::onLogOpenFailed)
        .onMessage(Stop.class, this::onStop)
        .onAnyMessage(this::onCommandWhileStarting)
        .build();
  }

  private static Throwable rootCause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private Behavior<Command> onLogOpenFailed(LogOpenFailed failed) {
    context.getLog().error("Cannot open the log of {}: {}", topicPartition, failed.reason());
    return refuse(
        ApiError.of(
            ErrorCode.KAFKA_STORAGE_ERROR,
            "The log of %s cannot be opened: %s",
            topicPartition,
            failed.reason()));
  }

  /** The log is open and recovered: becomes the event-sourced leader, which recovers its state. */
  private Behavior<Command> onLogOpened(
      TopicMetadata metadata, PartitionAssignment assignment, LogConfig config) {
    PartitionLog log = Logs.get(context.getSystem()).get(topicPartition);
    replicator.subscribe(
        TopicsKey.KEY,
        change ->
            change instanceof Replicator.Changed<LWWMap<String, TopicMetadata>> changed
                ? new MetadataChanged(changed.get(TopicsKey.KEY).getEntries().get(topic))
                : new MetadataChanged(null));
    PartitionLeader leader =
        new PartitionLeader(
            context, timers, shard, settings, metadata, partition, assignment, log, config);
    return stash.unstashAll(leader);
  }

  private Behavior<Command> onDelete(Delete delete) {
    Behavior<Command> next =
        refuse(
            ApiError.of(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Partition %s was deleted", topicPartition));
    Logs.get(context.getSystem()).delete(topicPartition);
    delete.replyTo().tell(Done.done());
    return next;
  }

  /** Hand-off or shutdown while starting: whatever waits is told to retry. */
  private Behavior<Command> onStop(Stop stop) {
    stash.unstashAll(
        refusing(
            ApiError.of(
                ErrorCode.NOT_LEADER_OR_FOLLOWER,
                "Partition %s is moving or its broker is stopping",
                topicPartition)));
    return Behaviors.stopped();
  }

  private Behavior<Command> onCommandWhileStarting(Command command) {
    if (stash.isFull()) {
      PartitionLeader.replyWithError(
          command,
          ApiError.of(
              ErrorCode.LEADER_NOT_AVAILABLE,
              "Partition %s is starting and has %d requests queued already",
              topicPartition,
              stash.size()));
    } else {
      stash.stash(command);
    }
    return Behaviors.same();
  }

  /**
   * Answers every stashed command with {@code error}, then leaves through passivation, answering
   * the same to whatever arrives until the stop message.
   */
  private Behavior<Command> refuse(ApiError error) {
    context.getLog().info("Partition {} not started: {}", topicPartition, error.message());
    Behavior<Command> refusing = refusing(error);
    stash.unstashAll(refusing);
    if (shard == null) {
      return Behaviors.stopped();
    }
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    return refusing;
  }

  private Behavior<Command> refusing(ApiError error) {
    return Behaviors.receive(Command.class)
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onAnyMessage(
            command -> {
              PartitionLeader.refuseCommand(context, topicPartition, command, error);
              return Behaviors.same();
            })
        .build();
  }
}
