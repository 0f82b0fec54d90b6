package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.SequenceProducer.Ack;

/**
 * Real network partitions ({@link NetworkNamespaces}: every packet between the chosen brokers
 * dropped, both ways, while the test still reaches every broker's HTTP API), Jepsen style: clients
 * on both sides of the cut, then what was acknowledged is checked against what is there.
 *
 * <p>What must hold: the side without a quorum of the configured brokers forms no cluster of its
 * own and acknowledges no request sent later than {@link #ACK_BOUND} after the cut; the majority
 * goes on; after the heal all brokers are one cluster within {@link #HEAL_DEADLINE}, every
 * partition has a leader, no acks=all record is lost, and every broker reads every partition to the
 * same end.
 */
@Timeout(480)
class NetworkPartitionTest {
  /**
   * B: the failure detector's acceptable heartbeat pause (2 s) + the Split Brain Resolver's
   * stable-after (2 s) + 2 s. A request the isolated side receives later than this after the cut is
   * never acknowledged.
   */
  private static final Duration ACK_BOUND = Duration.ofSeconds(6);

  private static final Duration HEAL_DEADLINE = Duration.ofSeconds(60);

  /** How long the network stays cut once the majority has moved on. */
  private static final Duration HELD = Duration.ofSeconds(20);

  private static final String TOPIC = "split";
  private static final int PARTITIONS = 6;

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void theControllersBrokerCutOffFormsNoClusterOfItsOwnAndRejoinsWithOneTruth() throws Exception {
    TestCluster cluster = clusters.startPartitionable(3);
    int isolated = cluster.controllerBroker().brokerId();
    List<BrokerProcess> majority =
        cluster.brokers().stream().filter(b -> b.brokerId() != isolated).toList();
    BrokerClient admin = majority.get(0).http();
    String clusterId = admin.clusterId();
    admin.createTopic(TOPIC, PARTITIONS, 3, 2);
    int partition = -1;
    for (int p = 0; p < PARTITIONS; p++) {
      if (cluster.awaitInSync(TOPIC, p).leader() == isolated) {
        partition = p;
      }
    }
    assertThat(partition).as("a partition led by broker %d", isolated).isNotNegative();

    var island =
        SequenceProducer.start(
            TOPIC,
            partition,
            "island",
            cluster.clients(clusterId, List.of(cluster.broker(isolated))),
            Duration.ofSeconds(2),
            "1");
    var mainland =
        SequenceProducer.start(TOPIC, partition, "mainland", cluster.clients(clusterId, majority));
    long cutAt;
    long healedAt;
    try {
      island.awaitAcked(20, TestCluster.AWAIT);
      mainland.awaitAcked(20, TestCluster.AWAIT);

      cutAt = System.nanoTime();
      cluster.network().isolate(isolated);
      int p = partition;
      cluster.awaitPartition(
          majority.get(0),
          TOPIC,
          p,
          "is led by a broker of the majority",
          s -> s.leader() > 0 && s.leader() != isolated,
          TestCluster.AWAIT);
      mainland.awaitAcked(mainland.ackedCount() + 20, TestCluster.AWAIT);

      await("broker " + isolated + " forms no cluster of its own while cut off")
          .during(HELD)
          .atMost(HELD.plusSeconds(10))
          .until(() -> !formsAClusterWithout(cluster.broker(isolated), majority));

      cluster.network().heal();
      healedAt = System.nanoTime();
      cluster.awaitBrokers(3, HEAL_DEADLINE);
      for (int q = 0; q < PARTITIONS; q++) {
        cluster.awaitPartition(
            TOPIC, q, "has a leader after the heal", s -> s.leader() > 0, HEAL_DEADLINE);
      }
    } finally {
      island.close();
      mainland.close();
    }

    List<String> late = new ArrayList<>();
    for (Ack ack : island.acked()) {
      long sentAfterCut = ack.sentAtNanos() - cutAt;
      if (sentAfterCut > ACK_BOUND.toNanos() && ack.sentAtNanos() < healedAt) {
        late.add(
            "island-%d sent %d ms after the cut".formatted(ack.seq(), sentAfterCut / 1_000_000));
      }
    }
    assertThat(late)
        .as(
            "acknowledgements by the cut-off broker of requests sent over %s after the cut",
            ACK_BOUND)
        .isEmpty();

    for (BrokerProcess broker : cluster.brokers()) {
      assertThat(broker.http().clusterId()).isEqualTo(clusterId);
      broker.http().produce(TOPIC, partition, List.of("after-heal-" + broker.brokerId()), "all");
    }
    int controller = cluster.awaitController(TestCluster.AWAIT, id -> true);
    assertThat(controller).isPositive();
    for (int q = 0; q < PARTITIONS; q++) {
      int p = q;
      cluster.awaitPartition(
          TOPIC, p, "is fully in sync", BrokerClient.PartitionState::fullyInSync, HEAL_DEADLINE);
      List<List<Consumed>> reads =
          cluster.brokers().stream().map(b -> b.http().readCommitted(TOPIC, p)).toList();
      for (List<Consumed> read : reads) {
        assertThat(read)
            .as("partition %d read through every broker alike", p)
            .isEqualTo(reads.get(0));
      }
    }
    mainland.checkReadBack(
        cluster.broker(isolated).http().readCommitted(TOPIC, partition), "after the heal");
  }

  /** Whether the broker answers as a member of a cluster that holds none of {@code majority}. */
  private static boolean formsAClusterWithout(BrokerProcess broker, List<BrokerProcess> majority) {
    List<Integer> ids;
    try {
      ids = broker.http().brokerIds();
    } catch (RuntimeException | AssertionError e) {
      return false;
    }
    return majority.stream().noneMatch(b -> ids.contains(b.brokerId()));
  }
}
