package sluice.actors.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import sluice.actors.consumer.InstanceConfig.OffsetReset;
import sluice.actors.consumer.Membership.Phase;
import sluice.actors.group.state.GroupError;
import sluice.actors.group.state.HeartbeatResponse;
import sluice.actors.group.state.Member;
import sluice.actors.group.state.PartitionResults;
import sluice.actors.group.state.TopicPartition;

/**
 * One REST Proxy v2 consumer instance's logic, pure: no actors, no I/O, time passed in as
 * milliseconds. Requests (subscribe, assign, seek, poll, commit) and inputs (heartbeat and commit
 * answers, committed offsets, offset lookups, fetched records) change the state and return the
 * {@link Effect}s the driver must carry out; {@link #nextDeadline} says when to call {@link #tick}.
 * Behaviour and departures from the REST Proxy: {@code docs/http-api.md}, "Consumer instances".
 *
 * <p>Invariants: the instance reads only partitions it owns (assigned by hand, or by the
 * coordinator and not being revoked); with auto-commit, a partition is given back only after the
 * commit of its position is answered; a commit names the member epoch it was made at. Not
 * thread-safe: one driver.
 */
public final class ConsumerInstance {

  private final String groupId;
  private final InstanceConfig config;
  private final Membership membership;
  private final Positions positions;
  private Subscription subscription = new Subscription.None();
  private final SortedSet<TopicPartition> revoking = new TreeSet<>();
  private final PendingCommits commits = new PendingCommits();
  private long lastPollAt;
  private long nextAutoCommitAt;
  private int rotation;

  /**
   * @param memberId the instance's own member id (KIP-1082), kept for its life
   * @param clientHost where the instance is served, as the coordinator shows members
   */
  public ConsumerInstance(
      String groupId,
      String instanceId,
      String memberId,
      String clientHost,
      InstanceConfig config,
      long now) {
    this.groupId = groupId;
    this.config = config;
    this.membership =
        new Membership(groupId, memberId, instanceId, clientHost, config.maxPollIntervalMs());
    this.positions = new Positions(config.autoOffsetReset());
    this.lastPollAt = now;
    this.nextAutoCommitAt = now + config.autoCommitIntervalMs();
  }

  public InstanceConfig config() {
    return config;
  }

  public Subscription subscription() {
    return subscription;
  }

  public String memberId() {
    return membership.memberId();
  }

  public int memberEpoch() {
    return membership.epoch();
  }

  /** Whether the instance is in its group now (it leaves when idle past the poll interval). */
  public boolean inGroup() {
    return membership.phase() == Phase.IN;
  }

  /** The partitions the instance holds: assigned by hand, or by the coordinator (revoking too). */
  public SortedSet<TopicPartition> assignment() {
    return subscription instanceof Subscription.Manual m
        ? new TreeSet<>(m.partitions())
        : new TreeSet<>(membership.owned());
  }

  /** The next offset a poll returns from {@code tp}, if known. */
  public Optional<Long> position(TopicPartition tp) {
    return Optional.ofNullable(positions.known().get(tp));
  }

  /** The offsets this instance last saw committed (fetched or acknowledged). */
  public Map<TopicPartition, Long> committed() {
    return commits.committed();
  }

  // ---- subscription and assignment

  public Outcome subscribe(List<String> topics, long now) {
    return subscribeTo(new Subscription.TopicList(topics), now);
  }

  public Outcome subscribePattern(String regex, long now) {
    return subscribeTo(new Subscription.Pattern(regex), now);
  }

  private Outcome subscribeTo(Subscription next, long now) {
    Outcome conflict = conflict(next);
    if (conflict != null) {
      return conflict;
    }
    subscription = next;
    lastPollAt = now;
    membership.subscribe(next, now);
    return Outcome.accepted(due(now));
  }

  /** Assigns partitions by hand (no group membership), replacing an earlier manual assignment. */
  public Outcome assign(Set<TopicPartition> partitions, long now) {
    Subscription.Manual next = new Subscription.Manual(partitions);
    Outcome conflict = conflict(next);
    if (conflict != null) {
      return conflict;
    }
    Set<TopicPartition> dropped = assignment();
    dropped.removeAll(partitions);
    List<Effect> effects = new ArrayList<>();
    if (config.autoCommitEnable()) {
      SortedMap<TopicPartition, Long> toCommit = uncommitted(dropped);
      if (!toCommit.isEmpty()) {
        effects.add(commit(toCommit, Set.of(), false));
      }
    }
    subscription = next;
    positions.remove(dropped);
    positions.add(partitions);
    effects.addAll(positions.lookups());
    return Outcome.accepted(effects);
  }

  /**
   * Drops the subscription or assignment. A member leaves its group, after committing what it
   * fetched when auto-commit is on.
   */
  public List<Effect> unsubscribe(long now) {
    boolean member = inGroup();
    subscription = new Subscription.None();
    if (!member) {
      membership.leave(Phase.OUT);
      positions.clear();
      return List.of();
    }
    SortedMap<TopicPartition, Long> toCommit =
        config.autoCommitEnable() ? uncommitted(readable()) : new TreeMap<>();
    if (!toCommit.isEmpty()) {
      return List.of(commit(toCommit, Set.of(), true));
    }
    return List.of(leave());
  }

  /** Deleting the instance: the same as {@link #unsubscribe}. */
  public List<Effect> close(long now) {
    return unsubscribe(now);
  }

  private Outcome conflict(Subscription next) {
    return conflict(subscription, next);
  }

  /** Null if {@code current} may be replaced by {@code next}, else the refusal. */
  static Outcome conflict(Subscription current, Subscription next) {
    if (current.canBeReplacedBy(next)) {
      return null;
    }
    return Outcome.refused(
        Rejection.Kind.SUBSCRIPTION_CONFLICT,
        "Subscription to topics, partitions and pattern are mutually exclusive: the instance reads"
            + " by "
            + current.kind()
            + " and cannot switch to "
            + next.kind()
            + " without deleting its subscription first.");
  }

  // ---- seeks

  public Outcome seek(Map<TopicPartition, Long> offsets) {
    Outcome refused = requireAssigned(offsets.keySet(), "seek");
    if (refused != null) {
      return refused;
    }
    offsets.forEach(positions::seek);
    return Outcome.accepted(List.of());
  }

  public Outcome seekToBeginning(Set<TopicPartition> partitions) {
    return seekTo(partitions, OffsetReset.EARLIEST);
  }

  public Outcome seekToEnd(Set<TopicPartition> partitions) {
    return seekTo(partitions, OffsetReset.LATEST);
  }

  private Outcome seekTo(Set<TopicPartition> partitions, OffsetReset reset) {
    Outcome refused = requireAssigned(partitions, "seek");
    if (refused != null) {
      return refused;
    }
    partitions.forEach(tp -> positions.seekTo(tp, reset));
    return Outcome.accepted(List.of());
  }

  private Outcome requireAssigned(Set<TopicPartition> partitions, String what) {
    SortedSet<TopicPartition> missing = new TreeSet<>(partitions);
    missing.removeAll(assignment());
    if (missing.isEmpty()) {
      return null;
    }
    return Outcome.refused(
        Rejection.Kind.NOT_ASSIGNED,
        "Cannot "
            + what
            + " "
            + missing
            + ": not assigned to this instance (assigned: "
            + assignment()
            + ").");
  }

  // ---- polls

  /** A {@code GET records}: what to do first and what to fetch, {@code maxBytes} in all. */
  public PollPlan poll(long now, int maxBytes) {
    lastPollAt = now;
    if (membership.phase() == Phase.LEFT_IDLE) {
      membership.rejoin(now);
    }
    List<Effect> effects = new ArrayList<>();
    if (config.autoCommitEnable() && now >= nextAutoCommitAt) {
      nextAutoCommitAt = now + config.autoCommitIntervalMs();
      SortedMap<TopicPartition, Long> toCommit = uncommitted(readable());
      if (!toCommit.isEmpty()) {
        effects.add(commit(toCommit, Set.of(), false));
      }
    }
    effects.addAll(positions.lookups());
    effects.addAll(due(now));
    List<TopicPartition> noOffset = positions.withoutOffset();
    if (!noOffset.isEmpty()) {
      return new PollPlan(
          effects,
          List.of(),
          new Rejection(
              Rejection.Kind.NO_OFFSET,
              "No committed offset for "
                  + noOffset
                  + " and auto.offset.reset is none; seek first."));
    }
    SortedMap<TopicPartition, Long> known = positions.known();
    known.keySet().retainAll(readable());
    List<Effect.Fetch> fetches =
        PollPlan.split(
            List.copyOf(known.keySet()), List.copyOf(known.values()), maxBytes, rotation++);
    return new PollPlan(effects, fetches, null);
  }

  /** A fetch from {@code from} returned records up to {@code next} (one past the last). */
  public void recordsFetched(TopicPartition tp, long from, long next) {
    if (readable().contains(tp)) {
      positions.fetched(tp, from, next);
    }
  }

  /** A fetch from {@code from} was out of the log's range: reset per {@code auto.offset.reset}. */
  public void fetchOutOfRange(TopicPartition tp, long from) {
    positions.outOfRange(tp, from);
  }

  /** Answer to {@link Effect.FetchCommitted}: the committed offsets (absent: none committed). */
  public void committedFetched(Map<TopicPartition, Long> offsets) {
    commits.fetched(offsets);
    positions.committedFetched(offsets);
  }

  /** Answer to {@link Effect.ListOffsets}. */
  public void offsetsListed(Map<TopicPartition, Long> offsets) {
    positions.offsetsListed(offsets);
  }

  // ---- commits

  /**
   * {@code POST offsets} with a body: each offset is the last one consumed, so the committed offset
   * (the next to read) is one more, as the REST Proxy does.
   */
  public Outcome commit(Map<TopicPartition, Long> lastConsumed) {
    return commit(lastConsumed, Map.of());
  }

  /** As {@link #commit(Map)}, each offset with the client's metadata string (absent: empty). */
  public Outcome commit(
      Map<TopicPartition, Long> lastConsumed, Map<TopicPartition, String> metadata) {
    Outcome refused = requireAssigned(lastConsumed.keySet(), "commit offsets of");
    if (refused != null) {
      return refused;
    }
    SortedMap<TopicPartition, Long> next = new TreeMap<>();
    lastConsumed.forEach((tp, offset) -> next.put(tp, offset + 1));
    return Outcome.accepted(List.of(commit(next, metadata, Set.of(), false)));
  }

  /** {@code POST offsets} with no body: commits every position, that is everything fetched. */
  public Outcome commitAll() {
    SortedMap<TopicPartition, Long> all = positions.known();
    all.keySet().retainAll(assignment());
    return Outcome.accepted(all.isEmpty() ? List.of() : List.of(commit(all, Set.of(), false)));
  }

  /** The coordinator answered commit {@code id}. */
  public List<Effect> commitAnswered(long id, PartitionResults results, long now) {
    return commitDone(commits.answered(id, results), now);
  }

  /** Commit {@code id} got no answer (timeout, coordinator gone): a revocation goes on anyway. */
  public List<Effect> commitFailed(long id, long now) {
    return commitDone(commits.failed(id), now);
  }

  private List<Effect> commitDone(PendingCommits.Pending pending, long now) {
    if (pending == null) {
      return List.of();
    }
    if (pending.leave()) {
      return subscription instanceof Subscription.None && inGroup() ? List.of(leave()) : List.of();
    }
    if (!pending.revokes().isEmpty() && inGroup()) {
      Set<TopicPartition> done = new TreeSet<>(pending.revokes());
      done.retainAll(revoking);
      revoking.removeAll(done);
      membership.owned().removeAll(done);
      positions.remove(done);
      membership.ownedChanged(now);
    }
    return due(now);
  }

  private Effect.Commit commit(
      SortedMap<TopicPartition, Long> offsets, Set<TopicPartition> revokes, boolean leave) {
    return commit(offsets, Map.of(), revokes, leave);
  }

  private Effect.Commit commit(
      SortedMap<TopicPartition, Long> offsets,
      Map<TopicPartition, String> metadata,
      Set<TopicPartition> revokes,
      boolean leave) {
    boolean member = inGroup();
    return commits.commit(
        groupId,
        member ? membership.memberId() : null,
        member ? membership.epoch() : Member.LEAVE_EPOCH,
        offsets,
        metadata,
        revokes,
        leave);
  }

  /** Known positions of {@code partitions} that differ from what was last seen committed. */
  private SortedMap<TopicPartition, Long> uncommitted(Set<TopicPartition> partitions) {
    SortedMap<TopicPartition, Long> known = positions.known();
    known.keySet().retainAll(partitions);
    return commits.uncommitted(known);
  }

  private SortedSet<TopicPartition> readable() {
    SortedSet<TopicPartition> readable = assignment();
    readable.removeAll(revoking);
    return readable;
  }

  // ---- the group

  /**
   * The coordinator answered a heartbeat; {@code namesById} names every topic id of its assignment.
   */
  public List<Effect> heartbeatAnswered(
      HeartbeatResponse response, Map<String, String> namesById, long now) {
    if (!inGroup()) {
      return List.of();
    }
    if (!response.ok()) {
      if (response.error() == GroupError.FENCED_MEMBER_EPOCH
          || response.error() == GroupError.UNKNOWN_MEMBER_ID) {
        // its partitions may be someone else's already: drop them uncommitted and join again
        positions.remove(membership.owned());
        revoking.clear();
        membership.rejoin(now);
      } else {
        membership.retryLater(now);
      }
      return due(now);
    }
    SortedSet<TopicPartition> target = membership.answered(response, namesById, now);
    List<Effect> effects = new ArrayList<>();
    if (target != null) {
      reconcile(target, now, effects);
      // positions of new partitions are looked up now, so the next poll can fetch them
      effects.addAll(positions.lookups());
    }
    effects.addAll(due(now));
    return effects;
  }

  /** A heartbeat got no answer: the next one goes after the interval. */
  public List<Effect> heartbeatFailed(long now) {
    if (inGroup()) {
      membership.retryLater(now);
    }
    return List.of();
  }

  private void reconcile(SortedSet<TopicPartition> target, long now, List<Effect> effects) {
    SortedSet<TopicPartition> owned = membership.owned();
    revoking.retainAll(owned);
    revoking.removeAll(target);
    SortedSet<TopicPartition> added = new TreeSet<>(target);
    added.removeAll(owned);
    SortedSet<TopicPartition> revoked = new TreeSet<>(owned);
    revoked.removeAll(target);
    revoked.removeAll(revoking);
    owned.addAll(added);
    positions.add(added);
    if (!added.isEmpty()) {
      membership.ownedChanged(now);
    }
    if (revoked.isEmpty()) {
      return;
    }
    SortedMap<TopicPartition, Long> toCommit =
        config.autoCommitEnable() ? uncommitted(revoked) : new TreeMap<>();
    if (toCommit.isEmpty()) {
      owned.removeAll(revoked);
      positions.remove(revoked);
      membership.ownedChanged(now);
    } else {
      revoking.addAll(revoked);
      effects.add(commit(toCommit, revoked, false));
    }
  }

  /** Timers: the max poll interval and heartbeats. Call at {@link #nextDeadline} or later. */
  public List<Effect> tick(long now) {
    if (inGroup() && now - lastPollAt > config.maxPollIntervalMs()) {
      // as Kafka's consumer: idle members give their partitions up uncommitted (they may be stuck)
      positions.remove(membership.owned());
      revoking.clear();
      return List.of(new Effect.Heartbeat(membership.leave(Phase.LEFT_IDLE)));
    }
    return due(now);
  }

  /** When {@link #tick} next has something to do; {@code Long.MAX_VALUE} for never. */
  public long nextDeadline() {
    if (!inGroup()) {
      return Long.MAX_VALUE;
    }
    long idle = lastPollAt + config.maxPollIntervalMs() + 1;
    return membership.heartbeatInFlight() ? idle : Math.min(idle, membership.heartbeatDueAt());
  }

  private Effect.Heartbeat leave() {
    Effect.Heartbeat leave = new Effect.Heartbeat(membership.leave(Phase.OUT));
    positions.clear();
    revoking.clear();
    return leave;
  }

  private List<Effect> due(long now) {
    var request = membership.heartbeatIfDue(now);
    return request == null ? List.of() : List.of(new Effect.Heartbeat(request));
  }
}
