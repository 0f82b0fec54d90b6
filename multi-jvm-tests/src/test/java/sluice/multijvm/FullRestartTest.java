package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;

/**
 * Issue 3, multi-JVM test 5: kill -9 of every broker, then a restart of all of them on the same
 * ports and data, brings back the cluster id, every topic's metadata and every acknowledged record,
 * at its offset, exactly once: with replication factor 1 (each partition on one broker), and with
 * replication factor 3 and acks=all (leaders and ISR may differ after the restart; replicas,
 * configs and records may not).
 */
@Timeout(300)
class FullRestartTest {
  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void killNineOfEveryBrokerThenARestartBringsBackAllMetadataAndEveryAcknowledgedRecord()
      throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(3).http();
    String clusterId = admin.clusterId();
    admin.createTopic("events", 3, 1);
    admin
        .send(
            "POST",
            "/v3/clusters/" + clusterId + "/topics",
            """
            {"topic_name": "metrics", "partitions_count": 2, "replication_factor": 1,
             "configs": [{"name": "retention.ms", "value": "86400000"},
                         {"name": "segment.bytes", "value": "4096"}]}
            """)
        .expect(201);

    // Acknowledged records per partition, produced in several requests through every broker.
    Map<String, List<String>> acked = new TreeMap<>();
    for (String topic : List.of("events", "metrics")) {
      int partitions = admin.describeTopic(topic).get("partitions").size();
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        cluster.awaitPartition(topic, partition, s -> s.leader() > 0);
        List<String> values = acked.computeIfAbsent(topic + "/" + p, k -> new ArrayList<>());
        for (int request = 0; request < 6; request++) {
          BrokerProcess via = cluster.broker(1 + request % 3);
          List<String> batch = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            batch.add("%s-%d-r%d-%d-%s".formatted(topic, p, request, i, "x".repeat(40)));
          }
          List<Long> offsets = via.http().produce(topic, p, batch, "all");
          assertThat(offsets.get(0))
              .as("first offset of request %d", request)
              .isEqualTo(values.size());
          values.addAll(batch);
        }
      }
    }
    Map<String, JsonNode> before = ControllerFailoverTest.describeAll(admin);

    cluster.kill9All();
    long restartedAt = System.nanoTime();
    cluster.restartStopped().awaitBrokers(3);
    System.out.printf(
        "full restart: 3 brokers ready and listing each other %d ms after starting them%n",
        (System.nanoTime() - restartedAt) / 1_000_000);

    for (BrokerProcess broker : cluster.brokers()) {
      BrokerClient http = broker.http();
      assertThat(http.clusterId()).as("cluster id after the restart").isEqualTo(clusterId);
      assertThat(ControllerFailoverTest.describeAll(http))
          .as("metadata after the restart, as broker %d sees it", broker.brokerId())
          .isEqualTo(before);
    }
    for (var entry : acked.entrySet()) {
      String topic = entry.getKey().substring(0, entry.getKey().indexOf('/'));
      int p = Integer.parseInt(entry.getKey().substring(entry.getKey().indexOf('/') + 1));
      List<String> expected = entry.getValue();
      for (BrokerProcess broker : cluster.brokers()) {
        List<Consumed> read = broker.http().consume(topic, p, 0, expected.size());
        assertThat(read.stream().map(Consumed::offset).toList())
            .as("%s-%d offsets through broker %d", topic, p, broker.brokerId())
            .isEqualTo(LongStream.range(0, expected.size()).boxed().toList());
        assertThat(read.stream().map(Consumed::value).toList())
            .as("%s-%d values through broker %d", topic, p, broker.brokerId())
            .containsExactlyElementsOf(expected);
      }
    }
    // The cluster takes writes again: one more record lands after the last acknowledged one.
    List<String> events0 = acked.get("events/0");
    assertThat(cluster.broker(2).http().produce("events", 0, List.of("after-restart"), "all"))
        .containsExactly((long) events0.size());
  }

  @Test
  void killNineOfEveryBrokerThenARestartBringsBackEveryReplicatedAcknowledgedRecord()
      throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(2).http();
    String clusterId = admin.clusterId();
    admin.createTopic("replicated", 3, 3, 2);
    Map<Integer, List<String>> acked = new TreeMap<>();
    for (int p = 0; p < 3; p++) {
      cluster.awaitInSync("replicated", p);
      List<String> values = acked.computeIfAbsent(p, k -> new ArrayList<>());
      for (int request = 0; request < 4; request++) {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          batch.add("replicated-%d-r%d-%d".formatted(p, request, i));
        }
        List<Long> offsets =
            cluster.broker(1 + request % 3).http().produce("replicated", p, batch, "all");
        assertThat(offsets.get(0))
            .as("first offset of request %d", request)
            .isEqualTo(values.size());
        values.addAll(batch);
      }
    }
    Map<String, JsonNode> before = withoutLeadership(ControllerFailoverTest.describeAll(admin));

    cluster.kill9All();
    long restartedAt = System.nanoTime();
    cluster.restartStopped().awaitBrokers(3);
    for (int p = 0; p < 3; p++) {
      cluster.awaitInSync("replicated", p);
    }
    System.out.printf(
        "full restart, RF 3: every partition led and fully in sync %d ms after starting the brokers%n",
        (System.nanoTime() - restartedAt) / 1_000_000);

    for (BrokerProcess broker : cluster.brokers()) {
      BrokerClient http = broker.http();
      assertThat(http.clusterId()).as("cluster id after the restart").isEqualTo(clusterId);
      assertThat(withoutLeadership(ControllerFailoverTest.describeAll(http)))
          .as("metadata after the restart, as broker %d sees it", broker.brokerId())
          .isEqualTo(before);
      for (var entry : acked.entrySet()) {
        List<Consumed> read = http.readCommitted("replicated", entry.getKey());
        assertThat(read.stream().map(Consumed::offset).toList())
            .as("replicated-%d offsets through broker %d", entry.getKey(), broker.brokerId())
            .isEqualTo(LongStream.range(0, entry.getValue().size()).boxed().toList());
        assertThat(read.stream().map(Consumed::value).toList())
            .as("replicated-%d values through broker %d", entry.getKey(), broker.brokerId())
            .containsExactlyElementsOf(entry.getValue());
      }
    }
    assertThat(cluster.broker(1).http().produce("replicated", 0, List.of("after-restart"), "all"))
        .containsExactly((long) acked.get(0).size());
  }

  /**
   * Topic descriptions without who leads and who is in sync: after a restart of every broker those
   * follow the order the brokers came back in. Names, configs and replica lists remain.
   */
  private static Map<String, JsonNode> withoutLeadership(Map<String, JsonNode> topics) {
    Map<String, JsonNode> stripped = new TreeMap<>();
    for (var entry : topics.entrySet()) {
      JsonNode copy = entry.getValue().deepCopy();
      for (JsonNode partition : copy.path("partitions")) {
        ((ObjectNode) partition).remove("leader");
        for (JsonNode replica : partition.path("replicas")) {
          ((ObjectNode) replica).remove(List.of("leader", "in_sync"));
        }
      }
      stripped.put(entry.getKey(), copy);
    }
    return stripped;
  }
}
