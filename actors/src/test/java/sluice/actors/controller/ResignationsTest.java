package sluice.actors.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller.ResignLeadership;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;

/**
 * A leader's resignation over a corrupt batch in its own log: refused as a stale or foreign {@link
 * Controller.AlterPartition} is, else an in-sync replica that can write leads in a new leader epoch
 * and the old leader leaves the ISR, or, with none, the leader stays and nothing is written.
 */
class ResignationsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final LeaderElection.Brokers ALL_LIVE =
      LeaderElection.Brokers.live(Set.of(1, 2, 3));

  /** Partition 1: replicas [2, 3, 1], leader 2 in leader epoch 4, ISR [2, 3, 1], epoch 9. */
  private static TopicMetadata topic(List<Integer> isr) {
    return new TopicMetadata(
        "t",
        "topic-id",
        false,
        Map.of(),
        List.of(
            new PartitionAssignment(0, List.of(1, 2, 3), 1, 0, List.of(1, 2, 3), 0),
            new PartitionAssignment(1, List.of(2, 3, 1), 2, 4, isr, 9)));
  }

  private static ResignLeadership resign(int leader, int leaderEpoch, int partitionEpoch) {
    return new ResignLeadership("t", "topic-id", 1, leader, leaderEpoch, partitionEpoch, 42, null);
  }

  private static Resignations.Move moved(Resignations.Step step) {
    assertThat(step).isInstanceOf(Resignations.Move.class);
    return (Resignations.Move) step;
  }

  private static Controller.AlterPartitionResult answered(Resignations.Step step) {
    assertThat(step).isInstanceOf(Resignations.Answer.class);
    return ((Resignations.Answer) step).result();
  }

  @Test
  void theNextInSyncReplicaInReplicaOrderLeadsInANewEpochAndTheOldLeaderLeavesTheIsr() {
    var move = moved(Resignations.decide(resign(2, 4, 9), topic(List.of(2, 3, 1)), ALL_LIVE));
    assertThat(move.partition())
        .isEqualTo(new PartitionAssignment(1, List.of(2, 3, 1), 3, 5, List.of(3, 1), 10));
    var decision = move.election().decisions().get(0);
    assertThat(decision.kind()).isEqualTo(LeaderElection.Kind.CORRUPT_BATCH);
    assertThat(decision.leaderMoved()).isTrue();
    assertThat(move.election().after().partitions().get(0))
        .isEqualTo(topic(List.of(2, 3, 1)).partitions().get(0));
  }

  @Test
  void aReplicaOutsideTheIsrDeadOrWithAnOfflineDirectoryIsNotElected() {
    // 3 is not in the ISR: 1 leads.
    assertThat(
            moved(Resignations.decide(resign(2, 4, 9), topic(List.of(2, 1)), ALL_LIVE))
                .partition()
                .leader())
        .isEqualTo(1);
    // 3 is dead: 1 leads, and 3 leaves the ISR as well.
    var withoutDead =
        moved(
                Resignations.decide(
                    resign(2, 4, 9),
                    topic(List.of(2, 3, 1)),
                    LeaderElection.Brokers.live(Set.of(1, 2))))
            .partition();
    assertThat(withoutDead.leader()).isEqualTo(1);
    assertThat(withoutDead.isr()).containsExactly(1);
    // 3's data directory is offline: 1 leads.
    var offline = new LeaderElection.Brokers(Set.of(1, 2, 3), Set.of(), Set.of(3));
    assertThat(
            moved(Resignations.decide(resign(2, 4, 9), topic(List.of(2, 3, 1)), offline))
                .partition()
                .leader())
        .isEqualTo(1);
  }

  @Test
  void withNoOtherInSyncReplicaTheLeaderStaysAndNothingIsWritten() {
    var kept = answered(Resignations.decide(resign(2, 4, 9), topic(List.of(2)), ALL_LIVE));
    assertThat(kept.error()).isNull();
    assertThat(kept.partition()).isEqualTo(topic(List.of(2)).partitions().get(1));
    var onlyDead =
        answered(
            Resignations.decide(
                resign(2, 4, 9), topic(List.of(2, 3)), LeaderElection.Brokers.live(Set.of(2))));
    assertThat(onlyDead.partition().leader()).isEqualTo(2);
  }

  @Test
  void aStaleOrForeignResignationIsRefusedAsAnAlterPartitionWouldBe() {
    TopicMetadata topic = topic(List.of(2, 3, 1));
    assertThat(answered(Resignations.decide(resign(2, 3, 9), topic, ALL_LIVE)).error().code())
        .isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
    assertThat(answered(Resignations.decide(resign(3, 4, 9), topic, ALL_LIVE)).error().code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(answered(Resignations.decide(resign(2, 4, 8), topic, ALL_LIVE)).error().code())
        .isEqualTo(ErrorCode.INVALID_UPDATE_VERSION);
    assertThat(answered(Resignations.decide(resign(2, 4, 9), null, ALL_LIVE)).error().code())
        .isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    var otherId = new ResignLeadership("t", "other-id", 1, 2, 4, 9, 42, null);
    assertThat(answered(Resignations.decide(otherId, topic, ALL_LIVE)).error().code())
        .isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }

  @Test
  void theAnswerIsTheMovedPartitionOnceWrittenAndRetriableOtherwise() {
    ResignLeadership request = resign(2, 4, 9);
    var move = moved(Resignations.decide(request, topic(List.of(2, 3, 1)), ALL_LIVE));
    assertThat(Resignations.written(request, move, new WriteOutcome.Written(), TIMEOUT).partition())
        .isEqualTo(move.partition());
    assertThat(
            Resignations.written(request, move, new WriteOutcome.Unconfirmed("x"), TIMEOUT)
                .error()
                .code())
        .isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(
            Resignations.written(request, move, new WriteOutcome.Refused("changed"), TIMEOUT)
                .error()
                .code())
        .isEqualTo(ErrorCode.INVALID_UPDATE_VERSION);
  }
}
