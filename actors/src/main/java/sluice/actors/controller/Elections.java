package sluice.actors.controller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * When the controller elects and which partitions change: the rules of {@link LeaderElection} over
 * every topic, given the brokers as {@link LiveBrokers} sees them. Elections are asked for on
 * membership changes, registrations, controller start and periodically; one asked for while a write
 * runs is kept ({@link #defer}) and runs when the write is done, several merged into one.
 *
 * <p>No election while this controller's own broker is not live (it is leaving: its successor
 * elects), nor while an up member has not registered (a broker still starting is not dead). For
 * {@code unregistered-broker-grace} after the controller started, by {@code clock}, a replica
 * without any registration is neither live nor dead (registrations are not durable: after a full
 * cluster restart brokers register one by one); so are brokers whose member is still joining.
 * Brokers whose registration names an offline data directory lead only when no ISR member can
 * write, and leave the ISRs ({@link LeaderElection}).
 *
 * <p>Holds the start time and the deferred request. Not thread-safe: only the controller actor uses
 * it.
 */
final class Elections {
  private static final Logger LOG = LoggerFactory.getLogger(Elections.class);

  /** Elect where needed; also return preferred leaders if {@code preferred}. */
  record Request(String reason, boolean preferred) {}

  private final int brokerId;
  private final boolean autoLeaderRebalance;
  private final Duration unregisteredBrokerGrace;
  private final Clock clock;
  private final Instant started;
  private Request deferred;

  Elections(int brokerId, Controller.Settings settings, Clock clock) {
    this.brokerId = brokerId;
    this.autoLeaderRebalance = settings.autoLeaderRebalanceEnable();
    this.unregisteredBrokerGrace = settings.unregisteredBrokerGrace();
    this.clock = clock;
    this.started = clock.instant();
  }

  /** Keeps a request that came while a write runs; merges it with one kept before. */
  void defer(Request request) {
    deferred =
        deferred == null
            ? request
            : new Request(
                deferred.reason() + ", " + request.reason(),
                deferred.preferred() || request.preferred());
  }

  /** The deferred request, if any; none is kept after. */
  Optional<Request> takeDeferred() {
    Optional<Request> taken = Optional.ofNullable(deferred);
    deferred = null;
    return taken;
  }

  /**
   * The topics whose leaders or ISRs change now, or none if nothing changes or elections must wait.
   */
  List<LeaderElection.TopicElection> elect(
      Request request, LiveBrokers brokers, Collection<TopicMetadata> topics) {
    Set<Integer> live = brokers.live().keySet();
    if (!live.contains(brokerId)) {
      // This broker is leaving (or not up yet): the next controller elects; this one must not take
      // its own broker's departure for the loss of every partition.
      LOG.debug("Elections ({}) skipped: this broker {} is not live", request.reason(), brokerId);
      return List.of();
    }
    List<String> unregistered = brokers.unregisteredUpMembers();
    if (!unregistered.isEmpty()) {
      LOG.debug("Elections ({}) wait for members {} to register", request.reason(), unregistered);
      return List.of();
    }
    var states = states(brokers, topics);
    Set<Integer> unknown = states.unknown();
    Set<Integer> dirOffline = states.dirOffline();
    boolean preferred = request.preferred() && autoLeaderRebalance;
    List<LeaderElection.TopicElection> elections = new ArrayList<>();
    for (TopicMetadata topic : topics) {
      LeaderElection.elect(topic, states, preferred).ifPresent(elections::add);
    }
    if (!elections.isEmpty()) {
      LOG.info(
          "Electing leaders ({}): live brokers {}{}{}, {} topics change",
          request.reason(),
          live,
          dirOffline.isEmpty() ? "" : ", data directory offline on " + dirOffline,
          unknown.isEmpty() ? "" : ", joining or not yet registered " + unknown,
          elections.size());
    }
    return elections;
  }

  /**
   * The brokers as an election sees them now: live, neither live nor dead (joining, or without
   * registration during the grace), and live with an offline data directory.
   */
  LeaderElection.Brokers states(LiveBrokers brokers, Collection<TopicMetadata> topics) {
    return new LeaderElection.Brokers(
        brokers.live().keySet(), unknown(brokers, topics), brokers.dirOffline());
  }

  /** Whether the start's grace for brokers without registration is still running. */
  boolean inGrace() {
    return Duration.between(started, clock.instant()).compareTo(unregisteredBrokerGrace) < 0;
  }

  /** Brokers that are neither live nor dead: joining, or without registration during the grace. */
  private Set<Integer> unknown(LiveBrokers brokers, Collection<TopicMetadata> topics) {
    Set<Integer> unknown = new TreeSet<>(brokers.joining());
    if (inGrace()) {
      unknown.addAll(brokers.unregistered(topics));
    }
    return unknown;
  }

  /**
   * Logs the decisions of elections whose write ended with {@code outcome}.
   *
   * @return the partitions whose leader moved, by topic, to place on their new leaders; none if the
   *     write was refused (a topic changed meanwhile: the next check elects again)
   */
  static List<TopicMetadata> written(
      List<LeaderElection.TopicElection> elections, WriteOutcome outcome, Duration writeTimeout) {
    if (outcome instanceof WriteOutcome.Refused refused) {
      LOG.warn("Elections not written: {}; the next check elects again", refused.reason());
      return List.of();
    }
    if (!(outcome instanceof WriteOutcome.Written)) {
      LOG.warn(
          "Elections are stored on the controller but no majority confirmed them within {}: {}",
          writeTimeout,
          outcome);
    }
    List<TopicMetadata> moved = new ArrayList<>();
    for (LeaderElection.TopicElection election : elections) {
      TopicMetadata after = election.after();
      List<PartitionAssignment> movedPartitions = new ArrayList<>();
      for (LeaderElection.Decision decision : election.decisions()) {
        log(after.name(), decision);
        if (decision.leaderMoved()) {
          movedPartitions.add(decision.after());
        }
      }
      if (!movedPartitions.isEmpty()) {
        moved.add(PartitionPlacement.only(after, movedPartitions));
      }
    }
    return moved;
  }

  private static void log(String topic, LeaderElection.Decision decision) {
    switch (decision.kind()) {
      case UNCLEAN ->
          LOG.warn(
              "{}: unclean leader election, records only the old ISR had may be lost",
              decision.describe(topic));
      case OFFLINE ->
          LOG.warn("{}: no live ISR member, the partition is offline", decision.describe(topic));
      case DIR_OFFLINE ->
          LOG.warn(
              "{}: the leader's data directory is offline, an in-sync replica leads",
              decision.describe(topic));
      case CORRUPT_BATCH ->
          LOG.warn(
              "{}: the leader found a corrupt batch in its own log, an in-sync replica leads",
              decision.describe(topic));
      default -> LOG.info(decision.describe(topic));
    }
  }

  /** The write that stores {@code elections}. */
  static TopicStore.Alter write(List<LeaderElection.TopicElection> elections) {
    return TopicStore.Alter.of(
        elections.stream().map(e -> new TopicWrites.Change(e.before(), e.after())).toList());
  }
}
