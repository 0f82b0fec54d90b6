package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;

/**
 * A broker killed with kill -9 and started again on its ports and data rejoins the running cluster:
 * one cluster, one controller, and its partitions serve their records again.
 */
@Timeout(300)
class BrokerRestartTest {
  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void theFirstSeedBrokerKilledAndRestartedRejoinsTheRunningCluster() throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(2).http();
    String clusterId = admin.clusterId();
    // Every broker registered and seen live, so the controller places a replica on broker 1 too
    // (seen once: the topic created while broker 1's registration was still on its way).
    cluster.awaitBrokers(3);
    admin.createTopic("rejoin", 3, 1);
    int ledByOne = -1;
    for (int p = 0; p < 3; p++) {
      int partition = p;
      if (cluster.awaitPartition("rejoin", partition, s -> s.leader() > 0).leader() == 1) {
        ledByOne = p;
      }
    }
    assertThat(ledByOne).as("a partition led by broker 1").isNotNegative();
    admin.produce("rejoin", ledByOne, List.of("before"), "all");

    cluster.broker(1).kill9();
    cluster.awaitBrokers(2);
    cluster.broker(1).restart();
    cluster.awaitBrokers(3);

    int controller = cluster.awaitController(TestCluster.AWAIT, id -> true);
    for (BrokerProcess broker : cluster.brokers()) {
      assertThat(broker.http().clusterId()).isEqualTo(clusterId);
      assertThat(broker.http().controllerId())
          .as("controller named by broker %d", broker.brokerId())
          .isEqualTo(controller);
    }
    assertThat(controller)
        .as("the controller stayed on a broker that was not restarted")
        .isNotEqualTo(1);
    admin.produce("rejoin", ledByOne, List.of("after"), "all");
    assertThat(
            cluster.broker(3).http().consume("rejoin", ledByOne, 0, 2).stream()
                .map(Consumed::value)
                .toList())
        .containsExactly("before", "after");
  }
}
