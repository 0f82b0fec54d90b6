package sluice.actors.consumer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import sluice.actors.group.state.HeartbeatRequest;
import sluice.actors.group.state.HeartbeatResponse;
import sluice.actors.group.state.Member;
import sluice.actors.group.state.TopicPartition;

/**
 * An instance as a KIP-848 group member: its member id (its own, kept for its life, also across
 * rejoins), its epoch, the partitions it owns, when its next heartbeat is due, and the heartbeat
 * requests themselves. The coordinator names topics by id; the driver gives the names with each
 * answer and the instance keeps them to report what it owns. One heartbeat is in flight at a time;
 * a change of what it owns is reported at once, by the next heartbeat sent when none is in flight
 * or as soon as the one in flight is answered, as a KIP-848 consumer acknowledges a revocation or
 * an assignment without waiting for the interval. Not thread-safe.
 */
final class Membership {

  enum Phase {
    /** Not in the group: no subscription, or manual assignment. */
    OUT,
    /** Subscribed and heartbeating (epoch 0 while joining). */
    IN,
    /** Left because it was not polled within {@code max.poll.interval.ms}; a poll rejoins. */
    LEFT_IDLE
  }

  private final String groupId;
  private final String memberId;
  private final String clientId;
  private final String clientHost;
  private final int rebalanceTimeoutMs;

  private Phase phase = Phase.OUT;
  private int epoch = Member.JOIN_EPOCH;
  private int heartbeatIntervalMs = 5_000;
  private long heartbeatDueAt;
  private boolean inFlight;

  /** Owned partitions changed since the last heartbeat was sent: the next one is due at once. */
  private boolean ownedUnreported;

  private boolean sendSubscription;
  private boolean sendFull;
  private Subscription subscription = new Subscription.None();
  private final SortedSet<TopicPartition> owned = new TreeSet<>();
  private final Map<String, String> idsByName = new HashMap<>();

  Membership(
      String groupId, String memberId, String clientId, String clientHost, int rebalanceTimeoutMs) {
    this.groupId = groupId;
    this.memberId = memberId;
    this.clientId = clientId;
    this.clientHost = clientHost;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
  }

  String memberId() {
    return memberId;
  }

  int epoch() {
    return epoch;
  }

  Phase phase() {
    return phase;
  }

  SortedSet<TopicPartition> owned() {
    return owned;
  }

  long heartbeatDueAt() {
    return heartbeatDueAt;
  }

  boolean heartbeatInFlight() {
    return inFlight;
  }

  /** Joins (epoch 0) or changes the subscription; the next heartbeat is due now. */
  void subscribe(Subscription subscription, long now) {
    this.subscription = subscription;
    this.sendSubscription = true;
    if (phase != Phase.IN) {
      rejoin(now);
    } else {
      heartbeatDueAt = now;
    }
  }

  /** Joins again with epoch 0 and nothing owned, as after fencing or a poll timeout. */
  void rejoin(long now) {
    phase = Phase.IN;
    epoch = Member.JOIN_EPOCH;
    owned.clear();
    sendSubscription = true;
    heartbeatDueAt = now;
    inFlight = false;
    ownedUnreported = false;
  }

  /**
   * Owned partitions changed (a revocation done, new partitions taken): tell the coordinator now,
   * or as soon as the heartbeat in flight is answered.
   */
  void ownedChanged(long now) {
    ownedUnreported = true;
    heartbeatDueAt = now;
  }

  /** The heartbeat to send now, or null if none is due or one is in flight. */
  HeartbeatRequest heartbeatIfDue(long now) {
    if (phase != Phase.IN || inFlight || now < heartbeatDueAt) {
      return null;
    }
    inFlight = true;
    ownedUnreported = false;
    boolean joining = epoch == Member.JOIN_EPOCH;
    boolean withSubscription = joining || sendSubscription || sendFull;
    List<String> topics =
        withSubscription && subscription instanceof Subscription.TopicList t ? t.topics() : null;
    String regex =
        withSubscription && subscription instanceof Subscription.Pattern p ? p.regex() : null;
    return new HeartbeatRequest(
        groupId,
        memberId,
        epoch,
        null,
        null,
        joining || sendFull ? rebalanceTimeoutMs : null,
        topics,
        regex,
        null,
        ownedById(),
        clientId,
        clientHost);
  }

  /** Leaves the group (epoch -1): the request to send; owned partitions are dropped. */
  HeartbeatRequest leave(Phase after) {
    HeartbeatRequest request =
        new HeartbeatRequest(
            groupId,
            memberId,
            Member.LEAVE_EPOCH,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            clientId,
            clientHost);
    phase = after;
    inFlight = false;
    ownedUnreported = false;
    owned.clear();
    if (after == Phase.OUT) {
      subscription = new Subscription.None();
    }
    return request;
  }

  /**
   * A heartbeat's successful answer: the epoch and interval it gives, and the assignment by name
   * when it carries one (null when unchanged). The next heartbeat is due after the interval, or at
   * once if what the member owns changed while this one was in flight.
   */
  SortedSet<TopicPartition> answered(
      HeartbeatResponse response, Map<String, String> namesById, long now) {
    inFlight = false;
    epoch = response.memberEpoch();
    heartbeatIntervalMs = response.heartbeatIntervalMs();
    heartbeatDueAt = ownedUnreported ? now : now + heartbeatIntervalMs;
    sendSubscription = false;
    sendFull = false;
    if (response.assignment() == null) {
      return null;
    }
    SortedSet<TopicPartition> target = new TreeSet<>();
    response
        .assignment()
        .forEach(
            (topicId, partitions) -> {
              String name = namesById.get(topicId);
              if (name == null) {
                throw new IllegalArgumentException(
                    "the assignment names topic id " + topicId + " but no name was given for it");
              }
              idsByName.put(name, topicId);
              partitions.forEach(p -> target.add(new TopicPartition(name, p)));
            });
    return target;
  }

  /**
   * A heartbeat failed, was refused with a retriable error, or its answer could not be used: try
   * again after the interval with a full request (Kafka's rule after an error), which the
   * coordinator answers with the whole assignment.
   */
  void retryLater(long now) {
    inFlight = false;
    sendFull = true;
    heartbeatDueAt = now + heartbeatIntervalMs;
  }

  private Map<String, Set<Integer>> ownedById() {
    Map<String, Set<Integer>> byId = new TreeMap<>();
    for (TopicPartition tp : owned) {
      String id = idsByName.get(tp.topic());
      if (id != null) {
        byId.computeIfAbsent(id, k -> new TreeSet<>()).add(tp.partition());
      }
    }
    return byId;
  }
}
