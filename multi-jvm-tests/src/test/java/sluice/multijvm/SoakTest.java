package sluice.multijvm;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The soak run (tag {@code soak}: only with {@code -Psoak}): while a producer sends
 * sequence-numbered records (RF 3, min.insync.replicas 2, acks=all) through all three brokers, one
 * broker at a time is chosen at random and killed (-9) and started again, paused (SIGSTOP) past the
 * failure timeouts and resumed (it rejoins in-process), stopped (SIGTERM) and started again, cut
 * off from the other two ({@link NetworkNamespaces}) until they remove it, then for up to {@link
 * #MAX_PARTITION_HOLD} more, and healed (it rejoins in-process), or cut off for less than the
 * failure detector notices ({@link #BLIP}). Every broker runs in a network namespace of its own, so
 * the soak needs root, as {@code NetworkPartitionTest} does. After each disruption the cluster must
 * list three brokers again, the partition must be fully in sync and production must go on. At the
 * end every acknowledged record is read back exactly once, at its offset, in order, through every
 * broker.
 *
 * <p>Runs for {@code -Dsluice.soak.minutes} (default 5) minutes; the random seed is printed and can
 * be given back with {@code -Dsluice.soak.seed}.
 */
@Tag("soak")
@Timeout(3600)
class SoakTest {
  private static final Duration STEP_DEADLINE = Duration.ofSeconds(120);
  private static final int RECORDS_PER_STEP = 50;
  private static final Duration MAX_PARTITION_HOLD = Duration.ofSeconds(10);
  private static final Duration BLIP = Duration.ofMillis(800);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  private enum Disruption {
    KILL,
    PAUSE,
    SIGTERM,
    PARTITION,
    BLIP
  }

  @Test
  void repeatedKillsPausesAndRestartsLoseNoAcknowledgedRecord() throws Exception {
    Duration length = Duration.ofMinutes(Long.getLong("sluice.soak.minutes", 5));
    long seed = Long.getLong("sluice.soak.seed", System.nanoTime());
    System.out.printf("soak: %s with seed %d (-Dsluice.soak.seed=%d)%n", length, seed, seed);
    Random random = new Random(seed);

    TestCluster cluster = clusters.startPartitionable(3);
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
          case PARTITION -> {
            cluster.network().isolate(victim.brokerId());
            awaitRemovedByTheOthers(cluster, victim);
            // The fault's length, not a wait for a condition: the cut lasts this long.
            TimeUnit.MILLISECONDS.sleep(random.nextLong(MAX_PARTITION_HOLD.toMillis() + 1));
            cluster.network().heal();
          }
          case BLIP -> {
            cluster.network().isolate(victim.brokerId());
            // The fault's length, not a wait for a condition: the cut lasts this long.
            TimeUnit.NANOSECONDS.sleep(BLIP.toNanos());
            cluster.network().heal();
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

  /** Waits until the brokers other than {@code victim} list only each other. */
  private static void awaitRemovedByTheOthers(TestCluster cluster, BrokerProcess victim) {
    List<BrokerProcess> others = cluster.brokers().stream().filter(b -> b != victim).toList();
    List<Integer> otherIds = others.stream().map(BrokerProcess::brokerId).toList();
    await("brokers " + otherIds + " remove broker " + victim.brokerId() + " and list each other")
        .atMost(STEP_DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> others.stream().allMatch(b -> b.http().brokerIds().equals(otherIds)));
  }
}
