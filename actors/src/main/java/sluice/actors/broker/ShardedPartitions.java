package sluice.actors.broker;

import akka.Done;
import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.external.ExternalShardAllocation;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.PartitionEntities;
import sluice.actors.gateway.Gateway;
import sluice.actors.gateway.PartitionLeaders;
import sluice.actors.gateway.Pauses;
import sluice.actors.journal.DataDirHealth;
import sluice.actors.journal.Logs;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.replica.LocalReplicaManager;

/**
 * A broker's partition machinery: the partition logs ({@link Logs}), the replica manager that runs
 * this broker's followers and hands out write leases ({@link LocalReplicaManager}), and the
 * partition leader entities in Cluster Sharding ({@link PartitionLeader}, entity and shard id
 * {@code topic-partition}). Placement writes each entity's shard location with Akka's {@code
 * ExternalShardAllocation} client, which {@link sluice.actors.partition.ControllerPlacement} reads;
 * every other call is one ask through the entity's {@code EntityRef}. Probes of a new leader read
 * their deadline from the given clock and wait through {@link Pauses}. Safe from any thread.
 */
public final class ShardedPartitions
    implements PartitionRuntime, PartitionEntities, PartitionLeaders {
  private final ActorSystem<?> system;
  private final Duration deleteTimeout;

  /** How long one probe of a new leader may take, and the pause between probes. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  private static final Duration PROBE_PAUSE = Duration.ofMillis(200);

  private final LostLeaders lostLeaders;
  private final Clock clock;
  private final Pauses pauses;

  public ShardedPartitions(ActorSystem<?> system, Duration deleteTimeout) {
    this(system, deleteTimeout, Clock.systemUTC(), Pauses.on(system.executionContext()));
  }

  public ShardedPartitions(
      ActorSystem<?> system, Duration deleteTimeout, Clock clock, Pauses pauses) {
    this.system = system;
    this.deleteTimeout = deleteTimeout;
    this.clock = clock;
    this.pauses = pauses;
    this.lostLeaders = LostLeaders.start(system);
  }

  @Override
  public PartitionEntities entities() {
    return this;
  }

  @Override
  public PartitionLeaders start() {
    Logs.get(system);
    // Sharding first: the manager's followers address the leader entities as soon as it starts.
    PartitionLeader.init(system);
    LocalReplicaManager.get(system).start();
    return this;
  }

  @Override
  public DataDirHealth dataDirHealth() {
    return Logs.get(system).health();
  }

  private EntityRef<PartitionLeader.Command> leader(String topic, int partition) {
    return ClusterSharding.get(system)
        .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId(topic, partition));
  }

  @Override
  public CompletionStage<Done> place(List<Placement> placements) {
    Map<String, Address> locations = new HashMap<>();
    for (Placement placement : placements) {
      locations.put(
          PartitionLeader.entityId(placement.topic(), placement.partition()), placement.leader());
    }
    return ExternalShardAllocation.get(system)
        .getClient(PartitionLeader.TYPE_KEY.name())
        .setShardLocations(locations);
  }

  @Override
  public CompletionStage<Done> delete(String topic, int partition) {
    return leader(topic, partition).ask(PartitionLeader.Delete::new, deleteTimeout);
  }

  @Override
  public CompletionStage<Appended> append(
      String topic, int partition, byte[] batch, Acks acks, long timeoutMs, Duration askTimeout) {
    EntityRef<PartitionLeader.Command> leader = leader(topic, partition);
    if (acks == Acks.NONE) {
      leader.tell(new PartitionLeader.Append(batch, acks, timeoutMs, system.ignoreRef()));
      return CompletableFuture.completedFuture(new Appended(-1L, -1L, null));
    }
    CompletableFuture<Appended> answer =
        leader
            .ask(
                (ActorRef<PartitionLeader.AppendReply> replyTo) ->
                    new PartitionLeader.Append(batch, acks, timeoutMs, replyTo),
                askTimeout)
            .thenApply(r -> new Appended(r.baseOffset(), r.logAppendTime(), r.error()))
            .toCompletableFuture();
    CompletableFuture<Void> lost = lostLeaders.watch(topic, partition);
    if (lost == null) {
      return answer;
    }
    answer.whenComplete((reply, failure) -> lostLeaders.forget(lost));
    long deadlineMillis = clock.millis() + askTimeout.toMillis();
    CompletableFuture<Appended> retryAtNewLeader =
        lost.thenCompose(ignored -> awaitServingLeader(leader, deadlineMillis))
            .thenApply(
                ignored ->
                    new Appended(
                        -1L,
                        -1L,
                        ApiError.of(
                            ErrorCode.NETWORK_EXCEPTION,
                            "The broker leading %s-%d left the cluster while this append waited for"
                                + " it, so the batch may or may not have been written; a new leader"
                                + " serves the partition now: send it again (which may write it"
                                + " twice)",
                            topic,
                            partition)));
    return answer.applyToEither(retryAtNewLeader, reply -> reply);
  }

  /**
   * Completes once the partition's leader entity answers a cheap, repeatable question (its offsets)
   * through sharding, or at the deadline: an append sent before that would likely go to the lost
   * broker's shard region again and wait out its whole timeout.
   */
  private CompletableFuture<Void> awaitServingLeader(
      EntityRef<PartitionLeader.Command> leader, long deadlineMillis) {
    return leader
        .ask(PartitionLeader.GetOffsets::new, PROBE_TIMEOUT)
        .handle((reply, failure) -> failure == null && reply.error() == null)
        .toCompletableFuture()
        .thenCompose(
            serving -> {
              if (serving || clock.millis() + PROBE_PAUSE.toMillis() >= deadlineMillis) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              return pauses
                  .after(PROBE_PAUSE)
                  .toCompletableFuture()
                  .thenCompose(ignored -> awaitServingLeader(leader, deadlineMillis));
            });
  }

  @Override
  public CompletionStage<Fetched> fetch(
      String topic,
      int partition,
      int currentLeaderEpoch,
      long offset,
      int maxBytes,
      long maxWaitMs,
      Duration askTimeout) {
    return leader(topic, partition)
        .ask(
            (ActorRef<PartitionLeader.FetchReply> replyTo) ->
                new PartitionLeader.Fetch(currentLeaderEpoch, offset, maxBytes, maxWaitMs, replyTo),
            askTimeout)
        .thenApply(r -> new Fetched(r.batches(), r.offsets(), r.error()));
  }

  @Override
  public CompletionStage<Gateway.OffsetsReply> offsets(
      String topic, int partition, Duration askTimeout) {
    return leader(topic, partition)
        .ask(PartitionLeader.GetOffsets::new, askTimeout)
        .thenApply(r -> new Gateway.OffsetsReply(r.offsets(), r.error()));
  }

  @Override
  public CompletionStage<Gateway.OffsetForTimeReply> offsetForTime(
      String topic, int partition, long timestamp, Duration askTimeout) {
    return leader(topic, partition)
        .ask(
            (ActorRef<PartitionLeader.OffsetForTimeReply> replyTo) ->
                new PartitionLeader.OffsetForTime(timestamp, replyTo),
            askTimeout)
        .thenApply(r -> new Gateway.OffsetForTimeReply(r.offset(), r.error()));
  }

  @Override
  public CompletionStage<Gateway.EpochEndReply> epochEnd(
      String topic, int partition, int currentLeaderEpoch, int leaderEpoch, Duration askTimeout) {
    return leader(topic, partition)
        .ask(
            (ActorRef<PartitionLeader.EpochEndReply> replyTo) ->
                new PartitionLeader.EpochEnd(currentLeaderEpoch, leaderEpoch, replyTo),
            askTimeout)
        .thenApply(r -> new Gateway.EpochEndReply(r.leaderEpoch(), r.endOffset(), r.error()));
  }

  @Override
  public void corruptBatchSeen(String topic, int partition, long offset, String problem) {
    leader(topic, partition)
        .tell(
            new PartitionLeader.CorruptBatchSeen(
                offset, "a consumer fetch through " + system.address(), problem));
  }
}
