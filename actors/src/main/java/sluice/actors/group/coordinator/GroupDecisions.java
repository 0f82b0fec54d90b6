package sluice.actors.group.coordinator;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.group.assign.SubscribedTopic;
import sluice.actors.group.coordinator.GroupRequest.CommitOffsets;
import sluice.actors.group.coordinator.GroupRequest.CommittedOffset;
import sluice.actors.group.coordinator.GroupRequest.DeleteGroup;
import sluice.actors.group.coordinator.GroupRequest.DeleteInstance;
import sluice.actors.group.coordinator.GroupRequest.DeleteOffsets;
import sluice.actors.group.coordinator.GroupRequest.DeleteReply;
import sluice.actors.group.coordinator.GroupRequest.DescribeGroup;
import sluice.actors.group.coordinator.GroupRequest.DescribeReply;
import sluice.actors.group.coordinator.GroupRequest.DescribedGroup;
import sluice.actors.group.coordinator.GroupRequest.FetchOffsets;
import sluice.actors.group.coordinator.GroupRequest.GetInstance;
import sluice.actors.group.coordinator.GroupRequest.GroupListing;
import sluice.actors.group.coordinator.GroupRequest.GroupsReply;
import sluice.actors.group.coordinator.GroupRequest.Heartbeat;
import sluice.actors.group.coordinator.GroupRequest.HeartbeatReply;
import sluice.actors.group.coordinator.GroupRequest.InstanceReply;
import sluice.actors.group.coordinator.GroupRequest.ListGroups;
import sluice.actors.group.coordinator.GroupRequest.OffsetsReply;
import sluice.actors.group.coordinator.GroupRequest.PartitionsReply;
import sluice.actors.group.coordinator.GroupRequest.PutInstance;
import sluice.actors.group.log.GroupRecord;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.GroupStateMachine;
import sluice.actors.group.state.Groups;
import sluice.actors.group.state.InstanceOutcome;
import sluice.actors.group.state.OffsetCommitRequest;
import sluice.actors.group.state.Refusal;
import sluice.actors.group.state.Result;
import sluice.actors.group.state.TopicPartition;
import sluice.actors.group.state.Topics;
import sluice.actors.metadata.MetadataSnapshot;

/**
 * One request of the {@link GroupRequest} protocol run against a coordinator's {@link Groups}: the
 * records to append and the answer to send once they are committed (at once when there are none).
 * Reads (fetch offsets, describe, list, get instance) never write and answer from the replayed
 * state, which holds only committed records. Stateless apart from the cached {@link Topics}; not
 * thread-safe.
 */
final class GroupDecisions {

  /**
   * @param records to append as one batch, in order; empty when nothing changes
   * @param answer sends the answer; run only once the records are committed and replayed
   */
  record Decision(List<GroupRecord> records, Runnable answer) {
    static Decision answer(Runnable answer) {
      return new Decision(List.of(), answer);
    }
  }

  private MetadataSnapshot topicsOf;
  private Topics topics;

  /** Whether {@code request} may write, so it waits for its group's append in flight. */
  static boolean writes(GroupRequest<?> request) {
    return request instanceof Heartbeat
        || request instanceof CommitOffsets
        || request instanceof DeleteOffsets
        || request instanceof DeleteGroup
        || request instanceof PutInstance
        || request instanceof DeleteInstance;
  }

  /**
   * Decides {@code request} at {@code nowMs} against the cluster's topics in {@code snapshot}.
   *
   * @throws IllegalArgumentException if the request is malformed (the caller answers {@code
   *     INVALID_REQUEST})
   */
  Decision decide(Groups groups, GroupRequest<?> request, MetadataSnapshot snapshot, long nowMs) {
    if (request instanceof Heartbeat r) {
      Result<sluice.actors.group.state.HeartbeatResponse> result =
          groups.group(r.groupId()).heartbeat(r.request(), topics(snapshot), nowMs);
      return new Decision(
          result.records(), () -> r.replyTo().tell(new HeartbeatReply(result.response(), null)));
    } else if (request instanceof CommitOffsets r) {
      Result<sluice.actors.group.state.PartitionResults> result =
          groups.group(r.groupId()).commitOffsets(commitRequest(r), nowMs);
      return new Decision(
          result.records(), () -> r.replyTo().tell(PartitionsReply.of(result.response())));
    } else if (request instanceof DeleteOffsets r) {
      Result<sluice.actors.group.state.PartitionResults> result =
          groups.group(r.groupId()).deleteOffsets(new HashSet<>(r.partitions()));
      return new Decision(
          result.records(), () -> r.replyTo().tell(PartitionsReply.of(result.response())));
    } else if (request instanceof DeleteGroup r) {
      Result<Refusal> result = groups.group(r.groupId()).delete();
      Refusal refusal = result.response();
      DeleteReply reply =
          refusal == null
              ? new DeleteReply(null, null, null)
              : new DeleteReply(refusal.error(), refusal.message(), null);
      return new Decision(result.records(), () -> r.replyTo().tell(reply));
    } else if (request instanceof PutInstance r) {
      Result<InstanceOutcome> result =
          groups.group(r.groupId()).putInstance(r.instanceId(), r.instance(), r.create());
      return new Decision(result.records(), () -> r.replyTo().tell(reply(result.response())));
    } else if (request instanceof DeleteInstance r) {
      Result<InstanceOutcome> result = groups.group(r.groupId()).deleteInstance(r.instanceId());
      return new Decision(result.records(), () -> r.replyTo().tell(reply(result.response())));
    } else if (request instanceof GetInstance r) {
      InstanceReply reply =
          groups
              .group(r.groupId())
              .instance(r.instanceId())
              .map(i -> new InstanceReply(i, null, null, null))
              .orElse(
                  new InstanceReply(
                      null,
                      GroupError.UNKNOWN_CONSUMER_INSTANCE,
                      "no consumer instance " + r.instanceId() + " in group " + r.groupId(),
                      null));
      return Decision.answer(() -> r.replyTo().tell(reply));
    } else if (request instanceof FetchOffsets r) {
      return Decision.answer(() -> r.replyTo().tell(fetch(groups, r)));
    } else if (request instanceof DescribeGroup r) {
      DescribeReply reply =
          groups
              .existing(r.groupId())
              .map(g -> new DescribeReply(DescribedGroup.of(g.describe()), null, null))
              .orElse(new DescribeReply(null, GroupError.GROUP_ID_NOT_FOUND, null));
      return Decision.answer(() -> r.replyTo().tell(reply));
    } else if (request instanceof ListGroups r) {
      List<GroupListing> listing = new ArrayList<>();
      groups.list().forEach((id, state) -> listing.add(new GroupListing(id, state)));
      return Decision.answer(() -> r.replyTo().tell(new GroupsReply(listing, null)));
    }
    throw new IllegalArgumentException(
        "a group request this coordinator does not know: " + request);
  }

  /** Expires what is due in {@code group}: members past deadlines, offsets past retention. */
  Result<sluice.actors.group.state.Expired> expire(
      GroupStateMachine group, MetadataSnapshot snapshot, long nowMs) {
    return group.expire(nowMs, topics(snapshot));
  }

  /** Answers {@code request} with {@code error}. */
  static <R extends GroupRequest.Reply> void refuse(GroupRequest<R> request, ApiError error) {
    ActorRef<R> replyTo = request.replyTo();
    replyTo.tell(request.refused(error));
  }

  static ApiError invalid(GroupRequest<?> request, RuntimeException e) {
    return ApiError.of(
        ErrorCode.INVALID_REQUEST,
        "Invalid %s for group %s: %s",
        request.getClass().getSimpleName(),
        request.groupId(),
        e.getMessage());
  }

  private static InstanceReply reply(InstanceOutcome outcome) {
    Refusal refusal = outcome.refusal();
    return refusal == null
        ? new InstanceReply(outcome.instance(), null, null, null)
        : new InstanceReply(null, refusal.error(), refusal.message(), null);
  }

  private static OffsetsReply fetch(Groups groups, FetchOffsets request) {
    Optional<GroupStateMachine> group = groups.existing(request.groupId());
    List<CommittedOffset> offsets = new ArrayList<>();
    group.ifPresent(
        g ->
            g.fetchOffsets(request.partitions() == null ? null : Set.copyOf(request.partitions()))
                .forEach((tp, commit) -> offsets.add(CommittedOffset.of(tp, commit))));
    return new OffsetsReply(offsets, null);
  }

  private static OffsetCommitRequest commitRequest(CommitOffsets request) {
    Map<TopicPartition, OffsetCommitRequest.Offset> offsets = new LinkedHashMap<>();
    for (GroupRequest.OffsetToCommit o : request.offsets()) {
      offsets.put(
          new TopicPartition(o.topic(), o.partition()),
          new OffsetCommitRequest.Offset(o.offset(), o.leaderEpoch(), o.metadata()));
    }
    return new OffsetCommitRequest(
        request.groupId(), request.memberId(), request.memberEpoch(), offsets);
  }

  /** The cluster's topics as the state machine takes them, rebuilt when the snapshot changes. */
  private Topics topics(MetadataSnapshot snapshot) {
    if (snapshot != topicsOf) {
      List<SubscribedTopic> all = new ArrayList<>();
      snapshot
          .topics()
          .values()
          .forEach(t -> all.add(new SubscribedTopic(t.topicId(), t.name(), t.partitions().size())));
      topics = Topics.of(all);
      topicsOf = snapshot;
    }
    return topics;
  }
}
