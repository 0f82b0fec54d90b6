package sluice.actors.partition;

import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import sluice.actors.partition.PartitionLeader.Message;
import sluice.actors.quorum.QuorumState;
import sluice.storage.log.PartitionLog;

/**
 * What the parts of a leading {@link EventSourcedLeader} share about their partition and their
 * actor: the partition's names, its open log, the leader's settings and clock, its actor context
 * and timers, and where reads and blocking writes run. Fixed for the life of one leader; the
 * mutable parts (the log, the actor) follow their own thread-safety rules.
 *
 * @param actor the leader's context; use only on the leader's thread
 * @param timers the leader's timers; each part uses its own keys
 * @param fetchExecutor where fetches read segment files ({@code sluice.partition.fetch-dispatcher})
 * @param blockingIo where the high watermark checkpoint is written
 * @param quorum this broker's quorum now ({@code BrokerQuorum}): without one the leader writes and
 *     acknowledges nothing
 */
record PartitionContext(
    ActorContext<Message> actor,
    TimerScheduler<Message> timers,
    LeaderSettings settings,
    String topic,
    String topicId,
    int partition,
    PartitionLog log,
    LeaderClock clock,
    Executor fetchExecutor,
    Executor blockingIo,
    Supplier<QuorumState> quorum) {

  /** {@code topic-partition}, the name errors and logs give the partition. */
  String topicPartition() {
    return PartitionLeader.entityId(topic, partition);
  }
}
