package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.BrokerClient.PartitionState;
import sluice.multijvm.BrokerClient.Response;

/**
 * Issue 3, multi-JVM test 4: with two of three brokers down, a partition with RF 3 and
 * min.insync.replicas 2 refuses acks=all with {@code NOT_ENOUGH_REPLICAS} (HTTP 503, the code named
 * in the error body), and its committed records can still be read.
 *
 * <p>The brokers are killed one at a time, each after the cluster has removed the previous one, so
 * that a majority remains at every step; and the survivor is the broker with the lowest cluster
 * address: when the second one dies the cluster is two members, split evenly, and keep-majority
 * keeps the half with the lowest address. (Killing two at once leaves a minority of one, which the
 * Split Brain Resolver shuts down, as it must.)
 */
@Timeout(240)
class MinInsyncReplicasTest {
  private static final Duration ISR_SHRINK_DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void
      withTwoOfThreeBrokersDownAcksAllIsRefusedWithNotEnoughReplicasAndCommittedRecordsStayReadable()
          throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(1).http();
    admin.createTopic("quorum", 1, 3, 2);
    cluster.awaitInSync("quorum", 0);
    List<String> acked = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add("committed-" + r + "-" + i);
      }
      cluster.broker(1 + r).http().produce("quorum", 0, batch, "all");
      acked.addAll(batch);
    }

    BrokerProcess survivor =
        cluster.brokers().stream()
            .min(Comparator.comparingInt((BrokerProcess b) -> b.address().akka()))
            .orElseThrow();
    List<BrokerProcess> victims = cluster.brokers().stream().filter(b -> b != survivor).toList();
    victims.get(0).kill9();
    cluster.awaitBrokers(2);
    victims.get(1).kill9();
    cluster.awaitBrokers(1);

    int id = survivor.brokerId();
    PartitionState alone =
        cluster.awaitPartition(
            "quorum",
            0,
            "is led by broker %d with an ISR of just itself".formatted(id),
            s -> s.leader() == id && s.isr().equals(List.of(id)),
            ISR_SHRINK_DEADLINE);
    assertThat(alone.highWatermark()).as("the HW keeps every committed record").isEqualTo(30L);

    Response refused = survivor.http().tryProduce("quorum", 0, List.of("refused"), "all");
    assertThat(refused.status())
        .as("acks=all below min.insync.replicas: %s", refused)
        .isEqualTo(503);
    assertThat(refused.body())
        .as("the error names NOT_ENOUGH_REPLICAS")
        .containsPattern("(?i)not[_ ]enough[_ ]replicas");

    List<Consumed> read = survivor.http().readCommitted("quorum", 0);
    assertThat(read.stream().map(Consumed::value).toList())
        .as("committed records read from the survivor")
        .containsExactlyElementsOf(acked);
  }
}
