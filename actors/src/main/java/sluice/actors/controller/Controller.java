package sluice.actors.controller;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import sluice.actors.api.AdminRequest;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.api.TopicDescription;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.quorum.BrokerQuorum;
import sluice.actors.quorum.QuorumState;

/**
 * The controller: a cluster singleton that owns topic metadata, as Kafka's controller does. This
 * class is its public protocol (what the gateway, partition leaders and tests send it) and how it
 * is started; the actor runs {@link ControllerStartup} (load, claim the controller epoch) and then
 * {@link ControllerServing} (the event loop, after KRaft's {@code QuorumController}, handing each
 * concern to a plain manager). How it all works: {@code docs/control-plane.md}.
 *
 * <p>Every rejected request is a typed reply carrying an {@link ApiError} that names the value and
 * what is allowed; a request that finds the controller's stash full is answered {@code
 * REQUEST_TIMED_OUT} ({@link ControllerStash}). Time comes from the {@link Clock} given to {@link
 * #create}.
 */
public final class Controller {
  /** The singleton's name in the cluster. */
  public static final String NAME = "sluice-controller";

  /** Everything the controller answers. */
  public sealed interface Command extends CborSerializable {}

  /**
   * The controller's own messages (from {@link ControllerStartup} and adapters), never sent
   * remotely.
   */
  non-sealed interface Internal extends Command {}

  /**
   * Topic and cluster administration, the same {@link AdminRequest}s the gateway takes (it forwards
   * them here as they came). Describe, list and describe-cluster are answered at once; the others
   * write, one at a time.
   */
  public record Admin(AdminRequest<?> request) implements Command {}

  /**
   * Creates one of the broker's own topics, whose names start with {@code __} (such as {@code
   * __consumer_offsets}). A message of the controller's alone: the gateway only forwards {@link
   * AdminRequest.CreateTopic}, which refuses those names, so no client can create an internal
   * topic.
   */
  public record CreateInternalTopic(AdminRequest.CreateTopic request) implements Command {}

  /**
   * A partition leader's proposal of a new in-sync replica set (Kafka's AlterPartition). It is a
   * compare-and-set: applied only if {@code leaderId} is the partition's leader, {@code
   * leaderEpoch} and {@code partitionEpoch} are the current ones, and {@code topicId} is the
   * topic's; then the controller stores {@code newIsr} with the partition epoch bumped by one, with
   * a majority write, and answers with the partition as stored. A deposed leader (older leader
   * epoch) is answered {@code FENCED_LEADER_EPOCH}, a stale partition epoch {@code
   * INVALID_UPDATE_VERSION}; the leader then waits for the new metadata and proposes again.
   *
   * @param newIsr broker ids; must contain the leader and only replicas of the partition
   */
  public record AlterPartition(
      String topic,
      String topicId,
      int partition,
      int leaderId,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> newIsr,
      ActorRef<AlterPartitionResult> replyTo)
      implements Command, AlterPartitionCheck.Sender {
    public AlterPartition {
      newIsr = List.copyOf(newIsr);
    }
  }

  /**
   * The answer to {@link AlterPartition} and {@link ResignLeadership}. Exactly one of {@code
   * partition} (as now stored, with its new partition epoch; unchanged for a resignation no other
   * replica could take) and {@code error} is non-null. Errors: {@code FENCED_LEADER_EPOCH}, {@code
   * INVALID_UPDATE_VERSION}, {@code UNKNOWN_TOPIC_OR_PARTITION}, {@code INVALID_REQUEST} (an ISR
   * that is not a subset of the replicas or lacks the leader), {@code REQUEST_TIMED_OUT} (no
   * majority confirmed the write; propose again), {@code STALE_CONTROLLER_EPOCH} (this controller
   * was superseded).
   */
  public record AlterPartitionResult(PartitionAssignment partition, ApiError error)
      implements CborSerializable {}

  /**
   * A partition leader that found a corrupt batch in its own log (at {@code corruptOffset}, read
   * back from its disk) hands the partition to a healthy in-sync replica. Checked as {@link
   * AlterPartition} is (compare-and-set on the leader, its leader epoch and partition epoch, and
   * the topic id). Accepted: the first other ISR member, in replica order, that is live with an
   * online data directory leads in leader epoch + 1 (partition epoch + 1, as a failover election),
   * the sender leaves the ISR, the shard moves, and the answer is the partition as stored. With no
   * such member the sender keeps leading and the answer is the partition unchanged (it goes on
   * serving the batches before the corrupt one). Errors as {@link AlterPartition}'s.
   */
  public record ResignLeadership(
      String topic,
      String topicId,
      int partition,
      int leaderId,
      int leaderEpoch,
      int partitionEpoch,
      long corruptOffset,
      ActorRef<AlterPartitionResult> replyTo)
      implements Command, AlterPartitionCheck.Sender {}

  /**
   * A broker asks for a block of producer ids (Kafka's AllocateProducerIds, KIP-730). Answered with
   * the next {@link ProducerIdBlock#SIZE} ids once the mark above them is stored with a quorum and
   * this controller's epoch is confirmed ({@link ProducerIdControl}); no block is ever answered
   * twice, across controller moves and restarts. Refused (retriable) without a quorum ({@code
   * NO_QUORUM}), when a store step timed out ({@code REQUEST_TIMED_OUT}: those ids are skipped),
   * and by a superseded controller ({@code STALE_CONTROLLER_EPOCH}); the broker asks again.
   */
  public record AllocateProducerIds(int brokerId, ActorRef<ProducerIdsAllocated> replyTo)
      implements Command {}

  /** The answer to {@link AllocateProducerIds}: exactly one of the two is non-null. */
  public record ProducerIdsAllocated(ProducerIdBlock block, ApiError error)
      implements CborSerializable {
    public ProducerIdsAllocated {
      if ((block == null) == (error == null)) {
        throw new IllegalArgumentException(
            "an allocation answers a block or an error, not " + block + " and " + error);
      }
    }
  }

  /**
   * Settings under {@code sluice.controller}.
   *
   * @param stashCapacity the most requests that wait while the controller starts or writes; more
   *     are answered {@code REQUEST_TIMED_OUT} ({@link ControllerStash})
   */
  public record Settings(
      int maxPartitionsPerTopic,
      Duration writeTimeout,
      Duration readTimeout,
      Duration leaderImbalanceCheckInterval,
      boolean autoLeaderRebalanceEnable,
      Duration unregisteredBrokerGrace,
      int deletedTopicsKept,
      int stashCapacity) {
    public Settings {
      if (deletedTopicsKept < 1) {
        throw new IllegalArgumentException(
            "sluice.controller.deleted-topics-kept must be at least 1, not " + deletedTopicsKept);
      }
      if (stashCapacity < 1) {
        throw new IllegalArgumentException(
            "sluice.controller.stash-capacity must be at least 1, not " + stashCapacity);
      }
    }

    public static Settings fromConfig(Config config) {
      Config c = config.getConfig("sluice.controller");
      return new Settings(
          c.getInt("max-partitions-per-topic"),
          c.getDuration("write-timeout"),
          c.getDuration("read-timeout"),
          c.getDuration("leader-imbalance-check-interval"),
          c.getBoolean("auto-leader-rebalance-enable"),
          c.getDuration("unregistered-broker-grace"),
          c.getInt("deleted-topics-kept"),
          c.getInt("stash-capacity"));
    }
  }

  /** What runs the controller, the same from its start to its end: one per incarnation. */
  record Wiring(
      ActorContext<Command> context,
      ControllerStash stash,
      TimerScheduler<Command> timers,
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Clock clock,
      MetadataQuorum quorum) {}

  /** This broker's quorum view changed ({@link sluice.actors.quorum.BrokerQuorum#subscribe}). */
  record QuorumChanged(QuorumState state) implements Internal {}

  /**
   * Starts the controller singleton (on the oldest broker) and returns a proxy to it, usable from
   * every broker.
   *
   * @param brokerId this broker's id, reported as the controller id while it runs here
   * @param localClusterId this broker's recorded cluster id, adopted if the cluster has none yet
   */
  public static ActorRef<Command> init(
      ActorSystem<?> system,
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId) {
    return ClusterSingleton.get(system)
        .init(SingletonActor.of(create(settings, partitions, brokerId, localClusterId), NAME));
  }

  /** As {@link #create(Settings, PartitionEntities, int, Optional, Clock)} on the UTC clock. */
  public static Behavior<Command> create(
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId) {
    return create(settings, partitions, brokerId, localClusterId, Clock.systemUTC());
  }

  /**
   * The controller, restarted (with a new controller epoch) after a failure, with a backoff of 1 to
   * 10 seconds.
   *
   * @param clock the time of grace periods and of metadata timestamps; tests pass a manual one
   */
  public static Behavior<Command> create(
      Settings settings,
      PartitionEntities partitions,
      int brokerId,
      Optional<String> localClusterId,
      Clock clock) {
    Behavior<Command> controller =
        Behaviors.setup(
            context ->
                Behaviors.withStash(
                    settings.stashCapacity() + ControllerStash.INTERNAL_RESERVE,
                    buffer ->
                        Behaviors.withTimers(
                            timers ->
                                ControllerStartup.start(
                                    new Wiring(
                                        context,
                                        new ControllerStash(buffer, settings.stashCapacity()),
                                        timers,
                                        settings,
                                        partitions,
                                        brokerId,
                                        clock,
                                        new MetadataQuorum(
                                            BrokerQuorum.get(context.getSystem()),
                                            settings.writeTimeout(),
                                            settings.readTimeout())),
                                    localClusterId))));
    return Behaviors.supervise(controller)
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                Duration.ofSeconds(1), Duration.ofSeconds(10), 0.2));
  }

  /** The description of a topic as clients see it. */
  public static TopicDescription describe(TopicMetadata topic) {
    return TopicAdmin.describe(topic);
  }
}
