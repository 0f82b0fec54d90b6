package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.BrokerClient.PartitionState;

/**
 * Issue 3, multi-JVM test 3: the preferred leader's broker is killed (kill -9), records are written
 * to the new leader, and the broker is started again. It catches up from the new leader, rejoins
 * the ISR, and leadership returns to it (automatic preferred-leader election); every record is then
 * read from its log, through every broker.
 */
@Timeout(240)
class ReplicaCatchUpTest {
  private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void aRestartedBrokerCatchesUpRejoinsTheIsrAndGetsItsPreferredLeadershipBack() throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(1).http();
    admin.createTopic("catchup", 1, 3, 2);
    PartitionState start = cluster.awaitInSync("catchup", 0);
    int preferred = start.preferredLeader();
    assertThat(start.leader())
        .as("a new partition is led by its preferred leader")
        .isEqualTo(preferred);
    BrokerProcess returning = cluster.broker(preferred);

    List<String> acked = new ArrayList<>();
    produce(cluster, acked, "before", 2);

    returning.kill9();
    PartitionState moved = cluster.awaitNewLeader("catchup", 0, start, FAILOVER_DEADLINE);
    produce(cluster, acked, "while-away", 5);

    returning.restart();
    cluster.awaitBrokers(3);
    PartitionState caughtUp =
        cluster.awaitPartition(
            "catchup",
            0,
            "has broker %d back in the ISR with the HW at the log end".formatted(preferred),
            s -> s.isr().contains(preferred) && s.fullyInSync(),
            TestCluster.AWAIT);
    assertThat(caughtUp.highWatermark()).isEqualTo((long) acked.size());
    PartitionState back =
        cluster.awaitPartition(
            "catchup",
            0,
            "is led by its preferred leader %d again".formatted(preferred),
            s -> s.leader() == preferred && s.fullyInSync(),
            TestCluster.AWAIT);
    assertThat(back.leaderEpoch()).as("two leader changes").isGreaterThan(moved.leaderEpoch());

    produce(cluster, acked, "after", 1);
    for (BrokerProcess broker : cluster.brokers()) {
      List<Consumed> read = broker.http().readCommitted("catchup", 0);
      assertThat(read.stream().map(Consumed::value).toList())
          .as("records read through broker %d from the returned leader", broker.brokerId())
          .containsExactlyElementsOf(acked);
    }
  }

  /** Produces {@code requests} batches of 10 through running brokers in turn, acks=all. */
  private static void produce(TestCluster cluster, List<String> acked, String tag, int requests) {
    List<BrokerProcess> running = cluster.running();
    for (int r = 0; r < requests; r++) {
      List<String> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(tag + "-" + r + "-" + i);
      }
      BrokerProcess via = running.get(r % running.size());
      var response = via.http().tryProduce("catchup", 0, batch, "all");
      if (response.body().contains("stopped leading")) {
        // Sent to the old leader as leadership moved: written there, not confirmed. Whether the
        // new leader has it shows once the partition is in sync again; resend only if it does not.
        cluster.awaitInSync("catchup", 0);
        List<String> tail =
            via.http().readCommitted("catchup", 0).stream()
                .skip(acked.size())
                .map(Consumed::value)
                .toList();
        if (tail.equals(batch)) {
          acked.addAll(batch);
          continue;
        }
        assertThat(tail).as("an unconfirmed batch is all there or not at all").isEmpty();
        response = via.http().tryProduce("catchup", 0, batch, "all");
      }
      var answered = response;
      List<Long> offsets =
          BrokerClient.acknowledgedOffsets(answered, batch.size())
              .orElseThrow(() -> new AssertionError("produce to catchup-0: " + answered));
      assertThat(offsets.get(0)).as("first offset of %s-%d", tag, r).isEqualTo(acked.size());
      acked.addAll(batch);
    }
  }
}
