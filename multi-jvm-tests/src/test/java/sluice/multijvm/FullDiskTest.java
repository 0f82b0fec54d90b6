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
import sluice.multijvm.BrokerClient.PartitionState;
import sluice.multijvm.BrokerClient.Response;

/**
 * A broker whose data directory fills up ({@link SmallDisk}: a tmpfs filled to ENOSPC under load,
 * then freed), on real broker processes.
 *
 * <p>What must hold: a produce to a partition on the full disk is answered at once with the
 * retriable {@code KAFKA_STORAGE_ERROR} naming the broker and the directory (not after the
 * request's whole timeout); with replicas elsewhere the partition's leadership moves to an in-sync
 * replica within the failover time and acks=all writes go on; once space returns the broker takes
 * writes again, or takes its partitions back as a follower, catches up and rejoins the ISR, without
 * a restart; every acknowledged record is there exactly once.
 */
@Timeout(420)
class FullDiskTest {
  private static final Duration START = Duration.ofSeconds(120);

  /** A produce on the full disk is refused well before the request's own timeout (30 s). */
  private static final Duration AT_ONCE = Duration.ofSeconds(10);

  private static final int DISK_MB = 48;

  /**
   * From the fill to the new leader: a kill -9's failover takes about 8 s (the failure detector and
   * the split brain resolver); a full disk needs neither, only the failed write, the broker's
   * announcement and the controller's election and placement.
   */
  private static final Duration FAILOVER = Duration.ofSeconds(10);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void aFullDiskOnALoneBrokerAnswersAStorageErrorAtOnceAndWritesResumeWhenSpaceReturns()
      throws Exception {
    try (SmallDisk disk = SmallDisk.mount(clusters.dataDir().resolve("small"), DISK_MB)) {
      BrokerProcess broker = clusters.single("small").start().awaitReady(START);
      BrokerClient client = broker.http();
      client.createTopic("full", 1, 1);
      List<String> acked = new ArrayList<>(List.of("before-1", "before-2"));
      client.produce("full", 0, acked, "all");

      disk.fill();
      Response refused = null;
      String big = "x".repeat(8 * 1024);
      for (int attempt = 0; attempt < 5 && refused == null; attempt++) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          values.add("full-" + attempt + "-" + i + "-" + big);
        }
        long sent = System.nanoTime();
        Response answer = client.tryProduce("full", 0, values, "all");
        if (BrokerClient.acknowledgedOffsets(answer, values.size()).isPresent()) {
          // The last page of the segment still had room: those records are stored.
          acked.addAll(values);
          continue;
        }
        assertThat(Duration.ofNanos(System.nanoTime() - sent))
            .as("a produce on the full disk is refused at once: %s", answer)
            .isLessThan(AT_ONCE);
        refused = answer;
      }
      assertThat(refused).as("a produce on the full disk is refused").isNotNull();
      assertThat(refused.body())
          .as("the error says what is wrong, where")
          .contains("KAFKA_STORAGE_ERROR")
          .contains("Broker 1")
          .contains(broker.dataDir().toString());

      disk.free();
      await("writes resume once the disk has space again")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  BrokerClient.acknowledgedOffsets(
                          client.tryProduce("full", 0, List.of("after"), "all"), 1)
                      .isPresent());
      acked.add("after");
      List<String> read = client.readCommitted("full", 0).stream().map(Consumed::value).toList();
      assertThat(read).as("every acknowledged record, once each").containsSubsequence(acked);
      assertThat(read).as("nothing stored twice").doesNotHaveDuplicates();
    }
  }

  @Test
  void aFullDiskUnderAcksAllLoadMovesLeadershipAndTheBrokerCatchesUpWhenSpaceReturns()
      throws Exception {
    TestCluster cluster = clusters.prepare(3);
    int full = 2;
    try (SmallDisk disk = SmallDisk.mount(cluster.broker(full).dataDir(), DISK_MB)) {
      cluster.start();
      BrokerClient admin = cluster.broker(1).http();
      String clusterId = admin.clusterId();
      admin.createTopic("filled", 3, 3, 2);
      int partition = -1;
      for (int p = 0; p < 3; p++) {
        if (cluster.awaitInSync("filled", p).leader() == full) {
          partition = p;
        }
      }
      assertThat(partition).as("a partition led by broker %d", full).isNotNegative();
      try (var producer =
          SequenceProducer.start(
              "filled", partition, "load", cluster.clients(clusterId, cluster.brokers()))) {
        producer.awaitAcked(20, TestCluster.AWAIT);
        PartitionState before = cluster.awaitInSync("filled", partition);

        long filledAt = System.nanoTime();
        disk.fill();
        PartitionState moved = cluster.awaitNewLeader("filled", partition, before, FAILOVER);
        assertThat(Duration.ofNanos(System.nanoTime() - filledAt))
            .as("leadership moved off the full disk within the failover time")
            .isLessThan(FAILOVER);
        assertThat(moved.isr())
            .as("the broker with the full disk left the ISR")
            .doesNotContain(full);
        producer.awaitAcked(producer.ackedCount() + 20, TestCluster.AWAIT);

        disk.free();
        cluster.awaitPartition(
            "filled",
            partition,
            "has broker %d back in its ISR".formatted(full),
            s -> s.isr().contains(full) && s.fullyInSync(),
            TestCluster.AWAIT);
        for (int p = 0; p < 3; p++) {
          assertThat(cluster.awaitInSync("filled", p).isr())
              .as("partition %d, which broker %d followed, has it back in its ISR", p, full)
              .contains(full);
        }
        producer.awaitAcked(producer.ackedCount() + 20, TestCluster.AWAIT);
        producer.close();
        for (BrokerProcess broker : cluster.brokers()) {
          producer.checkReadBack(
              broker.http().readCommitted("filled", partition),
              "through broker " + broker.brokerId());
        }
      }
      assertThat(cluster.broker(full).log())
          .as("the broker was not restarted")
          .doesNotContain("was downed by the cluster");
    }
  }
}
