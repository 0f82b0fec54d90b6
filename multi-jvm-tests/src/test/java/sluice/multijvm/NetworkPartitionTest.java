package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.SequenceProducer.Ack;

/**
 * Real network partitions ({@link NetworkNamespaces}: every packet between the chosen brokers
 * dropped, both ways, while the test still reaches every broker's HTTP API), Jepsen style: clients
 * on both sides of the cut, with acks=1 and acks=all, then what was acknowledged is checked against
 * what is there.
 *
 * <p>What must hold: the side without a quorum of the configured brokers forms no cluster of its
 * own and acknowledges no request sent later than {@link #ACK_BOUND} after the cut; the majority
 * goes on; after the heal all brokers are one cluster within {@link #HEAL_DEADLINE}, every
 * partition has a leader, no acks=all record acknowledged on either side is lost, and every broker
 * takes an acks=all write and reads every partition to the same end.
 */
@Timeout(600)
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

  /** A cut shorter than the failure detector's acceptable pause: nobody should notice. */
  private static final Duration BLIP = Duration.ofMillis(800);

  private static final String TOPIC = "split";
  private static final int PARTITIONS = 6;

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void theControllersBrokerCutOffFormsNoClusterOfItsOwnAndRejoinsWithOneTruth() throws Exception {
    TestCluster cluster = clusters.startPartitionable(3);
    Sides sides = Sides.of(cluster, cluster.controllerBroker().brokerId());
    sides.cutHoldAndHeal(HELD);
    sides.checkOneTruth();
  }

  @Test
  void aLeaderThatIsNotTheControllerCutOffIsReplacedAndRejoinsAsAFollower() throws Exception {
    TestCluster cluster = clusters.startPartitionable(3);
    int controller = cluster.controllerBroker().brokerId();
    Sides sides = Sides.of(cluster, controller == 3 ? 2 : 3);
    sides.cutHoldAndHeal(HELD);
    sides.checkOneTruth();
  }

  @Test
  void theCutOffBrokerRestartedAfterTheHealRejoinsWithOneTruth() throws Exception {
    TestCluster cluster = clusters.startPartitionable(3);
    Sides sides = Sides.of(cluster, cluster.controllerBroker().brokerId());
    sides.cutHoldAndHeal(HELD);
    cluster.broker(sides.isolated).restart();
    cluster.awaitBrokers(3, HEAL_DEADLINE);
    sides.checkOneTruth();
  }

  @Test
  void aCutHealedBeforeTheFailureDetectorFiresLosesNothing() throws Exception {
    TestCluster cluster = clusters.startPartitionable(3);
    Sides sides = Sides.of(cluster, cluster.controllerBroker().brokerId());
    sides.blip(BLIP);
    sides.checkOneTruth();
  }

  /**
   * One broker to cut off, a partition it leads, and four producers on it: acks=1 and acks=all
   * through the isolated broker, and through the others.
   */
  private static final class Sides {
    final TestCluster cluster;
    final int isolated;
    final List<BrokerProcess> majority;
    final String clusterId;
    final int partition;
    final SequenceProducer islandOne;
    final SequenceProducer islandAll;
    final SequenceProducer mainlandOne;
    final SequenceProducer mainlandAll;
    long cutAt;
    long healedAt;

    private Sides(TestCluster cluster, int isolated, String clusterId, int partition) {
      this.cluster = cluster;
      this.isolated = isolated;
      this.majority = cluster.brokers().stream().filter(b -> b.brokerId() != isolated).toList();
      this.clusterId = clusterId;
      this.partition = partition;
      List<BrokerClient> island = cluster.clients(clusterId, List.of(cluster.broker(isolated)));
      List<BrokerClient> mainland = cluster.clients(clusterId, majority);
      Duration deadline = Duration.ofSeconds(2);
      islandOne = SequenceProducer.start(TOPIC, partition, "island1", island, deadline, "1");
      islandAll = SequenceProducer.start(TOPIC, partition, "islandall", island, deadline, "all");
      mainlandOne = SequenceProducer.start(TOPIC, partition, "mainland1", mainland, deadline, "1");
      mainlandAll =
          SequenceProducer.start(TOPIC, partition, "mainlandall", mainland, deadline, "all");
    }

    /** Creates the topic (RF 3, min.insync.replicas 2) and starts producing. */
    static Sides of(TestCluster cluster, int isolated) throws InterruptedException {
      BrokerClient admin = cluster.broker(isolated == 1 ? 2 : 1).http();
      String clusterId = admin.clusterId();
      admin.createTopic(TOPIC, PARTITIONS, 3, 2);
      int partition = -1;
      for (int p = 0; p < PARTITIONS; p++) {
        if (cluster.awaitInSync(TOPIC, p).leader() == isolated) {
          partition = p;
        }
      }
      assertThat(partition).as("a partition led by broker %d", isolated).isNotNegative();
      Sides sides = new Sides(cluster, isolated, clusterId, partition);
      for (SequenceProducer producer : sides.producers()) {
        producer.awaitAcked(10, TestCluster.AWAIT);
      }
      return sides;
    }

    List<SequenceProducer> producers() {
      return List.of(islandOne, islandAll, mainlandOne, mainlandAll);
    }

    /**
     * Cuts the broker off; once the majority has a new leader and acknowledges acks=all writes,
     * holds the cut for {@code held} while checking the broker forms no cluster of its own; heals
     * and waits for one cluster with every partition led.
     */
    void cutHoldAndHeal(Duration held) throws Exception {
      cutAt = System.nanoTime();
      cluster.network().isolate(isolated);
      cluster.awaitPartition(
          majority.get(0),
          TOPIC,
          partition,
          "is led by a broker of the majority",
          s -> s.leader() > 0 && s.leader() != isolated,
          TestCluster.AWAIT);
      mainlandAll.awaitAcked(mainlandAll.ackedCount() + 10, TestCluster.AWAIT);
      await("broker " + isolated + " forms no cluster of its own while cut off")
          .during(held)
          .atMost(held.plusSeconds(10))
          .until(() -> !formsAClusterWithout(cluster.broker(isolated), majority));
      heal();
    }

    /** A cut too short for the failure detector, then the heal. */
    void blip(Duration length) throws Exception {
      cutAt = System.nanoTime();
      cluster.network().isolate(isolated);
      // The fault's length, not a wait for a condition: the cut simply lasts this long.
      TimeUnit.NANOSECONDS.sleep(length.toNanos());
      heal();
    }

    private void heal() throws Exception {
      cluster.network().heal();
      healedAt = System.nanoTime();
      cluster.awaitBrokers(3, HEAL_DEADLINE);
      for (int q = 0; q < PARTITIONS; q++) {
        cluster.awaitPartition(
            TOPIC, q, "has a leader after the heal", s -> s.leader() > 0, HEAL_DEADLINE);
      }
      mainlandAll.awaitAcked(mainlandAll.ackedCount() + 10, TestCluster.AWAIT);
    }

    /**
     * Stops the producers and checks: no late acknowledgement by the isolated broker, every
     * acks=all record where it was acknowledged, every broker writing and reading alike.
     */
    void checkOneTruth() throws Exception {
      for (SequenceProducer producer : producers()) {
        producer.close();
      }
      List<String> late = new ArrayList<>();
      for (SequenceProducer producer : List.of(islandOne, islandAll)) {
        for (Ack ack : producer.acked()) {
          long sentAfterCut = ack.sentAtNanos() - cutAt;
          if (sentAfterCut > ACK_BOUND.toNanos() && ack.sentAtNanos() < healedAt) {
            late.add(
                "seq %d sent %d ms after the cut".formatted(ack.seq(), sentAfterCut / 1_000_000));
          }
        }
      }
      System.out.printf(
          "partition fault: broker %d cut off; its last acknowledgement of a request sent after"
              + " the cut came %s (acks=1) and %s (acks=all) after the cut; the majority's"
              + " acks=all production resumed %s after the cut%n",
          isolated,
          lastAckAfterCut(islandOne),
          lastAckAfterCut(islandAll),
          firstAckAfterCut(mainlandAll));
      assertThat(late)
          .as(
              "acknowledgements by broker %d of requests sent over %s after the cut",
              isolated, ACK_BOUND)
          .isEmpty();

      for (BrokerProcess broker : cluster.brokers()) {
        assertThat(broker.http().clusterId()).isEqualTo(clusterId);
        for (int q = 0; q < PARTITIONS; q++) {
          broker.http().produce(TOPIC, q, List.of("after-heal-" + broker.brokerId()), "all");
        }
      }
      cluster.awaitController(TestCluster.AWAIT, id -> true);
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
      List<Consumed> read = cluster.broker(isolated).http().readCommitted(TOPIC, partition);
      islandAll.checkReadBack(read, "after the heal");
      mainlandAll.checkReadBack(read, "after the heal");
    }

    /** When the last answer to a request sent between the cut and the heal came, from the cut. */
    private String lastAckAfterCut(SequenceProducer producer) {
      return producer.acked().stream()
          .filter(a -> a.sentAtNanos() >= cutAt && a.sentAtNanos() < healedAt)
          .mapToLong(a -> a.answeredAtNanos() - cutAt)
          .max()
          .stream()
          .mapToObj(n -> n / 1_000_000 + " ms")
          .findFirst()
          .orElse("never");
    }

    /** When the first answer to a request sent after the cut came, from the cut. */
    private String firstAckAfterCut(SequenceProducer producer) {
      return producer.acked().stream()
          .filter(a -> a.sentAtNanos() >= cutAt)
          .mapToLong(a -> a.answeredAtNanos() - cutAt)
          .min()
          .stream()
          .mapToObj(n -> n / 1_000_000 + " ms")
          .findFirst()
          .orElse("never");
    }
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
