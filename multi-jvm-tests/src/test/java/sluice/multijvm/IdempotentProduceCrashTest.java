package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.PartitionState;

/**
 * Issue 11, multi-JVM: an HTTP client that opted in to idempotent produce writes with acks=all and
 * resends every request that fails or times out, the same request with the same sequence, until it
 * is acknowledged, while the partition's leader is killed (-9) or paused (SIGSTOP) past the failure
 * detector. Afterwards, through every broker, every acknowledged record is there exactly once, at
 * its acknowledged offset, in order, and no record is there twice although many were sent more than
 * once: the leaders stored each resend once, the new leader too for batches its predecessor had
 * replicated. A plain producer resending so would write duplicates (the failover bench counts about
 * 50 per run without the opt-in).
 *
 * <p>The client gives a request up after {@link #CLIENT_DEADLINE}, shorter than a failover, so
 * requests whose fate it does not know are resent while the first copy may still be written.
 */
@Timeout(300)
class IdempotentProduceCrashTest {
  private static final String TOPIC = "exactly-once";
  private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(4);
  private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);
  private static final Duration PRODUCE_DEADLINE = Duration.ofSeconds(90);
  private static final int RECORDS_BEFORE = 100;
  private static final int RECORDS_AFTER = 100;

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  /** A partition of the topic whose leader is not the controller's broker, and its state. */
  private static PartitionState partitionOffTheController(TestCluster cluster) {
    int controller = cluster.controllerBroker().brokerId();
    for (int p = 0; p < 3; p++) {
      PartitionState state = cluster.awaitInSync(TOPIC, p);
      if (state.leader() != controller) {
        return state;
      }
    }
    throw new AssertionError("every partition of " + TOPIC + " is led by the controller's broker");
  }

  /** Three brokers, the topic, and an idempotent producer writing through the non-leaders. */
  private record Setup(
      TestCluster cluster,
      PartitionState before,
      BrokerProcess leader,
      SequenceProducer producer) {}

  private Setup start(String prefix) throws Exception {
    TestCluster cluster = clusters.start(3);
    String clusterId = cluster.broker(1).http().clusterId();
    cluster.broker(1).http().createTopic(TOPIC, 3, 3, 2);
    PartitionState before = partitionOffTheController(cluster);
    BrokerProcess leader = cluster.broker(before.leader());
    List<BrokerProcess> others = cluster.brokers().stream().filter(b -> b != leader).toList();
    SequenceProducer producer =
        SequenceProducer.startIdempotent(
            TOPIC, before.partition(), prefix, cluster.clients(clusterId, others), CLIENT_DEADLINE);
    return new Setup(cluster, before, leader, producer);
  }

  /** What a test does to the leader once the producer is going, and after a new leader is seen. */
  private interface Fault {
    void inject(BrokerProcess leader) throws Exception;

    default void afterFailover(BrokerProcess leader, SequenceProducer producer) throws Exception {}

    /** Waits, once the producer stopped, for what must hold before the partition is read. */
    default void settle(TestCluster cluster, int partition) {}
  }

  /**
   * Produces {@value #RECORDS_BEFORE} records, injects {@code fault} into the leader, waits for a
   * new leader and {@value #RECORDS_AFTER} more records, then checks every broker's copy.
   */
  private void produceAcross(String prefix, String name, Fault fault) throws Exception {
    Setup setup = start(prefix);
    PartitionState before = setup.before();
    int partition = before.partition();
    SequenceProducer producer = setup.producer();
    try (producer) {
      producer.awaitAcked(RECORDS_BEFORE, PRODUCE_DEADLINE);
      fault.inject(setup.leader());
      int ackedAtFault = producer.ackedCount();
      setup.cluster().awaitNewLeader(TOPIC, partition, before, FAILOVER_DEADLINE);
      producer.awaitAcked(ackedAtFault + RECORDS_AFTER / 2, PRODUCE_DEADLINE);
      fault.afterFailover(setup.leader(), producer);
      producer.awaitAcked(ackedAtFault + RECORDS_AFTER, PRODUCE_DEADLINE);
    }
    fault.settle(setup.cluster(), partition);
    checkEveryRecordOnce(setup.cluster(), producer, partition, name);
  }

  @Test
  void aResendingProducerStoresEveryRecordOnceAcrossKillNineOfTheLeader() throws Exception {
    produceAcross("k", "kill -9", BrokerProcess::kill9);
  }

  @Test
  void aResendingProducerStoresEveryRecordOnceAcrossAPauseOfTheLeader() throws Exception {
    produceAcross(
        "p",
        "pause",
        new Fault() {
          @Override
          public void inject(BrokerProcess leader) throws Exception {
            leader.pause();
          }

          // The paused broker runs again: its stale requests must acknowledge nothing, and it
          // rejoins in-process and follows while the producer goes on.
          @Override
          public void afterFailover(BrokerProcess leader, SequenceProducer producer)
              throws Exception {
            leader.resume();
          }

          @Override
          public void settle(TestCluster cluster, int partition) {
            cluster.awaitInSync(TOPIC, partition);
          }
        });
  }

  private static void checkEveryRecordOnce(
      TestCluster cluster, SequenceProducer producer, int partition, String fault) {
    System.out.printf("idempotent produce across %s: %s%n", fault, producer.summary());
    System.out.printf(
        "idempotent produce across %s: first failed requests (each resent): %s%n",
        fault, producer.failureSamples());
    assertThat(producer.failedRequests())
        .as("requests failed or timed out and were resent: the fault was met")
        .isPositive();
    for (BrokerProcess broker : cluster.running()) {
      var read = broker.http().readCommitted(TOPIC, partition);
      int unacknowledged = producer.checkReadBack(read, "through broker " + broker.brokerId());
      System.out.printf(
          "idempotent produce across %s: broker %d reads %d records, %d unacknowledged%n",
          fault, broker.brokerId(), read.size(), unacknowledged);
      assertThat(unacknowledged)
          .as("every record was resent until acknowledged; only the last may be in flight")
          .isLessThanOrEqualTo(1);
    }
  }
}
