package sluice.actors.controller;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * The controller's election rules, as Kafka's, given which brokers are live. Pure functions; the
 * controller writes what they decide.
 *
 * <p>For a partition whose leader is live, dead brokers leave the ISR (partition epoch + 1, same
 * leader epoch). For a partition whose leader is dead or absent ({@code -1}), the new leader is the
 * first replica, in replica order, that is live and in the ISR (clean). If none is, and the topic
 * has {@code unclean.leader.election.enable=true}, the first live replica leads with an ISR of
 * itself (unclean: records only the old ISR had are lost); otherwise the partition is offline
 * (leader {@code -1}). Dead brokers leave the ISR, but never its last member: if every ISR member
 * is dead, the ISR keeps the old leader if it was a member (it holds every acknowledged record),
 * else its last member, so that broker can lead cleanly when it returns. Every leader change bumps
 * the leader epoch and the partition epoch by one.
 *
 * <p>Brokers whose state is not known yet (a controller just started after a full cluster restart
 * and has no registration for them) count as neither live nor dead: nothing is taken from them.
 *
 * <p>A live broker whose data directory is offline (its registration says so, {@link
 * sluice.actors.journal.DataDirHealth}) cannot write: it leaves every ISR and a partition it leads
 * moves to the first ISR member, in replica order, that is live with an online directory (leader
 * and partition epoch + 1, as a failover), as Kafka moves leadership off a failed log directory. If
 * the ISR has no such member it keeps leading (and refusing writes with {@code
 * KAFKA_STORAGE_ERROR}) rather than going offline: it holds every acknowledged record and leads
 * again the moment its directory works. For the same reason, a dead leader whose only live ISR
 * members have offline directories is replaced by the first of them. Such brokers are never chosen
 * by unclean or preferred elections.
 *
 * <p>Preferred leader: a partition whose first replica is live, in the ISR and not the leader gets
 * it back as leader (leader and partition epoch + 1, same ISR).
 *
 * <p>Resignation ({@link #resign}): a leader that found a corrupt batch in its own log hands the
 * partition to the first other ISR member, in replica order, that is live with an online data
 * directory (leader and partition epoch + 1, as a failover) and leaves the ISR, which keeps its
 * other members that are not dead. With no such member nothing changes: the leader holds every
 * acknowledged record but one batch, and goes on serving the batches before it.
 */
public final class LeaderElection {
  private LeaderElection() {}

  /** Why a partition's assignment changed. */
  public enum Kind {
    /** A live ISR member became leader. */
    CLEAN,
    /** A live replica outside the ISR became leader; data may be lost. */
    UNCLEAN,
    /** No replica may lead: leader -1. */
    OFFLINE,
    /** The leader stays; dead brokers left the ISR. */
    ISR_SHRUNK,
    /** The preferred replica took the leadership back. */
    PREFERRED,
    /** The leader's data directory is offline: a live ISR member with an online one took over. */
    DIR_OFFLINE,
    /**
     * The leader found a corrupt batch in its own log and resigned: a live ISR member with an
     * online data directory took over, the old leader left the ISR.
     */
    CORRUPT_BATCH
  }

  /**
   * The brokers as an election sees them.
   *
   * @param live brokers whose member is up
   * @param unknown brokers whose state is not known yet (not in {@code live}): neither live nor
   *     dead
   * @param dirOffline live brokers whose data directory is offline
   */
  public record Brokers(Set<Integer> live, Set<Integer> unknown, Set<Integer> dirOffline) {
    public Brokers {
      live = Set.copyOf(live);
      unknown = Set.copyOf(unknown);
      dirOffline = Set.copyOf(dirOffline);
    }

    /** Only live brokers, every directory online. */
    public static Brokers live(Set<Integer> live) {
      return new Brokers(live, Set.of(), Set.of());
    }

    /** Live brokers that can write: they may lead and stay in or join an ISR. */
    public Set<Integer> serving() {
      Set<Integer> serving = new HashSet<>(live);
      serving.removeAll(dirOffline);
      return serving;
    }

    boolean liveWithOfflineDir(int brokerId) {
      return live.contains(brokerId) && dirOffline.contains(brokerId);
    }
  }

  /** A partition's assignment before and after. */
  public record Decision(PartitionAssignment before, PartitionAssignment after, Kind kind) {
    /** Whether the partition now has a leader it did not have before. */
    public boolean leaderMoved() {
      return after.leader() >= 0 && after.leader() != before.leader();
    }

    /** One log line: the partition, the kind, leader and ISR before and after, the epochs. */
    public String describe(String topic) {
      return String.format(
          "%s-%d: %s, leader %d -> %d (leader epoch %d), ISR %s -> %s (partition epoch %d)",
          topic,
          after.partition(),
          kind,
          before.leader(),
          after.leader(),
          after.leaderEpoch(),
          before.isr(),
          after.isr(),
          after.partitionEpoch());
    }
  }

  /** A topic's new metadata and what changed in it. */
  public record TopicElection(TopicMetadata before, TopicMetadata after, List<Decision> decisions) {
    public TopicElection {
      decisions = List.copyOf(decisions);
    }
  }

  /**
   * Applies the rules to one partition.
   *
   * @param live the live broker ids
   * @param unclean the topic's {@code unclean.leader.election.enable}
   * @return the change, or empty if the partition needs none
   */
  public static Optional<Decision> onLiveBrokers(
      PartitionAssignment p, Set<Integer> live, boolean unclean) {
    return onBrokers(p, Brokers.live(live), unclean);
  }

  /**
   * Applies the rules to one partition, treating the {@code unknown} brokers as neither live nor
   * dead: a leader among them keeps its partition, they stay in the ISR, none is elected, and no
   * unclean election happens while one of them is in the ISR.
   *
   * @param live the live broker ids
   * @param unknown broker ids whose state is not known yet (not in {@code live})
   * @param unclean the topic's {@code unclean.leader.election.enable}
   * @return the change, or empty if the partition needs none
   */
  public static Optional<Decision> onLiveBrokers(
      PartitionAssignment p, Set<Integer> live, Set<Integer> unknown, boolean unclean) {
    return onBrokers(p, new Brokers(live, unknown, Set.of()), unclean);
  }

  /**
   * Applies the rules to one partition: unknown brokers as in {@link #onLiveBrokers(
   * PartitionAssignment, Set, Set, boolean)}, brokers with an offline data directory as the class
   * comment says.
   *
   * @param unclean the topic's {@code unclean.leader.election.enable}
   * @return the change, or empty if the partition needs none
   */
  public static Optional<Decision> onBrokers(
      PartitionAssignment p, Brokers brokers, boolean unclean) {
    Set<Integer> serving = brokers.serving();
    Set<Integer> keep = new HashSet<>(serving);
    keep.addAll(brokers.unknown());
    if (keep.contains(p.leader())) {
      return shrinkOnly(p, keep);
    }
    Optional<Integer> clean =
        p.replicas().stream().filter(serving::contains).filter(p.isr()::contains).findFirst();
    if (clean.isPresent()) {
      Kind kind = brokers.liveWithOfflineDir(p.leader()) ? Kind.DIR_OFFLINE : Kind.CLEAN;
      return decide(p, clean.get(), p.leaderEpoch() + 1, isrWith(p, keep, clean.get()), kind);
    }
    if (brokers.live().contains(p.leader())) {
      // Its directory is offline and no ISR member can take over: it keeps the partition.
      return shrinkOnly(p, keep);
    }
    Optional<Integer> cannotWriteYet =
        p.replicas().stream()
            .filter(brokers::liveWithOfflineDir)
            .filter(p.isr()::contains)
            .findFirst();
    if (cannotWriteYet.isPresent()) {
      int leader = cannotWriteYet.get();
      return decide(p, leader, p.leaderEpoch() + 1, isrWith(p, keep, leader), Kind.CLEAN);
    }
    Optional<Integer> anyServing = p.replicas().stream().filter(serving::contains).findFirst();
    if (unclean
        && anyServing.isPresent()
        && p.isr().stream().noneMatch(brokers.unknown()::contains)) {
      return decide(
          p, anyServing.get(), p.leaderEpoch() + 1, List.of(anyServing.get()), Kind.UNCLEAN);
    }
    List<Integer> isr = withoutDead(p, keep);
    if (p.leader() < 0 && isr.equals(p.isr())) {
      return Optional.empty();
    }
    int leaderEpoch = p.leader() < 0 ? p.leaderEpoch() : p.leaderEpoch() + 1;
    return decide(p, -1, leaderEpoch, isr, Kind.OFFLINE);
  }

  /** The leader stays; ISR members outside {@code keep} but the leader leave. */
  private static Optional<Decision> shrinkOnly(PartitionAssignment p, Set<Integer> keep) {
    List<Integer> isr = isrWith(p, keep, p.leader());
    return isr.equals(p.isr())
        ? Optional.empty()
        : decide(p, p.leader(), p.leaderEpoch(), isr, Kind.ISR_SHRUNK);
  }

  /** The ISR members in {@code keep}, and {@code leader}. */
  private static List<Integer> isrWith(PartitionAssignment p, Set<Integer> keep, int leader) {
    Set<Integer> kept = new HashSet<>(keep);
    kept.add(leader);
    return withoutDead(p, kept);
  }

  /**
   * The partition handed from its leader, whose own log holds a corrupt batch, to the first other
   * ISR member in replica order that can write; the old leader leaves the ISR.
   *
   * @return the change, or empty if no other ISR member can lead (the leader stays)
   */
  public static Optional<Decision> resign(PartitionAssignment p, Brokers brokers) {
    Set<Integer> serving = brokers.serving();
    Optional<Integer> successor =
        p.replicas().stream()
            .filter(b -> b != p.leader())
            .filter(serving::contains)
            .filter(p.isr()::contains)
            .findFirst();
    if (successor.isEmpty()) {
      return Optional.empty();
    }
    Set<Integer> keep = new HashSet<>(serving);
    keep.addAll(brokers.unknown());
    keep.remove(p.leader());
    int leader = successor.get();
    return decide(p, leader, p.leaderEpoch() + 1, isrWith(p, keep, leader), Kind.CORRUPT_BATCH);
  }

  /**
   * The preferred replica (the first) takes the leadership back if it is live, in the ISR and not
   * the leader.
   */
  public static Optional<Decision> preferred(PartitionAssignment p, Set<Integer> live) {
    int preferred = p.replicas().get(0);
    if (p.leader() == preferred || !live.contains(preferred) || !p.isr().contains(preferred)) {
      return Optional.empty();
    }
    return decide(p, preferred, p.leaderEpoch() + 1, p.isr(), Kind.PREFERRED);
  }

  /**
   * Applies {@link #onLiveBrokers} to every partition of a topic, then {@link #preferred} if asked.
   *
   * @return the topic's new metadata, or empty if no partition changed
   */
  public static Optional<TopicElection> elect(
      TopicMetadata topic, Set<Integer> live, boolean preferredLeaders) {
    return elect(topic, Brokers.live(live), preferredLeaders);
  }

  /**
   * Applies {@link #onLiveBrokers(PartitionAssignment, Set, Set, boolean)} to every partition of a
   * topic, then {@link #preferred} if asked.
   *
   * @param unknown broker ids whose state is not known yet
   * @return the topic's new metadata, or empty if no partition changed
   */
  public static Optional<TopicElection> elect(
      TopicMetadata topic, Set<Integer> live, Set<Integer> unknown, boolean preferredLeaders) {
    return elect(topic, new Brokers(live, unknown, Set.of()), preferredLeaders);
  }

  /**
   * Applies {@link #onBrokers} to every partition of a topic, then {@link #preferred} (among the
   * brokers that can write) if asked.
   *
   * @return the topic's new metadata, or empty if no partition changed
   */
  public static Optional<TopicElection> elect(
      TopicMetadata topic, Brokers brokers, boolean preferredLeaders) {
    boolean unclean = TopicConfigs.uncleanLeaderElectionEnable(topic.configs());
    Set<Integer> serving = brokers.serving();
    List<PartitionAssignment> partitions = new ArrayList<>(topic.partitions().size());
    List<Decision> decisions = new ArrayList<>();
    for (PartitionAssignment p : topic.partitions()) {
      PartitionAssignment current = p;
      Optional<Decision> onBrokers = onBrokers(current, brokers, unclean);
      if (onBrokers.isPresent()) {
        decisions.add(onBrokers.get());
        current = onBrokers.get().after();
      }
      if (preferredLeaders) {
        Optional<Decision> preferred = preferred(current, serving);
        if (preferred.isPresent()) {
          decisions.add(preferred.get());
          current = preferred.get().after();
        }
      }
      partitions.add(current);
    }
    if (decisions.isEmpty()) {
      return Optional.empty();
    }
    TopicMetadata after =
        new TopicMetadata(
            topic.name(), topic.topicId(), topic.internal(), topic.configs(), partitions);
    return Optional.of(new TopicElection(topic, after, decisions));
  }

  /**
   * The ISR without dead brokers; if that leaves it empty, the old leader if it was a member, else
   * the last member.
   */
  static List<Integer> withoutDead(PartitionAssignment p, Set<Integer> live) {
    List<Integer> isr = p.isr().stream().filter(live::contains).toList();
    if (!isr.isEmpty() || p.isr().isEmpty()) {
      return isr;
    }
    return p.isr().contains(p.leader())
        ? List.of(p.leader())
        : List.of(p.isr().get(p.isr().size() - 1));
  }

  private static Optional<Decision> decide(
      PartitionAssignment p, int leader, int leaderEpoch, List<Integer> isr, Kind kind) {
    return Optional.of(
        new Decision(
            p,
            new PartitionAssignment(
                p.partition(), p.replicas(), leader, leaderEpoch, isr, p.partitionEpoch() + 1),
            kind));
  }
}
