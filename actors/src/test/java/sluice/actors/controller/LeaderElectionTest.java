package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.controller.LeaderElection.Decision;
import sluice.actors.controller.LeaderElection.Kind;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

class LeaderElectionTest {

  private static PartitionAssignment partition(
      List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr, int partitionEpoch) {
    return new PartitionAssignment(0, replicas, leader, leaderEpoch, isr, partitionEpoch);
  }

  private static PartitionAssignment after(Optional<Decision> decision, Kind kind) {
    assertThat(decision).isPresent();
    assertThat(decision.get().kind()).isEqualTo(kind);
    return decision.get().after();
  }

  @Test
  void aLiveLeaderWithALiveIsrNeedsNoChange() {
    var p = partition(List.of(1, 2, 3), 1, 4, List.of(1, 2, 3), 7);
    assertThat(LeaderElection.onLiveBrokers(p, Set.of(1, 2, 3), false)).isEmpty();
  }

  @Test
  void aDeadLeaderIsReplacedByTheFirstLiveIsrMemberInReplicaOrder() {
    var p = partition(List.of(1, 2, 3), 1, 4, List.of(3, 1, 2), 7);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(2, 3), false), Kind.CLEAN);
    assertThat(after.leader()).isEqualTo(2);
    assertThat(after.leaderEpoch()).isEqualTo(5);
    assertThat(after.partitionEpoch()).isEqualTo(8);
    assertThat(after.isr()).containsExactly(3, 2);
    assertThat(after.replicas()).containsExactly(1, 2, 3);
  }

  @Test
  void aLiveReplicaOutsideTheIsrIsNotElectedCleanly() {
    var p = partition(List.of(1, 2, 3), 1, 4, List.of(1, 3), 7);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(2, 3), false), Kind.CLEAN);
    assertThat(after.leader()).isEqualTo(3);
    assertThat(after.isr()).containsExactly(3);
  }

  @Test
  void withNoLiveIsrMemberThePartitionGoesOfflineKeepingItsLastIsrMember() {
    var p = partition(List.of(1, 2, 3), 1, 4, List.of(1), 7);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(2, 3), false), Kind.OFFLINE);
    assertThat(after.leader()).isEqualTo(-1);
    assertThat(after.leaderEpoch()).isEqualTo(5);
    assertThat(after.partitionEpoch()).isEqualTo(8);
    assertThat(after.isr()).containsExactly(1);
  }

  @Test
  void whenTheWholeIsrDiesAtOnceTheOldLeaderStaysInIt() {
    var p = partition(List.of(1, 2, 3), 2, 4, List.of(1, 2), 7);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(3), false), Kind.OFFLINE);
    assertThat(after.isr()).containsExactly(2);
  }

  @Test
  void uncleanElectionPicksTheFirstLiveReplicaWithAnIsrOfItself() {
    var p = partition(List.of(1, 2, 3), 1, 4, List.of(1), 7);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(3, 2), true), Kind.UNCLEAN);
    assertThat(after.leader()).isEqualTo(2);
    assertThat(after.isr()).containsExactly(2);
    assertThat(after.leaderEpoch()).isEqualTo(5);
    assertThat(after.partitionEpoch()).isEqualTo(8);
  }

  @Test
  void uncleanElectionStillPrefersALiveIsrMember() {
    var p = partition(List.of(1, 2, 3), 1, 4, List.of(1, 3), 7);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(2, 3), true), Kind.CLEAN);
    assertThat(after.leader()).isEqualTo(3);
  }

  @Test
  void anOfflinePartitionStaysUnchangedWhileNoIsrMemberReturns() {
    var p = partition(List.of(1, 2, 3), -1, 5, List.of(1), 8);
    assertThat(LeaderElection.onLiveBrokers(p, Set.of(2, 3), false)).isEmpty();
    assertThat(LeaderElection.onLiveBrokers(p, Set.of(), true)).isEmpty();
  }

  @Test
  void anOfflinePartitionGetsItsIsrMemberBackAsLeaderWhenItReturns() {
    var p = partition(List.of(1, 2, 3), -1, 5, List.of(1), 8);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(1, 2), false), Kind.CLEAN);
    assertThat(after.leader()).isEqualTo(1);
    assertThat(after.leaderEpoch()).isEqualTo(6);
    assertThat(after.partitionEpoch()).isEqualTo(9);
    assertThat(after.isr()).containsExactly(1);
  }

  @Test
  void anOfflinePartitionTakesAnyReturningReplicaUnderUncleanElection() {
    var p = partition(List.of(1, 2, 3), -1, 5, List.of(1), 8);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(3), true), Kind.UNCLEAN);
    assertThat(after.leader()).isEqualTo(3);
    assertThat(after.leaderEpoch()).isEqualTo(6);
  }

  @Test
  void deadFollowersLeaveTheIsrOfALiveLeaderWithoutANewLeaderEpoch() {
    var p = partition(List.of(1, 2, 3), 2, 4, List.of(1, 2, 3), 7);
    var after = after(LeaderElection.onLiveBrokers(p, Set.of(2), false), Kind.ISR_SHRUNK);
    assertThat(after.leader()).isEqualTo(2);
    assertThat(after.leaderEpoch()).isEqualTo(4);
    assertThat(after.partitionEpoch()).isEqualTo(8);
    assertThat(after.isr()).containsExactly(2);
  }

  @Test
  void thePreferredReplicaTakesTheLeadershipBackOnlyWhenLiveAndInTheIsr() {
    var p = partition(List.of(1, 2, 3), 2, 4, List.of(2, 3, 1), 7);
    var after = after(LeaderElection.preferred(p, Set.of(1, 2, 3)), Kind.PREFERRED);
    assertThat(after.leader()).isEqualTo(1);
    assertThat(after.leaderEpoch()).isEqualTo(5);
    assertThat(after.partitionEpoch()).isEqualTo(8);
    assertThat(after.isr()).containsExactly(2, 3, 1);

    assertThat(LeaderElection.preferred(p, Set.of(2, 3))).as("preferred dead").isEmpty();
    var outOfIsr = partition(List.of(1, 2, 3), 2, 4, List.of(2, 3), 7);
    assertThat(LeaderElection.preferred(outOfIsr, Set.of(1, 2, 3))).as("not in ISR").isEmpty();
    var leading = partition(List.of(1, 2, 3), 1, 4, List.of(1, 2, 3), 7);
    assertThat(LeaderElection.preferred(leading, Set.of(1, 2, 3))).as("already leads").isEmpty();
  }

  @Test
  void aTopicElectionChangesOnlyThePartitionsThatNeedItAndHonoursTheUncleanConfig() {
    var p0 = new PartitionAssignment(0, List.of(1, 2), 1, 0, List.of(1), 0);
    var p1 = new PartitionAssignment(1, List.of(2, 3), 2, 0, List.of(2, 3), 0);
    var clean = new TopicMetadata("t", "id", false, Map.of(), List.of(p0, p1));
    var election = LeaderElection.elect(clean, Set.of(2, 3), false).orElseThrow();
    assertThat(election.after().partitions().get(0).leader()).isEqualTo(-1);
    assertThat(election.after().partitions().get(1)).isEqualTo(p1);
    assertThat(election.decisions()).hasSize(1);
    assertThat(election.decisions().get(0).leaderMoved()).isFalse();

    var unclean =
        new TopicMetadata(
            "t", "id", false, Map.of("unclean.leader.election.enable", "true"), List.of(p0, p1));
    var uncleanElection = LeaderElection.elect(unclean, Set.of(2, 3), false).orElseThrow();
    assertThat(uncleanElection.after().partitions().get(0).leader()).isEqualTo(2);
    assertThat(uncleanElection.decisions().get(0).leaderMoved()).isTrue();

    assertThat(LeaderElection.elect(clean, Set.of(1, 2, 3), true)).isEmpty();
  }

  @Test
  void aTopicElectionReturnsPreferredLeadersOnlyWhenAsked() {
    var p0 = new PartitionAssignment(0, List.of(1, 2), 2, 3, List.of(2, 1), 5);
    var topic = new TopicMetadata("t", "id", false, Map.of(), List.of(p0));
    assertThat(LeaderElection.elect(topic, Set.of(1, 2), false)).isEmpty();
    var election = LeaderElection.elect(topic, Set.of(1, 2), true).orElseThrow();
    assertThat(election.after().partitions().get(0).leader()).isEqualTo(1);
    assertThat(election.decisions().get(0).leaderMoved()).isTrue();
  }

  @Test
  void unknownBrokersKeepTheirLeadershipAndIsrPlaceButAreNotElected() {
    var ledByUnknown = partition(List.of(2, 1, 3), 2, 4, List.of(2, 1, 3), 7);
    assertThat(LeaderElection.onLiveBrokers(ledByUnknown, Set.of(1), Set.of(2), false))
        .as("broker 3 is dead, broker 2 unknown")
        .hasValueSatisfying(d -> assertThat(d.after().isr()).containsExactly(2, 1));

    var deadLeader = partition(List.of(3, 2, 1), 3, 4, List.of(3, 2, 1), 7);
    var after =
        after(LeaderElection.onLiveBrokers(deadLeader, Set.of(1), Set.of(2), false), Kind.CLEAN);
    assertThat(after.leader()).as("the unknown broker 2 is skipped").isEqualTo(1);
    assertThat(after.isr()).containsExactly(2, 1);

    var onlyUnknownInIsr = partition(List.of(3, 1, 2), 3, 4, List.of(3, 2), 7);
    var offline =
        after(
            LeaderElection.onLiveBrokers(onlyUnknownInIsr, Set.of(1), Set.of(2), true),
            Kind.OFFLINE);
    assertThat(offline.isr())
        .as("no unclean election while an ISR member may return")
        .containsExactly(2);
  }

  private static LeaderElection.Brokers dirOfflineOn(Set<Integer> live, Integer... offline) {
    return new LeaderElection.Brokers(live, Set.of(), Set.of(offline));
  }

  @Test
  void aLeaderWhoseDataDirIsOfflineHandsOverToTheFirstIsrMemberThatCanWrite() {
    var p = partition(List.of(2, 1, 3), 2, 4, List.of(2, 3, 1), 7);
    var after =
        after(
            LeaderElection.onBrokers(p, dirOfflineOn(Set.of(1, 2, 3), 2), false), Kind.DIR_OFFLINE);
    assertThat(after.leader()).as("first in replica order after broker 2").isEqualTo(1);
    assertThat(after.leaderEpoch()).as("a new leader epoch, as a failover").isEqualTo(5);
    assertThat(after.partitionEpoch()).isEqualTo(8);
    assertThat(after.isr()).as("broker 2 leaves the ISR").containsExactly(3, 1);
    assertThat(LeaderElection.onBrokers(after, dirOfflineOn(Set.of(1, 2, 3), 2), false))
        .as("a fixpoint")
        .isEmpty();
  }

  @Test
  void aReplicaOutsideTheIsrDoesNotTakeOverFromALeaderWithAnOfflineDataDir() {
    var p = partition(List.of(2, 1, 3), 2, 4, List.of(2, 3), 7);
    var after =
        after(
            LeaderElection.onBrokers(p, dirOfflineOn(Set.of(1, 2, 3), 2), true), Kind.DIR_OFFLINE);
    assertThat(after.leader()).as("broker 1 is live but not in sync, even if unclean").isEqualTo(3);
  }

  @Test
  void aLeaderWhoseDataDirIsOfflineKeepsThePartitionWhenNoOtherIsrMemberCanWrite() {
    var alone = partition(List.of(2, 1, 3), 2, 4, List.of(2), 7);
    assertThat(LeaderElection.onBrokers(alone, dirOfflineOn(Set.of(1, 2, 3), 2), true))
        .as("no ISR member but the leader: it stays, no unclean election")
        .isEmpty();

    var othersCannotWrite = partition(List.of(2, 1, 3), 2, 4, List.of(2, 1, 3), 7);
    var after =
        after(
            LeaderElection.onBrokers(othersCannotWrite, dirOfflineOn(Set.of(1, 2), 2, 1), false),
            Kind.ISR_SHRUNK);
    assertThat(after.leader()).isEqualTo(2);
    assertThat(after.leaderEpoch()).as("no new leader epoch").isEqualTo(4);
    assertThat(after.isr())
        .as("broker 1 (offline directory) and broker 3 (dead) leave; the leader stays")
        .containsExactly(2);
  }

  @Test
  void aFollowerWhoseDataDirIsOfflineLeavesTheIsrOfAWritingLeader() {
    var p = partition(List.of(1, 2, 3), 1, 4, List.of(1, 2, 3), 7);
    var after =
        after(
            LeaderElection.onBrokers(p, dirOfflineOn(Set.of(1, 2, 3), 2), false), Kind.ISR_SHRUNK);
    assertThat(after.leader()).isEqualTo(1);
    assertThat(after.leaderEpoch()).isEqualTo(4);
    assertThat(after.isr()).containsExactly(1, 3);
    assertThat(LeaderElection.onBrokers(after, LeaderElection.Brokers.live(Set.of(1, 2, 3)), false))
        .as("once its directory is back it rejoins through the leader's ISR expansion, not here")
        .isEmpty();
  }

  @Test
  void aDeadLeadersOnlyLiveIsrMemberLeadsEvenWithAnOfflineDataDir() {
    var p = partition(List.of(1, 2, 3), 1, 4, List.of(1, 2), 7);
    var after = after(LeaderElection.onBrokers(p, dirOfflineOn(Set.of(2, 3), 2), true), Kind.CLEAN);
    assertThat(after.leader())
        .as("broker 2 holds every acknowledged record; broker 3 would be unclean")
        .isEqualTo(2);
    assertThat(after.isr()).containsExactly(2);
  }

  @Test
  void aBrokerWithAnOfflineDataDirIsNotMadePreferredLeader() {
    var p0 = partition(List.of(1, 2), 2, 3, List.of(2, 1), 5);
    var topic = new TopicMetadata("t", "id", false, Map.of(), List.of(p0));
    var election = LeaderElection.elect(topic, dirOfflineOn(Set.of(1, 2), 1), true).orElseThrow();
    assertThat(election.after().partitions().get(0).leader()).isEqualTo(2);
    assertThat(election.after().partitions().get(0).isr()).containsExactly(2);
  }
}
