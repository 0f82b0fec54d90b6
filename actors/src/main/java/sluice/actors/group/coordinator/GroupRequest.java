package sluice.actors.group.coordinator;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;
import sluice.actors.api.ApiError;
import sluice.actors.api.CborSerializable;
import sluice.actors.group.log.RecordValue;
import sluice.actors.group.state.GroupDescription;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.GroupState;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.HeartbeatResponse;
import sluice.actors.group.state.PartitionResults;
import sluice.actors.group.state.StoredInstance;
import sluice.actors.group.state.TopicPartition;

/**
 * The consumer-group protocol front doors use, taken by a broker's {@link GroupGateway} (which
 * finds the coordinator and retries) and by the {@link GroupCoordinator}s themselves (reached
 * through {@link GroupCoordinators#serviceKey}): the same records, re-addressed with {@link
 * #withReplyTo} by whoever asks on the sender's behalf, as {@code AdminRequest} is shared by the
 * gateway and the controller. Every message crosses brokers, so all are {@link CborSerializable}
 * and carry lists, never maps keyed by records.
 *
 * <p>Every reply has an {@link ApiError}: null when the coordinator answered, else why it did not
 * ({@code NOT_COORDINATOR}, {@code COORDINATOR_LOAD_IN_PROGRESS}, {@code COORDINATOR_NOT_AVAILABLE}
 * — retriable, the gateway retries them — or {@code REQUEST_TIMED_OUT}, {@code INVALID_REQUEST}). A
 * group's own refusals (a fenced member, a stale epoch) are {@link GroupError}s inside the body.
 * The type name travels with a request ({@link JsonTypeInfo}), as it is sent inside a {@code
 * GroupGateway.Call} or a {@code GroupCoordinators.Deliver}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = GroupRequest.Heartbeat.class, name = "Heartbeat"),
  @JsonSubTypes.Type(value = GroupRequest.CommitOffsets.class, name = "CommitOffsets"),
  @JsonSubTypes.Type(value = GroupRequest.FetchOffsets.class, name = "FetchOffsets"),
  @JsonSubTypes.Type(value = GroupRequest.DeleteOffsets.class, name = "DeleteOffsets"),
  @JsonSubTypes.Type(value = GroupRequest.ListGroups.class, name = "ListGroups"),
  @JsonSubTypes.Type(value = GroupRequest.DescribeGroup.class, name = "DescribeGroup"),
  @JsonSubTypes.Type(value = GroupRequest.DeleteGroup.class, name = "DeleteGroup"),
  @JsonSubTypes.Type(value = GroupRequest.PutInstance.class, name = "PutInstance"),
  @JsonSubTypes.Type(value = GroupRequest.GetInstance.class, name = "GetInstance"),
  @JsonSubTypes.Type(value = GroupRequest.DeleteInstance.class, name = "DeleteInstance")
})
public sealed interface GroupRequest<R extends GroupRequest.Reply> extends CborSerializable {

  /** The group the request is about; null for {@link ListGroups}, which is about all of them. */
  String groupId();

  ActorRef<R> replyTo();

  /** The same request answered to {@code replyTo}. */
  GroupRequest<R> withReplyTo(ActorRef<R> replyTo);

  /** The reply refusing this request with {@code error}. */
  R refused(ApiError error);

  /** What every reply carries: null, or why the coordinator did not answer. */
  interface Reply extends CborSerializable {
    ApiError error();
  }

  // ---- heartbeat ------------------------------------------------------------------------------

  /** A consumer's KIP-848 heartbeat: join, heartbeat, leave. */
  record Heartbeat(HeartbeatRequest request, ActorRef<HeartbeatReply> replyTo)
      implements GroupRequest<HeartbeatReply> {
    @Override
    public String groupId() {
      return request.groupId();
    }

    @Override
    public Heartbeat withReplyTo(ActorRef<HeartbeatReply> replyTo) {
      return new Heartbeat(request, replyTo);
    }

    @Override
    public HeartbeatReply refused(ApiError error) {
      return new HeartbeatReply(null, error);
    }
  }

  /** Exactly one of {@code response} and {@code error} is non-null. */
  record HeartbeatReply(HeartbeatResponse response, ApiError error) implements Reply {}

  // ---- offsets --------------------------------------------------------------------------------

  /**
   * Commits offsets; answered once the commit's record is committed in {@code __consumer_offsets}.
   *
   * @param memberId null (and a negative epoch) for a client outside the group's membership, which
   *     may commit only while the group has no members
   */
  record CommitOffsets(
      String groupId,
      String memberId,
      int memberEpoch,
      List<OffsetToCommit> offsets,
      ActorRef<PartitionsReply> replyTo)
      implements GroupRequest<PartitionsReply> {
    public CommitOffsets {
      offsets = List.copyOf(offsets);
    }

    @Override
    public CommitOffsets withReplyTo(ActorRef<PartitionsReply> replyTo) {
      return new CommitOffsets(groupId, memberId, memberEpoch, offsets, replyTo);
    }

    @Override
    public PartitionsReply refused(ApiError error) {
      return new PartitionsReply(List.of(), error);
    }
  }

  /**
   * @param offset the next offset the group reads
   * @param leaderEpoch of the last record consumed, -1 if unknown
   * @param metadata the client's string; null is taken as empty
   */
  record OffsetToCommit(String topic, int partition, long offset, int leaderEpoch, String metadata)
      implements CborSerializable {}

  /** Fetches committed offsets: those of {@code partitions}, or all if null. */
  record FetchOffsets(
      String groupId, List<TopicPartition> partitions, ActorRef<OffsetsReply> replyTo)
      implements GroupRequest<OffsetsReply> {
    @Override
    public FetchOffsets withReplyTo(ActorRef<OffsetsReply> replyTo) {
      return new FetchOffsets(groupId, partitions, replyTo);
    }

    @Override
    public OffsetsReply refused(ApiError error) {
      return new OffsetsReply(List.of(), error);
    }
  }

  /** Only what was committed, sorted by topic and partition. */
  record OffsetsReply(List<CommittedOffset> offsets, ApiError error) implements Reply {}

  record CommittedOffset(
      String topic,
      int partition,
      long offset,
      int leaderEpoch,
      String metadata,
      long commitTimestamp)
      implements CborSerializable {
    static CommittedOffset of(TopicPartition tp, RecordValue.OffsetCommit commit) {
      return new CommittedOffset(
          tp.topic(),
          tp.partition(),
          commit.offset(),
          commit.leaderEpoch(),
          commit.metadata(),
          commit.commitTimestamp());
    }
  }

  /** Deletes the committed offsets of {@code partitions}. */
  record DeleteOffsets(
      String groupId, List<TopicPartition> partitions, ActorRef<PartitionsReply> replyTo)
      implements GroupRequest<PartitionsReply> {
    @Override
    public DeleteOffsets withReplyTo(ActorRef<PartitionsReply> replyTo) {
      return new DeleteOffsets(groupId, partitions, replyTo);
    }

    @Override
    public PartitionsReply refused(ApiError error) {
      return new PartitionsReply(List.of(), error);
    }
  }

  /** Every partition of a commit or offset deletion: accepted, or refused and why. */
  record PartitionsReply(List<PartitionOutcome> partitions, ApiError error) implements Reply {
    static PartitionsReply of(PartitionResults results) {
      List<PartitionOutcome> outcomes = new java.util.ArrayList<>();
      results.accepted().forEach(tp -> outcomes.add(new PartitionOutcome(tp, null, null)));
      results
          .refused()
          .forEach((tp, r) -> outcomes.add(new PartitionOutcome(tp, r.error(), r.message())));
      outcomes.sort(java.util.Comparator.comparing(PartitionOutcome::partition));
      return new PartitionsReply(outcomes, null);
    }
  }

  /** One partition's outcome: {@code error} and {@code message} null when accepted. */
  record PartitionOutcome(TopicPartition partition, GroupError error, String message)
      implements CborSerializable {}

  // ---- administration -------------------------------------------------------------------------

  /** Every group of every coordinator, with its state. */
  record ListGroups(ActorRef<GroupsReply> replyTo) implements GroupRequest<GroupsReply> {
    @Override
    public String groupId() {
      return null;
    }

    @Override
    public ListGroups withReplyTo(ActorRef<GroupsReply> replyTo) {
      return new ListGroups(replyTo);
    }

    @Override
    public GroupsReply refused(ApiError error) {
      return new GroupsReply(List.of(), error);
    }
  }

  /**
   * The groups found, by id; with an error when some coordinator could not be asked (the groups of
   * the others are still listed).
   */
  record GroupsReply(List<GroupListing> groups, ApiError error) implements Reply {}

  record GroupListing(String groupId, GroupState state) implements CborSerializable {}

  record DescribeGroup(String groupId, ActorRef<DescribeReply> replyTo)
      implements GroupRequest<DescribeReply> {
    @Override
    public DescribeGroup withReplyTo(ActorRef<DescribeReply> replyTo) {
      return new DescribeGroup(groupId, replyTo);
    }

    @Override
    public DescribeReply refused(ApiError error) {
      return new DescribeReply(null, null, error);
    }
  }

  /**
   * @param group null when the group does not exist ({@code groupError} is then {@code
   *     GROUP_ID_NOT_FOUND}) or on an error
   */
  record DescribeReply(DescribedGroup group, GroupError groupError, ApiError error)
      implements Reply {}

  /** {@link GroupDescription} with its offsets as a list, so it crosses brokers. */
  record DescribedGroup(
      String groupId,
      GroupState state,
      int groupEpoch,
      int assignmentEpoch,
      String assignor,
      List<GroupDescription.MemberDescription> members,
      Map<String, String> topicNames,
      List<CommittedOffset> offsets)
      implements CborSerializable {
    static DescribedGroup of(GroupDescription d) {
      List<CommittedOffset> offsets = new java.util.ArrayList<>();
      d.offsets().forEach((tp, commit) -> offsets.add(CommittedOffset.of(tp, commit)));
      return new DescribedGroup(
          d.groupId(),
          d.state(),
          d.groupEpoch(),
          d.assignmentEpoch(),
          d.assignor(),
          d.members(),
          d.topicNames(),
          offsets);
    }
  }

  /** Deletes an empty group: its offsets and records. */
  record DeleteGroup(String groupId, ActorRef<DeleteReply> replyTo)
      implements GroupRequest<DeleteReply> {
    @Override
    public DeleteGroup withReplyTo(ActorRef<DeleteReply> replyTo) {
      return new DeleteGroup(groupId, replyTo);
    }

    @Override
    public DeleteReply refused(ApiError error) {
      return new DeleteReply(null, null, error);
    }
  }

  /**
   * @param groupError null when deleted; {@code NON_EMPTY_GROUP} or {@code GROUP_ID_NOT_FOUND}
   */
  record DeleteReply(GroupError groupError, String message, ApiError error) implements Reply {}

  // ---- HTTP consumer instances ----------------------------------------------------------------

  /**
   * Writes an HTTP consumer instance's durable record, answered once it is committed. With {@code
   * create}, an instance of that name under another member id is refused {@code
   * CONSUMER_INSTANCE_EXISTS} (the same member id is a retried create and is accepted); without it,
   * a missing instance (deleted, expired) is refused {@code UNKNOWN_CONSUMER_INSTANCE}.
   */
  record PutInstance(
      String groupId,
      String instanceId,
      StoredInstance instance,
      boolean create,
      ActorRef<InstanceReply> replyTo)
      implements GroupRequest<InstanceReply> {
    @Override
    public PutInstance withReplyTo(ActorRef<InstanceReply> replyTo) {
      return new PutInstance(groupId, instanceId, instance, create, replyTo);
    }

    @Override
    public InstanceReply refused(ApiError error) {
      return new InstanceReply(null, null, null, error);
    }
  }

  /** Reads an HTTP consumer instance's record; {@code UNKNOWN_CONSUMER_INSTANCE} if none. */
  record GetInstance(String groupId, String instanceId, ActorRef<InstanceReply> replyTo)
      implements GroupRequest<InstanceReply> {
    @Override
    public GetInstance withReplyTo(ActorRef<InstanceReply> replyTo) {
      return new GetInstance(groupId, instanceId, replyTo);
    }

    @Override
    public InstanceReply refused(ApiError error) {
      return new InstanceReply(null, null, null, error);
    }
  }

  /** Deletes an HTTP consumer instance's record; {@code UNKNOWN_CONSUMER_INSTANCE} if none. */
  record DeleteInstance(String groupId, String instanceId, ActorRef<InstanceReply> replyTo)
      implements GroupRequest<InstanceReply> {
    @Override
    public DeleteInstance withReplyTo(ActorRef<InstanceReply> replyTo) {
      return new DeleteInstance(groupId, instanceId, replyTo);
    }

    @Override
    public InstanceReply refused(ApiError error) {
      return new InstanceReply(null, null, null, error);
    }
  }

  /**
   * @param instance the record as committed (after a put), as stored (a get), or as it was (a
   *     delete); null when refused
   * @param groupError {@code CONSUMER_INSTANCE_EXISTS} or {@code UNKNOWN_CONSUMER_INSTANCE}, with
   *     {@code message}; null otherwise
   */
  record InstanceReply(
      StoredInstance instance, GroupError groupError, String message, ApiError error)
      implements Reply {}
}
