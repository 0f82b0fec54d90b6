package sluice.multijvm;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The soak run (tag {@code soak}: only with {@code -Psoak}): while a producer sends
 * sequence-numbered records (RF 3, min.insync.replicas 2, acks=all) through all three brokers, one
 * broker at a time is chosen at random and killed (-9) and started again, paused (SIGSTOP) past the
 * failure timeouts and resumed (it rejoins in-process), or stopped (SIGTERM) and started again.
 * After each disruption the cluster must list three brokers again, the partition must be fully in
 * sync and production must go on. At the end every acknowledged record is read back exactly once,
 * at its offset, in order, through every broker.
 *
 * <p>Runs for {@code -Dsluice.soak.minutes} (default 5) minutes; the random seed is printed and can
 * be given back with {@code -Dsluice.soak.seed}.
 */
@Tag("soak")
@Timeout(3600)
class SoakTest {
  private static final Duration STEP_DEADLINE = Duration.ofSeconds(120);
  private static final int RECORDS_PER_STEP = 50;

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  private enum Disruption {
    KILL,
    PAUSE,
    SIGTERM
  }

  @Test
  void repeatedKillsPausesAndRestartsLoseNoAcknowledgedRecord() throws Exception {
    Duration length = Duration.ofMinutes(Long.getLong("sluice.soak.minutes", 5));
    long seed = Long.getLong("sluice.soak.seed", System.nanoTime());
    System.out.printf("soak: %s with seed %d (-Dsluice.soak.seed=%d)%n", length, seed, seed);
    Random random = new Random(seed);

    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(1).http();
    String clusterId = admin.clusterId();
    admin.createTopic("soak", 1, 3, 2);
    cluster.awaitInSync("soak", 0);

    long end = System.nanoTime() + length.toNanos();
    int steps = 0;
    SequenceProducer producer =
        SequenceProducer.start("soak", 0, "soak", cluster.clients(clusterId, cluster.brokers()));
    try (producer) {
      producer.awaitAcked(RECORDS_PER_STEP, STEP_DEADLINE);
      while (System.nanoTime() < end) {
        BrokerProcess victim = cluster.broker(1 + random.nextInt(3));
        Disruption disruption = Disruption.values()[random.nextInt(Disruption.values().length)];
        long startedAt = System.nanoTime();
        switch (disruption) {
          case KILL -> {
            victim.kill9();
            cluster.awaitBrokers(2, STEP_DEADLINE);
            victim.restart();
          }
          case PAUSE -> {
            victim.pause();
            cluster.awaitBrokers(2, STEP_DEADLINE);
            victim.resume();
          }
          case SIGTERM -> {
            victim.terminate(STEP_DEADLINE);
            cluster.awaitBrokers(2, STEP_DEADLINE);
            victim.start().awaitReady(BrokerProcess.START_DEADLINE);
          }
        }
        cluster.awaitBrokers(3, STEP_DEADLINE);
        cluster.awaitPartition(
            "soak",
            0,
            "is fully in sync again",
            BrokerClient.PartitionState::fullyInSync,
            STEP_DEADLINE);
        producer.awaitAcked(producer.ackedCount() + RECORDS_PER_STEP, STEP_DEADLINE);
        steps++;
        System.out.printf(
            "soak: step %d, %s of broker %d, back in sync and producing after %d ms; %s%n",
            steps,
            disruption,
            victim.brokerId(),
            (System.nanoTime() - startedAt) / 1_000_000,
            producer.summary());
      }
    }
    System.out.printf("soak: %d disruptions; %s%n", steps, producer.summary());
    for (BrokerProcess broker : cluster.brokers()) {
      var read = broker.http().readCommitted("soak", 0);
      int unacknowledged = producer.checkReadBack(read, "through broker " + broker.brokerId());
      System.out.printf(
          "soak: broker %d reads %d records, %d of them unacknowledged%n",
          broker.brokerId(), read.size(), unacknowledged);
    }
  }
}
