package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10, crash tests 3 and 4 on real broker processes: acknowledged commits survive kill -9 of
 * every broker and a restart (and so do the instances, with their subscriptions); an instance not
 * polled past {@code max.poll.interval.ms} loses its partitions to the others and its later commit
 * of them is refused.
 */
@Timeout(400)
class ConsumerGroupDurabilityTest {
  private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(90);
  private static final Duration WAIT = Duration.ofSeconds(90);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void acknowledgedCommitsAndInstancesSurviveKillNineOfEveryBroker() throws Exception {
    TestCluster cluster = clusters.start(3, "-Dsluice.group.heartbeat-interval=1s");
    BrokerClient admin = cluster.broker(1).http();
    String clusterId = admin.clusterId();
    admin.createTopic("kept", 4, 3, 2);
    for (int p = 0; p < 4; p++) {
      admin.produce("kept", p, values("a", 10), "all");
    }
    List<BrokerClient> clients = cluster.clients(clusterId, cluster.brokers());
    HttpConsumer manual = new HttpConsumer("kept-manual", "m1", clients, 0, CLIENT_DEADLINE);
    manual.create(false);
    manual.assign("kept", 0, 1, 2, 3);
    HttpConsumer member = new HttpConsumer("kept-group", "g1", clients, 1, CLIENT_DEADLINE);
    member.create(false);
    member.subscribe("kept");
    for (HttpConsumer consumer : List.of(manual, member)) {
      List<HttpConsumer.Record> all = pollUntil(consumer, 40);
      assertThat(consumer.commitLast(all).status())
          .as("commit of %s", consumer.name())
          .isEqualTo(200);
      assertThat(consumer.committed("kept", 0, 1, 2, 3))
          .isEqualTo(Map.of(0, 10L, 1, 10L, 2, 10L, 3, 10L));
    }

    cluster.kill9All();
    cluster.restartStopped();
    cluster.awaitBrokers(3);
    for (int p = 0; p < 4; p++) {
      cluster.awaitInSync("kept", p);
      admin.produce("kept", p, values("b", 1), "all");
    }

    for (HttpConsumer consumer : List.of(manual, member)) {
      assertThat(consumer.committed("kept", 0, 1, 2, 3))
          .as("%s's committed offsets after the restart", consumer.name())
          .isEqualTo(Map.of(0, 10L, 1, 10L, 2, 10L, 3, 10L));
      // the instance came back from its record and resumes from the committed offsets
      assertThat(pollUntil(consumer, 4))
          .as("%s reads on from its commits", consumer.name())
          .extracting(HttpConsumer.Record::offset)
          .containsOnly(10L);
    }
  }

  @Test
  void anInstanceNotPolledPastTheIntervalLosesItsPartitionsAndCannotCommitThem() throws Exception {
    TestCluster cluster =
        clusters.start(
            1,
            "-Dsluice.consumer-instances.max-poll-interval=4s",
            "-Dsluice.group.session-timeout=6s",
            "-Dsluice.group.heartbeat-interval=1s");
    BrokerClient admin = cluster.broker(1).http();
    String clusterId = admin.clusterId();
    admin.createTopic("fence", 4, 1);
    for (int p = 0; p < 4; p++) {
      admin.produce("fence", p, values("a", 5), "all");
    }
    List<BrokerClient> clients = cluster.clients(clusterId, cluster.brokers());
    HttpConsumer idle = new HttpConsumer("fence-group", "idle", clients, 0, CLIENT_DEADLINE);
    HttpConsumer busy = new HttpConsumer("fence-group", "busy", clients, 0, CLIENT_DEADLINE);
    for (HttpConsumer c : List.of(idle, busy)) {
      c.create(false);
      c.subscribe("fence");
    }
    Awaitility.await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              idle.poll();
              busy.poll();
              assertThat(idle.assignment()).isNotEmpty();
              assertThat(busy.assignment()).isNotEmpty();
            });
    List<Integer> idleOwned = idle.assignment();
    List<HttpConsumer.Record> idleRead = pollUntil(idle, 1);

    // idle stops polling; busy keeps polling and gets every partition
    Awaitility.await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              busy.poll();
              assertThat(busy.assignment()).containsExactlyInAnyOrder(0, 1, 2, 3);
            });
    BrokerClient.Response late = idle.commitLast(idleRead);
    System.out.printf("fencing: idle owned %s; its late commit: %s%n", idleOwned, late);
    assertThat(late.status()).as("the idle instance's late commit").isEqualTo(409);
    assertThat(busy.committed("fence", 0, 1, 2, 3)).isEmpty();
  }

  private static List<HttpConsumer.Record> pollUntil(HttpConsumer consumer, int count) {
    List<HttpConsumer.Record> all = new ArrayList<>();
    Awaitility.await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              all.addAll(consumer.poll());
              return all.size() >= count;
            });
    return all;
  }

  private static List<String> values(String prefix, int count) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(prefix + i);
    }
    return values;
  }
}
