package sluice.actors.group.state;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import sluice.actors.group.assign.Assignors;
import sluice.actors.group.log.MemberState;
import sluice.actors.group.log.RecordKey;
import sluice.actors.group.log.RecordValue;
import sluice.actors.group.log.RecordValue.CurrentMemberAssignment;
import sluice.actors.group.log.RecordValue.MemberMetadata;

/**
 * Decides a heartbeat (KIP-848, after Kafka's {@code consumerGroupHeartbeat}): a join, a leave, or
 * a heartbeat of a member; then the member's metadata, the group epoch if its subscriptions or
 * their topics changed, a new target assignment if the epoch moved past the target's, and the
 * member's next reconciliation step. Each part is a record added to a {@link Draft}, which the next
 * part reads. Arms the member's session and revocation deadlines in {@link MemberTimers}.
 */
final class Heartbeats {
  private final GroupConfig config;
  private final MemberTimers timers;

  Heartbeats(GroupConfig config, MemberTimers timers) {
    this.config = config;
    this.timers = timers;
  }

  Result<HeartbeatResponse> heartbeat(
      ConsumerGroup group, HeartbeatRequest request, Topics topics, long now) {
    Draft draft = new Draft(group);
    try {
      validate(request);
      HeartbeatResponse response =
          switch (request.memberEpoch()) {
            case Member.LEAVE_EPOCH, Member.STATIC_LEAVE_EPOCH ->
                leave(draft, request, topics, now);
            default -> join(draft, request, topics, now);
          };
      return draft.result(response);
    } catch (Refused refused) {
      return Result.of(HeartbeatResponse.error(request, refused.error(), refused.getMessage()));
    }
  }

  private static void validate(HeartbeatRequest r) {
    require(r.groupId() != null && !r.groupId().isEmpty(), "the group id is empty");
    require(r.memberId() != null && !r.memberId().isEmpty(), "the member id is empty");
    require(r.instanceId() == null || !r.instanceId().isEmpty(), "the instance id is empty");
    require(r.rackId() == null || !r.rackId().isEmpty(), "the rack id is empty");
    require(r.clientId() != null && r.clientHost() != null, "client id and host are required");
    require(
        r.rebalanceTimeoutMs() == null || r.rebalanceTimeoutMs() >= 0,
        "rebalance timeout " + r.rebalanceTimeoutMs() + " ms is negative");
    require(
        r.subscribedTopicNames() == null || r.subscribedTopicRegex() == null,
        "subscribed topic names and regex are exclusive");
    if (r.memberEpoch() == Member.JOIN_EPOCH) {
      require(r.rebalanceTimeoutMs() != null, "a joining member must give its rebalance timeout");
      require(
          r.subscribedTopicNames() != null || r.subscribedTopicRegex() != null,
          "a joining member must subscribe to topic names or a regex");
      require(
          r.ownedPartitions() == null || r.ownedPartitions().isEmpty(),
          "a joining member cannot own partitions");
    } else if (r.memberEpoch() == Member.STATIC_LEAVE_EPOCH) {
      require(r.instanceId() != null, "only a static member can leave with epoch -2");
    } else if (r.memberEpoch() < Member.STATIC_LEAVE_EPOCH) {
      require(false, "member epoch " + r.memberEpoch() + " is invalid");
    }
    if (r.serverAssignor() != null && !Assignors.names().contains(r.serverAssignor())) {
      throw new Refused(
          GroupError.UNSUPPORTED_ASSIGNOR,
          "assignor '"
              + r.serverAssignor()
              + "' is not supported; supported: "
              + String.join(", ", Assignors.names()));
    }
    if (r.subscribedTopicRegex() != null) {
      String error = Subscriptions.regexError(r.subscribedTopicRegex());
      if (error != null) {
        throw new Refused(
            GroupError.INVALID_REGULAR_EXPRESSION,
            "regex '" + r.subscribedTopicRegex() + "' is invalid: " + error);
      }
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new Refused(GroupError.INVALID_REQUEST, message);
    }
  }

  private HeartbeatResponse leave(Draft draft, HeartbeatRequest r, Topics topics, long now) {
    Member member =
        r.instanceId() == null ? knownMember(draft.group(), r.memberId()) : knownStatic(draft, r);
    if (r.memberEpoch() == Member.STATIC_LEAVE_EPOCH) {
      CurrentMemberAssignment a = member.assignment();
      draft.add(
          new RecordKey.CurrentMemberAssignment(draft.group().groupId(), member.memberId()),
          new CurrentMemberAssignment(
              Member.STATIC_LEAVE_EPOCH,
              a.memberEpoch(),
              a.state(),
              a.assignedPartitions(),
              Map.of()));
      timers.heartbeat(member.memberId(), now + config.sessionTimeoutMs());
    } else {
      Removals.removeMember(draft, member.memberId(), topics);
    }
    return new HeartbeatResponse(
        member.memberId(), r.memberEpoch(), config.heartbeatIntervalMs(), null, null, null);
  }

  private static Member knownMember(ConsumerGroup group, String memberId) {
    return group
        .member(memberId)
        .orElseThrow(
            () ->
                new Refused(
                    GroupError.UNKNOWN_MEMBER_ID,
                    "member " + memberId + " is not in group " + group.groupId()));
  }

  /** The static member of the request's instance id, which must be the request's member. */
  private static Member knownStatic(Draft draft, HeartbeatRequest r) {
    Member member =
        draft
            .group()
            .staticMember(r.instanceId())
            .orElseThrow(
                () ->
                    new Refused(
                        GroupError.UNKNOWN_MEMBER_ID,
                        "instance id " + r.instanceId() + " is unknown"));
    if (!member.memberId().equals(r.memberId())) {
      throw new Refused(
          GroupError.FENCED_INSTANCE_ID,
          "member "
              + r.memberId()
              + " with instance id "
              + r.instanceId()
              + " was replaced by member "
              + member.memberId());
    }
    return member;
  }

  private HeartbeatResponse join(Draft draft, HeartbeatRequest r, Topics topics, long now) {
    ConsumerGroup group = draft.group();
    Member before = r.instanceId() == null ? dynamicMember(draft, r) : staticMember(draft, r);
    if (before == null
        && group.member(r.memberId()).isEmpty()
        && group.size() >= config.maxSize()) {
      throw new Refused(
          GroupError.GROUP_MAX_SIZE_REACHED,
          "group " + group.groupId() + " has reached its maximum size of " + config.maxSize());
    }
    MemberMetadata old = before == null ? null : before.metadata();
    MemberMetadata updated = updatedMetadata(old, r);
    if (!updated.equals(old)) {
      draft.add(new RecordKey.MemberMetadata(group.groupId(), r.memberId()), updated);
    }
    boolean subscriptionChanged =
        old == null
            || !old.subscribedTopicNames().equals(updated.subscribedTopicNames())
            || !Objects.equals(old.subscribedTopicRegex(), updated.subscribedTopicRegex());
    Removals.raiseEpoch(draft, topics, subscriptionChanged);
    if (draft.group().groupEpoch() > draft.group().targetEpoch()) {
      TargetAssignments.update(draft, topics, config.defaultAssignor());
    }
    Member member = draft.group().member(r.memberId()).orElseThrow();
    reconcile(draft, member, r.ownedPartitions(), now);
    Member after = draft.group().member(r.memberId()).orElseThrow();
    timers.heartbeat(after.memberId(), now + config.sessionTimeoutMs());
    Map<String, Set<Integer>> previous = before == null ? Map.of() : before.assigned();
    boolean sendAssignment = r.isFull() || !after.assigned().equals(previous);
    return new HeartbeatResponse(
        after.memberId(),
        after.epoch(),
        config.heartbeatIntervalMs(),
        sendAssignment ? after.assigned() : null,
        null,
        null);
  }

  /**
   * The existing member with a valid epoch, or null for a new one. A known member that joins (epoch
   * 0) at an epoch the coordinator would not accept from it is a member that was fenced, dropped
   * its partitions and rejoins under its id, as KIP-848 clients do (Kafka 4.1 fences it again, so
   * it loops until its session ends; KAFKA-19233 later accepted it): it is taken as a new join
   * under the same id, see {@link #rejoin}.
   */
  private static Member dynamicMember(Draft draft, HeartbeatRequest r) {
    ConsumerGroup group = draft.group();
    var existing = group.member(r.memberId());
    if (existing.isEmpty()) {
      if (r.memberEpoch() != Member.JOIN_EPOCH) {
        throw new Refused(
            GroupError.UNKNOWN_MEMBER_ID,
            "member " + r.memberId() + " is not in group " + group.groupId());
      }
      return null;
    }
    if (r.memberEpoch() == Member.JOIN_EPOCH && !acceptsEpoch(existing.get(), r)) {
      return rejoin(draft, existing.get());
    }
    checkEpoch(existing.get(), r);
    return existing.get();
  }

  /**
   * A member that rejoins under its id owns nothing (a join cannot report partitions), so its
   * records say so first: its current assignment becomes a joining member's (epoch 0, nothing
   * assigned or pending revocation). What it held goes back to the pool at once — no client
   * consumes it — and other members waiting for it take it at their next heartbeat; the member
   * itself then reconciles from nothing to its target like any new member, receiving only what no
   * other member holds. Its metadata and target stay: the group epoch rises only if its
   * subscription changed.
   */
  private static Member rejoin(Draft draft, Member member) {
    draft.add(
        new RecordKey.CurrentMemberAssignment(draft.group().groupId(), member.memberId()),
        Member.JOINING);
    return draft.group().member(member.memberId()).orElseThrow();
  }

  /**
   * The static member with a valid epoch; on a join, null for a new one, or the member that
   * replaces one that left for a while (its records rewritten under the new member id, its
   * assignment kept for it).
   */
  private static Member staticMember(Draft draft, HeartbeatRequest r) {
    ConsumerGroup group = draft.group();
    if (r.memberEpoch() != Member.JOIN_EPOCH) {
      Member member = knownStatic(draft, r);
      checkEpoch(member, r);
      return member;
    }
    var existing = group.staticMember(r.instanceId());
    if (existing.isEmpty()) {
      if (group.member(r.memberId()).isPresent()) {
        throw new Refused(
            GroupError.INVALID_REQUEST,
            "member " + r.memberId() + " is already in the group without an instance id");
      }
      return null;
    }
    Member old = existing.get();
    if (old.epoch() != Member.STATIC_LEAVE_EPOCH) {
      throw new Refused(
          GroupError.UNRELEASED_INSTANCE_ID,
          "instance id " + r.instanceId() + " is still held by member " + old.memberId());
    }
    if (!old.memberId().equals(r.memberId()) && group.member(r.memberId()).isPresent()) {
      throw new Refused(
          GroupError.INVALID_REQUEST, "member id " + r.memberId() + " is taken in the group");
    }
    String groupId = group.groupId();
    Removals.removeMemberRecordsOnly(draft, old.memberId());
    draft.add(new RecordKey.MemberMetadata(groupId, r.memberId()), old.metadata());
    draft.add(
        new RecordKey.TargetAssignmentMember(groupId, r.memberId()),
        new RecordValue.TargetAssignmentMember(old.target()));
    CurrentMemberAssignment a = old.assignment();
    CurrentMemberAssignment rejoined =
        new CurrentMemberAssignment(
            Member.JOIN_EPOCH, Member.JOIN_EPOCH, a.state(), a.assignedPartitions(), Map.of());
    draft.add(new RecordKey.CurrentMemberAssignment(groupId, r.memberId()), rejoined);
    return draft.group().member(r.memberId()).orElseThrow();
  }

  /**
   * A member may heartbeat with its epoch, or with its previous epoch if it owns no more than its
   * assignment (the answer that moved it on may have been lost); anything else is fenced.
   */
  private static void checkEpoch(Member member, HeartbeatRequest r) {
    int epoch = r.memberEpoch();
    if (!acceptsEpoch(member, r)) {
      throw new Refused(
          GroupError.FENCED_MEMBER_EPOCH,
          "member "
              + member.memberId()
              + " sent epoch "
              + epoch
              + " but its epoch is "
              + member.epoch()
              + "; it must give up its partitions and rejoin");
    }
  }

  /**
   * Whether the member may heartbeat with the request's epoch: its own, or its previous one when it
   * reports owning no more than its assignment. A join owns nothing, so a join resent because its
   * answer (epoch 1, previous 0) was lost is accepted and answered with the member's assignment.
   */
  private static boolean acceptsEpoch(Member member, HeartbeatRequest r) {
    int epoch = r.memberEpoch();
    if (epoch == member.epoch()) {
      return true;
    }
    Map<String, Set<Integer>> owned =
        epoch == Member.JOIN_EPOCH && r.ownedPartitions() == null ? Map.of() : r.ownedPartitions();
    return epoch < member.epoch()
        && epoch == member.assignment().previousMemberEpoch()
        && isSubset(owned, member.assigned());
  }

  private static boolean isSubset(
      Map<String, Set<Integer>> owned, Map<String, Set<Integer>> assigned) {
    if (owned == null) {
      return false;
    }
    return owned.entrySet().stream()
        .allMatch(e -> assigned.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()));
  }

  private static MemberMetadata updatedMetadata(MemberMetadata old, HeartbeatRequest r) {
    Set<String> names = old == null ? Set.of() : old.subscribedTopicNames();
    String regex = old == null ? null : old.subscribedTopicRegex();
    if (r.subscribedTopicNames() != null) {
      names = Set.copyOf(r.subscribedTopicNames());
      regex = null;
    } else if (r.subscribedTopicRegex() != null) {
      names = Set.of();
      regex = r.subscribedTopicRegex();
    }
    return new MemberMetadata(
        r.instanceId() != null ? r.instanceId() : old == null ? null : old.instanceId(),
        r.rackId() != null ? r.rackId() : old == null ? null : old.rackId(),
        r.clientId(),
        r.clientHost(),
        names,
        regex,
        r.rebalanceTimeoutMs() != null ? r.rebalanceTimeoutMs() : old.rebalanceTimeoutMs(),
        r.serverAssignor() != null
            ? r.serverAssignor()
            : old == null ? null : old.serverAssignor());
  }

  /** The member's next reconciliation step, recorded if it changes anything. */
  private void reconcile(Draft draft, Member member, Map<String, Set<Integer>> owned, long now) {
    ConsumerGroup group = draft.group();
    if (member.isReconciledTo(group.targetEpoch())) {
      timers.notRevoking(member.memberId());
      return;
    }
    CurrentMemberAssignment next =
        Reconciliation.next(
            member,
            group.targetEpoch(),
            member.target(),
            (memberId, topicId, p) ->
                group.holderOf(topicId, p).filter(h -> !h.equals(memberId)).isPresent(),
            owned);
    if (!next.equals(member.assignment())) {
      draft.add(new RecordKey.CurrentMemberAssignment(group.groupId(), member.memberId()), next);
    }
    if (next.state() == MemberState.UNREVOKED_PARTITIONS) {
      timers.revoking(
          member.memberId(), next.memberEpoch(), now + member.metadata().rebalanceTimeoutMs());
    } else {
      timers.notRevoking(member.memberId());
    }
  }
}
