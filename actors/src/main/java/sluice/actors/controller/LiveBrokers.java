package sluice.actors.controller;

import akka.actor.AddressFromURIString;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import sluice.actors.metadata.BrokerRegistration;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * The brokers as the controller sees them: the registrations of {@link
 * sluice.actors.metadata.BrokersKey}, each counted live while a cluster member with its address is
 * {@code Up} (a broker that is leaving, downed or removed is not), joining while its member is
 * {@code Joining} or {@code WeaklyUp} (a broker registers before the cluster leader moves it up),
 * and where each partition's leader entity must therefore run.
 *
 * <p>Member statuses come from the cluster state when the controller starts and then from the
 * membership events the controller handles ({@link #memberChanged}), not from the cluster state at
 * each question: that is updated by another subscriber, so while the controller handles a broker's
 * {@code MemberUp} it may still say {@code Joining}. Not thread-safe: only the controller actor
 * uses it.
 */
final class LiveBrokers {
  private final Map<String, MemberStatus> members = new HashMap<>();
  private final Map<Integer, BrokerRegistration> registrations;

  LiveBrokers(Cluster cluster, Map<Integer, BrokerRegistration> registrations) {
    this(statuses(cluster), registrations);
  }

  /**
   * @param members the cluster's members: address ({@code akka://...}) to status
   * @param registrations the registrations known so far, by broker id
   */
  LiveBrokers(Map<String, MemberStatus> members, Map<Integer, BrokerRegistration> registrations) {
    this.members.putAll(members);
    this.registrations = new HashMap<>(registrations);
  }

  private static Map<String, MemberStatus> statuses(Cluster cluster) {
    Map<String, MemberStatus> statuses = new HashMap<>();
    for (Member member : cluster.state().getMembers()) {
      statuses.put(member.address().toString(), member.status());
    }
    return statuses;
  }

  /**
   * Takes a membership event: the member's new status, or its removal.
   *
   * @return whether the member just came up (it was not {@code Up} before)
   */
  boolean memberChanged(ClusterEvent.MemberEvent event) {
    return memberStatus(
        event.member().address().toString(),
        event instanceof ClusterEvent.MemberRemoved
            ? MemberStatus.removed()
            : event.member().status());
  }

  /**
   * The member at {@code address} ({@code akka://...}) has {@code status} now.
   *
   * @return whether it just came up (it was not {@code Up} before)
   */
  boolean memberStatus(String address, MemberStatus status) {
    MemberStatus before =
        status.equals(MemberStatus.removed())
            ? members.remove(address)
            : members.put(address, status);
    return status.equals(MemberStatus.up()) && !MemberStatus.up().equals(before);
  }

  /**
   * What a change of the registrations changed.
   *
   * @param moved brokers registered for the first time or at a new address: their partitions are
   *     placed again
   * @param dataDirs brokers whose data directories went offline or came back: elections move
   *     leadership off them or let them back
   */
  record Changes(List<Integer> moved, List<Integer> dataDirs) {
    boolean isEmpty() {
      return moved.isEmpty() && dataDirs.isEmpty();
    }
  }

  /** Takes the current registrations and says what changed. */
  Changes update(Collection<BrokerRegistration> current) {
    List<Integer> moved = new ArrayList<>();
    List<Integer> dataDirs = new ArrayList<>();
    for (BrokerRegistration registration : current) {
      BrokerRegistration before = registrations.put(registration.brokerId(), registration);
      if (before == null || !before.address().equals(registration.address())) {
        moved.add(registration.brokerId());
      }
      boolean offlineBefore = before != null && !before.dataDirsOnline();
      if (offlineBefore != !registration.dataDirsOnline()) {
        dataDirs.add(registration.brokerId());
      }
    }
    return new Changes(moved, dataDirs);
  }

  /** The brokers registered at {@code address} ({@code akka://...}). */
  List<Integer> registeredAt(String address) {
    return registrations.values().stream()
        .filter(b -> b.address().equals(address))
        .map(BrokerRegistration::brokerId)
        .sorted()
        .toList();
  }

  /** Registrations whose member is up, by broker id. */
  Map<Integer, BrokerRegistration> live() {
    Set<String> up = withStatus(MemberStatus.up());
    Map<Integer, BrokerRegistration> live = new TreeMap<>();
    registrations.values().stream()
        .filter(b -> up.contains(b.address()))
        .forEach(b -> live.put(b.brokerId(), b));
    return live;
  }

  /**
   * Live brokers whose registration names an offline data directory: they can neither lead nor stay
   * in an ISR ({@link LeaderElection}).
   */
  Set<Integer> dirOffline() {
    Set<Integer> offline = new TreeSet<>();
    live().values().stream()
        .filter(b -> !b.dataDirsOnline())
        .forEach(b -> offline.add(b.brokerId()));
    return offline;
  }

  /** Live brokers that can write: the live ones without an offline data directory. */
  Set<Integer> serving() {
    Set<Integer> serving = new TreeSet<>(live().keySet());
    serving.removeAll(dirOffline());
    return serving;
  }

  /** The offline data directories of broker {@code brokerId}, as its registration names them. */
  List<String> offlineDirs(int brokerId) {
    BrokerRegistration registration = registrations.get(brokerId);
    return registration == null ? List.of() : registration.offlineDirs();
  }

  /**
   * Registered brokers whose member is joining the cluster, not up yet: neither live nor dead (a
   * broker restarted after a crash registers, then is moved up within a leader-actions interval;
   * counted dead, its partitions went offline in between).
   */
  Set<Integer> joining() {
    Set<String> joining = withStatus(MemberStatus.joining(), MemberStatus.weaklyUp());
    Set<Integer> ids = new TreeSet<>();
    registrations.values().stream()
        .filter(b -> joining.contains(b.address()))
        .forEach(b -> ids.add(b.brokerId()));
    return ids;
  }

  /** The replicas of {@code topics} that have no registration, live or not. */
  Set<Integer> unregistered(Collection<TopicMetadata> topics) {
    Set<Integer> unregistered = new TreeSet<>();
    for (TopicMetadata topic : topics) {
      for (PartitionAssignment p : topic.partitions()) {
        p.replicas().stream().filter(b -> !registrations.containsKey(b)).forEach(unregistered::add);
      }
    }
    return unregistered;
  }

  /** Up members that no registration names: brokers still starting. */
  List<String> unregisteredUpMembers() {
    Set<String> registered = new HashSet<>();
    registrations.values().forEach(b -> registered.add(b.address()));
    return withStatus(MemberStatus.up()).stream()
        .filter(a -> !registered.contains(a))
        .sorted()
        .toList();
  }

  /** Where the leader entity of each partition of {@code topics} with a live leader must run. */
  List<PartitionEntities.Placement> placements(Collection<TopicMetadata> topics) {
    Map<Integer, BrokerRegistration> live = live();
    List<PartitionEntities.Placement> placements = new ArrayList<>();
    for (TopicMetadata topic : topics) {
      for (PartitionAssignment p : topic.partitions()) {
        BrokerRegistration leader = live.get(p.leader());
        if (leader != null) {
          placements.add(
              new PartitionEntities.Placement(
                  topic.name(), p.partition(), AddressFromURIString.parse(leader.address())));
        }
      }
    }
    return placements;
  }

  private Set<String> withStatus(MemberStatus... statuses) {
    Set<MemberStatus> wanted = Set.of(statuses);
    Set<String> addresses = new HashSet<>();
    members.forEach(
        (address, status) -> {
          if (wanted.contains(status)) {
            addresses.add(address);
          }
        });
    return addresses;
  }
}
