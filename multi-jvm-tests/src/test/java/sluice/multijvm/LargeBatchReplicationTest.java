package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.BrokerClient.PartitionState;

/**
 * Batches larger than Akka's default Artery frame (256 KiB) cross brokers: a produce sent through a
 * broker that does not lead, the followers' fetches that make acks=all succeed, and consumer
 * fetches served to another broker's gateway. With the default frame size Artery drops such
 * messages, the followers fall out of the ISR and acks=all is refused. One request larger than a
 * batch may be (max.message.bytes) and than a frame (2 MiB) is split by the gateway into batches
 * that fit; sent whole it was dropped on the way to the leader and the client saw a timeout.
 */
@Timeout(180)
class LargeBatchReplicationTest {
  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void batchesOfSeveralHundredKilobytesAreReplicatedAndReadThroughEveryBroker() throws Exception {
    TestCluster cluster = clusters.start(3);
    cluster.broker(1).http().createTopic("large", 1, 3, 2);
    PartitionState start = cluster.awaitInSync("large", 0);
    BrokerProcess notLeader =
        cluster.running().stream().filter(b -> b.brokerId() != start.leader()).findFirst().get();

    List<String> values = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String value = i + ":" + String.valueOf((char) ('a' + i)).repeat(600_000);
      notLeader.http().produce("large", 0, List.of(value), "all");
      values.add(value);
    }

    PartitionState after = cluster.awaitInSync("large", 0);
    assertThat(after.isr()).as("every replica stays in sync").hasSize(3);
    for (BrokerProcess broker : cluster.running()) {
      assertThat(
              broker.http().consume("large", 0, 0, values.size()).stream()
                  .map(Consumed::value)
                  .toList())
          .as("read through broker %d", broker.brokerId())
          .isEqualTo(values);
    }

    List<String> request = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      request.add("r" + i + ":" + "x".repeat(600_000));
    }
    assertThat(notLeader.http().produce("large", 0, request, "all"))
        .as("3 MB in one request, over max.message.bytes and Artery's frame")
        .containsExactly(3L, 4L, 5L, 6L, 7L);
    values.addAll(request);
    assertThat(
            cluster.broker(start.leader()).http().consume("large", 0, 0, values.size()).stream()
                .map(Consumed::value)
                .toList())
        .isEqualTo(values);
  }
}
