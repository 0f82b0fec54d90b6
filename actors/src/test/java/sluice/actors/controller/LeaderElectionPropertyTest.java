package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import sluice.actors.metadata.PartitionAssignment;

/**
 * Random histories of one partition: brokers die and return, the leader adds live replicas back to
 * the ISR (as its AlterPartition would), the controller applies {@link LeaderElection} after each
 * change. Each invariant is a named check; jqwik prints the seed of a failing history.
 */
class LeaderElectionPropertyTest {
  private static final int BROKERS = 5;

  @Property(tries = 500)
  void electionsKeepEveryInvariantOverRandomHistories(
      @ForAll long seed, @ForAll boolean unclean, @ForAll boolean preferredLeaders) {
    Random random = new Random(seed);
    List<Integer> ids = new ArrayList<>(List.of(1, 2, 3, 4, 5));
    Collections.shuffle(ids, random);
    List<Integer> replicas = List.copyOf(ids.subList(0, 1 + random.nextInt(BROKERS)));
    PartitionAssignment p = new PartitionAssignment(0, replicas, replicas.get(0), 0, replicas, 0);
    for (int step = 0; step < 40; step++) {
      Set<Integer> live = new HashSet<>();
      for (int b = 1; b <= BROKERS; b++) {
        if (random.nextInt(4) != 0) {
          live.add(b);
        }
      }
      Set<Integer> dirOffline = new HashSet<>();
      for (int b : live) {
        if (random.nextInt(5) == 0) {
          dirOffline.add(b);
        }
      }
      var brokers = new LeaderElection.Brokers(live, Set.of(), dirOffline);
      Set<Integer> serving = brokers.serving();
      if (p.leader() >= 0 && serving.contains(p.leader()) && random.nextBoolean()) {
        p = leaderAddsALiveReplica(p, serving, random);
      }
      PartitionAssignment before = p;
      Optional<LeaderElection.Decision> decision = LeaderElection.onBrokers(p, brokers, unclean);
      if (decision.isPresent()) {
        p = decision.get().after();
        epochsGrow(before, p);
        onlyIsrMembersAreElectedCleanly(before, p, decision.get().kind());
      }
      if (preferredLeaders) {
        PartitionAssignment beforePreferred = p;
        Optional<LeaderElection.Decision> preferred = LeaderElection.preferred(p, serving);
        if (preferred.isPresent()) {
          p = preferred.get().after();
          epochsGrow(beforePreferred, p);
          assertThat(p.leader()).as("preferred leader").isEqualTo(p.replicas().get(0));
        }
      }
      shapeHolds(p);
      leaderIsLiveOrAbsent(p, live);
      deadBrokersLeaveTheIsrButNotTheLastOne(p, live);
      brokersThatCannotWriteLeaveTheIsrUnlessTheyLead(p, brokers);
      aLeaderThatCannotWriteLeadsOnlyWhenNoIsrMemberCan(before, p, brokers);
      anElectionIsAFixpoint(p, brokers, unclean);
      assertThat(p.leader() >= 0 || !uncleanCouldElect(p, brokers, unclean))
          .as("offline only when no allowed replica lives: %s live %s", p, live)
          .isTrue();
    }
  }

  private static PartitionAssignment leaderAddsALiveReplica(
      PartitionAssignment p, Set<Integer> live, Random random) {
    List<Integer> outside =
        p.replicas().stream().filter(live::contains).filter(b -> !p.isr().contains(b)).toList();
    if (outside.isEmpty()) {
      return p;
    }
    List<Integer> isr = new ArrayList<>(p.isr());
    isr.add(outside.get(random.nextInt(outside.size())));
    return new PartitionAssignment(
        0, p.replicas(), p.leader(), p.leaderEpoch(), isr, p.partitionEpoch() + 1);
  }

  private static void epochsGrow(PartitionAssignment before, PartitionAssignment after) {
    assertThat(after.partitionEpoch()).as("partition epoch").isEqualTo(before.partitionEpoch() + 1);
    if (after.leader() != before.leader()) {
      assertThat(after.leaderEpoch()).as("leader epoch").isEqualTo(before.leaderEpoch() + 1);
    } else {
      assertThat(after.leaderEpoch()).as("leader epoch").isEqualTo(before.leaderEpoch());
    }
  }

  private static void onlyIsrMembersAreElectedCleanly(
      PartitionAssignment before, PartitionAssignment after, LeaderElection.Kind kind) {
    if (after.leader() >= 0
        && after.leader() != before.leader()
        && kind != LeaderElection.Kind.UNCLEAN) {
      assertThat(before.isr()).as("clean leader from the ISR").contains(after.leader());
    }
  }

  private static void shapeHolds(PartitionAssignment p) {
    assertThat(p.isr()).as("ISR non-empty").isNotEmpty();
    assertThat(p.replicas()).as("ISR within the replicas").containsAll(p.isr());
    assertThat(new HashSet<>(p.isr())).as("ISR without duplicates").hasSize(p.isr().size());
    if (p.leader() >= 0) {
      assertThat(p.isr()).as("leader in the ISR").contains(p.leader());
    }
  }

  private static void leaderIsLiveOrAbsent(PartitionAssignment p, Set<Integer> live) {
    assertThat(p.leader() == -1 || live.contains(p.leader()))
        .as("leader %d live in %s", p.leader(), live)
        .isTrue();
  }

  private static void deadBrokersLeaveTheIsrButNotTheLastOne(
      PartitionAssignment p, Set<Integer> live) {
    List<Integer> dead = p.isr().stream().filter(b -> !live.contains(b)).toList();
    if (!dead.isEmpty()) {
      assertThat(p.isr()).as("a dead broker stays only as the last ISR member").hasSize(1);
      assertThat(p.leader()).as("and the partition is offline").isEqualTo(-1);
    }
  }

  private static void brokersThatCannotWriteLeaveTheIsrUnlessTheyLead(
      PartitionAssignment p, LeaderElection.Brokers brokers) {
    for (int b : p.isr()) {
      if (brokers.dirOffline().contains(b) && b != p.leader()) {
        assertThat(p.isr())
            .as("broker %d with an offline directory stays only as the last member", b)
            .hasSize(1);
      }
    }
  }

  private static void aLeaderThatCannotWriteLeadsOnlyWhenNoIsrMemberCan(
      PartitionAssignment before, PartitionAssignment p, LeaderElection.Brokers brokers) {
    if (p.leader() >= 0 && brokers.dirOffline().contains(p.leader())) {
      assertThat(before.isr().stream().filter(brokers.serving()::contains).toList())
          .as("leader %d cannot write, though an ISR member of %s could", p.leader(), before)
          .isEmpty();
    }
  }

  private static void anElectionIsAFixpoint(
      PartitionAssignment p, LeaderElection.Brokers brokers, boolean unclean) {
    assertThat(LeaderElection.onBrokers(p, brokers, unclean)).as("second election").isEmpty();
  }

  /**
   * Whether a replica may lead: a live ISR member, or under unclean election one that can write.
   */
  private static boolean uncleanCouldElect(
      PartitionAssignment p, LeaderElection.Brokers brokers, boolean unclean) {
    boolean cleanCandidate =
        p.replicas().stream().anyMatch(b -> brokers.live().contains(b) && p.isr().contains(b));
    boolean anyServing = p.replicas().stream().anyMatch(brokers.serving()::contains);
    return cleanCandidate || (unclean && anyServing);
  }
}
