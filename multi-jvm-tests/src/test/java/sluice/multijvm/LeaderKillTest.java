package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.PartitionState;

/**
 * Issue 3, multi-JVM test 1: kill -9 of a partition's leader while a producer sends
 * sequence-numbered records (RF 3, min.insync.replicas 2, acks=all) through another broker. A new
 * leader is elected from the ISR, production resumes, and every acknowledged record is read back
 * exactly once, at its offset, in order, through every surviving broker. The longest produce stall
 * is printed (the figure to compare with Kafka's ≈ 8 s, DESIGN.md section 8) and fails the test
 * past 20 s.
 *
 * <p>The partition chosen is one whose leader is not on the controller's broker, as in Kafka, where
 * the KRaft controllers outlive a broker: what is measured is the leader's failover, not the
 * controller's as well ({@code ControllerFailoverTest} kills the controller's broker).
 */
@Timeout(240)
class LeaderKillTest {
  /** Longer than the broker's own produce timeout, so a request is answered, never abandoned. */
  private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(45);

  private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);
  private static final Duration PRODUCE_DEADLINE = Duration.ofSeconds(60);

  /**
   * The longest produce stall a regression would cross: failover takes about 8 s here (Kafka about
   * 10 s), so twice that plus slack; only the 60 s deadlines bounded it before.
   */
  private static final Duration STALL_BOUND = Duration.ofSeconds(20);

  private static final int RECORDS_BEFORE = 100;
  private static final int RECORDS_AFTER = 100;

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void killNineOfTheLeaderWhileProducingLosesNoAcknowledgedRecordAndProductionResumes()
      throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(1).http();
    String clusterId = admin.clusterId();
    admin.createTopic("failover", 3, 3, 2);
    int controller = cluster.controllerBroker().brokerId();
    int partition = -1;
    PartitionState before = null;
    for (int p = 0; p < 3 && partition < 0; p++) {
      PartitionState state = cluster.awaitInSync("failover", p);
      if (state.leader() != controller) {
        partition = p;
        before = state;
      }
    }
    assertThat(partition).as("a partition led outside the controller's broker").isNotNegative();
    BrokerProcess leader = cluster.broker(before.leader());
    BrokerProcess entry =
        cluster.brokers().stream().filter(b -> b != leader).findFirst().orElseThrow();

    long killedAt;
    PartitionState after;
    SequenceProducer producer =
        SequenceProducer.start(
            "failover",
            partition,
            "seq",
            cluster.clients(clusterId, List.of(entry)),
            CLIENT_DEADLINE);
    try (producer) {
      producer.awaitAcked(RECORDS_BEFORE, PRODUCE_DEADLINE);
      killedAt = System.nanoTime();
      leader.kill9();
      int ackedAtKill = producer.ackedCount();
      after = cluster.awaitNewLeader("failover", partition, before, FAILOVER_DEADLINE);
      System.out.printf(
          "leader kill: broker %d (leader of failover-%d) killed; broker %d leads in epoch %d, seen"
              + " %d ms after the kill%n",
          before.leader(),
          partition,
          after.leader(),
          after.leaderEpoch(),
          (System.nanoTime() - killedAt) / 1_000_000);
      producer.awaitAcked(ackedAtKill + RECORDS_AFTER, PRODUCE_DEADLINE);
    }
    System.out.printf(
        "leader kill: %s; first acknowledgement %d ms after the kill%n",
        producer.summary(), producer.firstAckAfter(killedAt).orElse(-1L));
    System.out.println("leader kill: first failed requests: " + producer.failureSamples());

    assertThat(producer.failureSamples())
        .as(
            "a request in flight to the killed leader is answered once the new leader serves, not"
                + " after its whole timeout")
        .noneMatch(failure -> failure.contains("did not answer"))
        .noneMatch(failure -> failure.contains("timed out"));
    assertThat(producer.longestStall().millis())
        .as("the longest produce stall (ms): %s", producer.summary())
        .isLessThanOrEqualTo(STALL_BOUND.toMillis());
    assertThat(after.isr()).as("the new leader came from the ISR").contains(after.leader());
    assertThat(after.isr()).as("the dead broker left the ISR").doesNotContain(before.leader());
    for (BrokerProcess broker : cluster.running()) {
      var read = broker.http().readCommitted("failover", partition);
      int unacknowledged = producer.checkReadBack(read, "through broker " + broker.brokerId());
      System.out.printf(
          "leader kill: broker %d reads %d records, %d of them unacknowledged%n",
          broker.brokerId(), read.size(), unacknowledged);
    }
  }
}
