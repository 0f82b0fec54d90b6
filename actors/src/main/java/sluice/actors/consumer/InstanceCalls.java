package sluice.actors.consumer;

import akka.actor.typed.javadsl.ActorContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import sluice.actors.consumer.InstanceConfig.OffsetReset;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupGateway;
import sluice.actors.group.coordinator.GroupRequest;
import sluice.actors.group.coordinator.GroupRequest.HeartbeatReply;
import sluice.actors.group.coordinator.GroupRequest.InstanceReply;
import sluice.actors.group.coordinator.GroupRequest.OffsetsReply;
import sluice.actors.group.coordinator.GroupRequest.PartitionsReply;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.OffsetCommitRequest;
import sluice.actors.group.state.StoredInstance;
import sluice.actors.group.state.TopicPartition;

/**
 * The asks of a live instance entity: to its group's coordinator through the broker's {@link
 * GroupGateway} (heartbeats, commits, committed offsets, its record) and to partition leaders
 * through the broker's {@link Gateway} (offsets, fetches). Each answer, or the ask's failure, comes
 * back to the entity as one of the messages below. Not thread-safe: the entity's own.
 */
final class InstanceCalls {
  /** How long past its wait a fetch may take before it counts as failed. */
  private static final Duration FETCH_GRACE = Duration.ofSeconds(5);

  record HeartbeatDone(long seq, HeartbeatReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  record CommitDone(long id, PartitionsReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  record CommittedLookup(Set<TopicPartition> partitions, OffsetsReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  record OffsetListed(
      TopicPartition partition, OffsetReset reset, Gateway.OffsetsReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  record Fetched(long round, Effect.Fetch fetch, Gateway.FetchReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  record CommittedRead(InstanceCommand.GetCommitted request, OffsetsReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  record PutDone(long id, InstanceReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  record RecordDeleted(InstanceReply reply, Throwable failure)
      implements InstanceCommand.Internal {}

  private final ActorContext<InstanceCommand> context;
  private final InstanceEntity.Wiring wiring;
  private final String groupId;
  private final String instanceId;

  InstanceCalls(
      ActorContext<InstanceCommand> context,
      InstanceEntity.Wiring wiring,
      String groupId,
      String instanceId) {
    this.context = context;
    this.wiring = wiring;
    this.groupId = groupId;
    this.instanceId = instanceId;
  }

  void heartbeat(HeartbeatRequest request, long seq) {
    context.ask(
        HeartbeatReply.class,
        wiring.groups(),
        callTimeout(),
        replyTo -> call(new GroupRequest.Heartbeat(request, replyTo)),
        (reply, failure) -> new HeartbeatDone(seq, reply, failure));
  }

  void commit(long id, OffsetCommitRequest request) {
    List<GroupRequest.OffsetToCommit> offsets = new ArrayList<>();
    request
        .offsets()
        .forEach(
            (tp, o) ->
                offsets.add(
                    new GroupRequest.OffsetToCommit(
                        tp.topic(), tp.partition(), o.offset(), o.leaderEpoch(), o.metadata())));
    context.ask(
        PartitionsReply.class,
        wiring.groups(),
        callTimeout(),
        replyTo ->
            call(
                new GroupRequest.CommitOffsets(
                    groupId, request.memberId(), request.memberEpoch(), offsets, replyTo)),
        (reply, failure) -> new CommitDone(id, reply, failure));
  }

  /** The committed offsets a position waits for. */
  void lookUpCommitted(Set<TopicPartition> partitions) {
    context.ask(
        OffsetsReply.class,
        wiring.groups(),
        callTimeout(),
        replyTo -> call(new GroupRequest.FetchOffsets(groupId, List.copyOf(partitions), replyTo)),
        (reply, failure) -> new CommittedLookup(partitions, reply, failure));
  }

  /** The committed offsets a client asks for. */
  void readCommitted(InstanceCommand.GetCommitted request) {
    context.ask(
        OffsetsReply.class,
        wiring.groups(),
        callTimeout(),
        replyTo -> call(new GroupRequest.FetchOffsets(groupId, request.partitions(), replyTo)),
        (reply, failure) -> new CommittedRead(request, reply, failure));
  }

  void listOffset(TopicPartition tp, OffsetReset reset) {
    context.ask(
        Gateway.OffsetsReply.class,
        wiring.gateway(),
        callTimeout(),
        replyTo -> new Gateway.GetOffsets(tp.topic(), tp.partition(), replyTo),
        (reply, failure) -> new OffsetListed(tp, reset, reply, failure));
  }

  void fetch(long round, Effect.Fetch fetch, long maxWaitMs) {
    context.ask(
        Gateway.FetchReply.class,
        wiring.gateway(),
        Duration.ofMillis(maxWaitMs).plus(FETCH_GRACE),
        replyTo ->
            new Gateway.Fetch(
                fetch.partition().topic(),
                fetch.partition().partition(),
                fetch.offset(),
                fetch.maxBytes(),
                maxWaitMs,
                replyTo),
        (reply, failure) -> new Fetched(round, fetch, reply, failure));
  }

  void put(long id, StoredInstance instance) {
    context.ask(
        InstanceReply.class,
        wiring.groups(),
        callTimeout(),
        replyTo ->
            call(new GroupRequest.PutInstance(groupId, instanceId, instance, false, replyTo)),
        (reply, failure) -> new PutDone(id, reply, failure));
  }

  void deleteRecord() {
    context.ask(
        InstanceReply.class,
        wiring.groups(),
        callTimeout(),
        replyTo -> call(new GroupRequest.DeleteInstance(groupId, instanceId, replyTo)),
        RecordDeleted::new);
  }

  private Duration callTimeout() {
    return wiring.settings().callTimeout();
  }

  private GroupGateway.Call call(GroupRequest<?> request) {
    return new GroupGateway.Call(request, callTimeout().toMillis());
  }
}
