package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

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
 * With two of three configured brokers down, the survivor has no quorum: metadata stops changing
 * (its ISR is not shrunk, no election), every produce is refused with the retriable {@code
 * NO_QUORUM} (HTTP 503, the code named in the error body) whatever its acks, and the committed
 * records of the partitions it leads can still be read (KRaft would keep the survivor's leaders
 * acknowledging acks=1 until their broker session expired; Sluice is stricter).
 *
 * <p>The brokers are killed one at a time, each after the cluster has removed the previous one, and
 * the survivor is the broker with the lowest cluster address: when the second one dies the cluster
 * is two members, split evenly, and keep-majority keeps the half with the lowest address, so the
 * survivor stays up to be asked. (Killing two at once leaves a minority of one, which the Split
 * Brain Resolver shuts down.)
 */
@Timeout(240)
class MinInsyncReplicasTest {
  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void withTwoOfThreeBrokersDownTheSurvivorChangesNoMetadataRefusesWritesAndServesCommittedReads()
      throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerProcess survivor =
        cluster.brokers().stream()
            .min(Comparator.comparingInt((BrokerProcess b) -> b.address().akka()))
            .orElseThrow();
    int id = survivor.brokerId();
    BrokerClient admin = survivor.http();
    admin.createTopic("quorum", 3, 3, 2);
    int partition = -1;
    for (int p = 0; p < 3; p++) {
      if (cluster.awaitInSync("quorum", p).leader() == id) {
        partition = p;
      }
    }
    assertThat(partition).as("a partition led by broker %d", id).isNotNegative();
    List<String> acked = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add("committed-" + r + "-" + i);
      }
      cluster.broker(1 + r).http().produce("quorum", partition, batch, "all");
      acked.addAll(batch);
    }

    List<BrokerProcess> victims = cluster.brokers().stream().filter(b -> b != survivor).toList();
    victims.get(0).kill9();
    cluster.awaitBrokers(2);
    int p = partition;
    cluster.awaitPartition(
        "quorum",
        p,
        "has lost broker %d from its ISR".formatted(victims.get(0).brokerId()),
        s -> s.leader() == id && s.isr().size() == 2,
        TestCluster.AWAIT);
    victims.get(1).kill9();
    cluster.awaitBrokers(1);

    Response refused = survivor.http().tryProduce("quorum", partition, List.of("no"), "all");
    assertThat(refused.status()).as("acks=all without a quorum: %s", refused).isEqualTo(503);
    assertThat(refused.body()).as("the error names NO_QUORUM").contains("NO_QUORUM");
    Response refusedOne = survivor.http().tryProduce("quorum", partition, List.of("no"), "1");
    assertThat(refusedOne.status()).as("acks=1 without a quorum: %s", refusedOne).isEqualTo(503);
    assertThat(refusedOne.body()).contains("NO_QUORUM");
    Response notCreated = survivor.http().tryCreateTopic("another", 1, 1);
    assertThat(notCreated.body()).as("a creation without a quorum").contains("NO_QUORUM");

    PartitionState unchanged = survivor.http().describePartition("quorum", partition);
    assertThat(unchanged.isr())
        .as("without a quorum the ISR is not shrunk to the survivor")
        .hasSize(2)
        .contains(victims.get(1).brokerId());
    assertThat(unchanged.highWatermark()).as("the HW keeps every committed record").isEqualTo(30L);
    List<Consumed> read = survivor.http().readCommitted("quorum", partition);
    assertThat(read.stream().map(Consumed::value).toList())
        .as("committed records read from the survivor")
        .containsExactlyElementsOf(acked);
  }
}
