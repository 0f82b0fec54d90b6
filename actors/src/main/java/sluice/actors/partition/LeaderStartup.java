package sluice.actors.partition;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
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
import sluice.actors.partition.LeaderMetadata.MetadataFound;
import sluice.actors.partition.LeaderMetadata.MetadataMissing;
import sluice.actors.partition.LeaderMetadata.MetadataUnavailable;
import sluice.actors.partition.PartitionLeader.Delete;
import sluice.actors.partition.PartitionLeader.Internal;
import sluice.actors.partition.PartitionLeader.Message;
import sluice.actors.partition.PartitionLeader.Stop;
import sluice.actors.quorum.BrokerQuorum;
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

  /** The replica manager granted this entity the write lease of the partition's log. */
  private record LeaseGranted() implements Internal {}

  private record LeaseRefused(String reason) implements Internal {}

  /** The partition's log is open (recovered) in {@link Logs}. */
  private record LogOpened() implements Internal {}

  private record LogOpenFailed(String reason) implements Internal {}

  private final ActorContext<Message> context;
  private final StashBuffer<Message> stash;
  private final TimerScheduler<Message> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final String topicPartition;
  private final LeaderSettings settings;
  private final LeaderClock clock;
  private LeaderMetadata metadataSource;
  private String topic;
  private int partition;

  LeaderStartup(
      ActorContext<Message> context,
      StashBuffer<Message> stash,
      TimerScheduler<Message> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      String topicPartition,
      LeaderClock clock) {
    this.context = context;
    this.stash = stash;
    this.timers = timers;
    this.shard = shard;
    this.topicPartition = topicPartition;
    this.settings = LeaderSettings.from(context.getSystem().settings().config());
    this.clock = clock;
  }

  Behavior<Message> begin() {
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
    metadataSource = new LeaderMetadata(context, settings.metadataReadTimeout(), topic, partition);
    metadataSource.read(false);
    return Behaviors.receive(Message.class)
        .onMessage(MetadataFound.class, this::onMetadataFound)
        .onMessage(MetadataMissing.class, this::onMetadataMissing)
        .onMessage(MetadataUnavailable.class, this::onMetadataUnavailable)
        .onMessage(Delete.class, this::onDelete)
        .onMessage(Stop.class, this::onStop)
        .onAnyMessage(this::onCommandWhileStarting)
        .build();
  }

  private Behavior<Message> onMetadataMissing(MetadataMissing missing) {
    if (!missing.afterMajorityRead()) {
      metadataSource.read(true);
      return Behaviors.same();
    }
    return refuse(
        ApiError.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic '%s' does not exist", topic));
  }

  private Behavior<Message> onMetadataUnavailable(MetadataUnavailable unavailable) {
    return refuse(
        ApiError.of(
            ErrorCode.LEADER_NOT_AVAILABLE,
            "Partition %s cannot start: %s",
            topicPartition,
            unavailable.reason()));
  }

  private Behavior<Message> onMetadataFound(MetadataFound found) {
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
  private Behavior<Message> acquireLease(
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
    return Behaviors.receive(Message.class)
        .onMessage(LeaseGranted.class, granted -> openLog(metadata, assignment, config))
        .onMessage(LeaseRefused.class, this::onLeaseRefused)
        .onMessage(Stop.class, this::onStop)
        .onAnyMessage(this::onCommandWhileStarting)
        .build();
  }

  private Behavior<Message> onLeaseRefused(LeaseRefused refused) {
    return refuse(
        ApiError.of(
            ErrorCode.LEADER_NOT_AVAILABLE,
            "Partition %s cannot start: %s",
            topicPartition,
            refused.reason()));
  }

  private Behavior<Message> openLog(
      TopicMetadata metadata, PartitionAssignment assignment, LogConfig config) {
    Logs logs = Logs.get(context.getSystem());
    Executor blockingIo = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () -> logs.open(topicPartition, metadata.topicId(), config), blockingIo),
        (log, failure) ->
            failure == null ? new LogOpened() : new LogOpenFailed(rootCause(failure).toString()));
    return Behaviors.receive(Message.class)
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

  private Behavior<Message> onLogOpenFailed(LogOpenFailed failed) {
    context.getLog().error("Cannot open the log of {}: {}", topicPartition, failed.reason());
    return refuse(
        ApiError.of(
            ErrorCode.KAFKA_STORAGE_ERROR,
            "The log of %s cannot be opened: %s",
            topicPartition,
            failed.reason()));
  }

  /** The log is open and recovered: becomes the event-sourced leader, which recovers its state. */
  private Behavior<Message> onLogOpened(
      TopicMetadata metadata, PartitionAssignment assignment, LogConfig config) {
    PartitionLog log = Logs.get(context.getSystem()).get(topicPartition);
    metadataSource.subscribe();
    EventSourcedLeader leader =
        new EventSourcedLeader(
            new PartitionContext(
                context,
                timers,
                settings,
                topic,
                metadata.topicId(),
                partition,
                log,
                clock,
                context
                    .getSystem()
                    .dispatchers()
                    .lookup(DispatcherSelector.fromConfig("sluice.partition.fetch-dispatcher")),
                context.getSystem().dispatchers().lookup(DispatcherSelector.blocking()),
                BrokerQuorum.get(context.getSystem())::current),
            shard,
            metadata,
            assignment,
            config);
    return stash.unstashAll(leader);
  }

  private Behavior<Message> onDelete(Delete delete) {
    Behavior<Message> next =
        refuse(
            ApiError.of(
                ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Partition %s was deleted", topicPartition));
    Logs.get(context.getSystem()).delete(topicPartition);
    delete.replyTo().tell(Done.done());
    return next;
  }

  /** Hand-off or shutdown while starting: whatever waits is told to retry. */
  private Behavior<Message> onStop(Stop stop) {
    stash.unstashAll(
        refusing(
            ApiError.of(
                ErrorCode.NOT_LEADER_OR_FOLLOWER,
                "Partition %s is moving or its broker is stopping",
                topicPartition)));
    return Behaviors.stopped();
  }

  private Behavior<Message> onCommandWhileStarting(Message command) {
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
  private Behavior<Message> refuse(ApiError error) {
    context.getLog().info("Partition {} not started: {}", topicPartition, error.message());
    Behavior<Message> refusing = refusing(error);
    stash.unstashAll(refusing);
    if (shard == null) {
      return Behaviors.stopped();
    }
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    return refusing;
  }

  private Behavior<Message> refusing(ApiError error) {
    return Behaviors.receive(Message.class)
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onAnyMessage(
            command -> {
              PartitionLeader.refuseCommand(context, topicPartition, command, error);
              return Behaviors.same();
            })
        .build();
  }
}
