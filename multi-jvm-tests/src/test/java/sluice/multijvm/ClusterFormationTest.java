package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;

/** Three broker processes form one cluster, and every broker's HTTP API serves every partition. */
@Timeout(240)
class ClusterFormationTest {
  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void threeBrokersFormOneClusterThatEveryBrokerDescribesAlike() throws Exception {
    TestCluster cluster = clusters.start(3);

    String clusterId = cluster.broker(1).http().clusterId();
    int controller = cluster.controllerBroker().brokerId();
    for (BrokerProcess broker : cluster.brokers()) {
      BrokerClient http = broker.http();
      assertThat(http.clusterId())
          .as("cluster id from broker %d", broker.brokerId())
          .isEqualTo(clusterId);
      assertThat(http.brokerIds())
          .as("brokers listed by broker %d", broker.brokerId())
          .containsExactly(1, 2, 3);
      assertThat(http.controllerId())
          .as("controller named by broker %d", broker.brokerId())
          .isEqualTo(controller);
    }
    var listed = cluster.broker(2).http().get("/v3/clusters/" + clusterId + "/brokers").expect(200);
    for (var broker : listed.get("data")) {
      int id = broker.get("broker_id").asInt();
      assertThat(cluster.broker(id).baseUrl())
          .as("broker %d's advertised HTTP address", id)
          .isEqualTo("http://" + broker.get("host").asText() + ":" + broker.get("port").asInt());
    }
  }

  @Test
  void aTopicCreatedThroughOneBrokerIsProducedToAndConsumedThroughEveryBroker() throws Exception {
    TestCluster cluster = clusters.start(3);
    cluster.broker(1).http().createTopic("routed", 3, 1);

    Set<Integer> leaders = new TreeSet<>();
    for (int p = 0; p < 3; p++) {
      int partition = p;
      leaders.add(cluster.awaitPartition("routed", partition, s -> s.leader() > 0).leader());
    }
    assertThat(leaders)
        .as("one partition led by each broker, so requests cross brokers")
        .containsExactly(1, 2, 3);

    Map<Integer, List<String>> expected = new HashMap<>();
    for (BrokerProcess producer : cluster.brokers()) {
      for (int p = 0; p < 3; p++) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          values.add("via-" + producer.brokerId() + "-p" + p + "-" + i);
        }
        List<Long> offsets = producer.http().produce("routed", p, values, "all");
        List<String> before = expected.computeIfAbsent(p, k -> new ArrayList<>());
        assertThat(offsets)
            .as(
                "offsets of records produced through broker %d to partition %d",
                producer.brokerId(), p)
            .containsExactly(
                (long) before.size(),
                before.size() + 1L,
                before.size() + 2L,
                before.size() + 3L,
                before.size() + 4L);
        before.addAll(values);
      }
    }

    for (BrokerProcess consumer : cluster.brokers()) {
      for (int p = 0; p < 3; p++) {
        List<Consumed> read = consumer.http().consume("routed", p, 0, expected.get(p).size());
        assertThat(read.stream().map(Consumed::value).toList())
            .as("partition %d read through broker %d", p, consumer.brokerId())
            .containsExactlyElementsOf(expected.get(p));
        assertThat(read.stream().map(Consumed::offset).toList())
            .as("dense offsets")
            .isEqualTo(
                java.util.stream.LongStream.range(0, expected.get(p).size()).boxed().toList());
      }
    }
  }
}
