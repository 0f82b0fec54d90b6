package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Producer ids (issue 11) handed out over HTTP by real brokers while the controller's broker is
 * killed -9, then every broker killed and restarted, and while the controller's broker is cut off
 * from the others by a real network partition: clients on every broker ask for new ids without
 * pause, and afterwards no id was ever handed out twice.
 *
 * <p>Each phase lasts until every client still running has been given {@link #IDS_PER_PHASE} more
 * ids: more than the two blocks of 1000 a broker holds at most, so each broker hands out ids from a
 * block allocated after the fault.
 */
@Timeout(600)
class ProducerIdCrashTest {
  private static final int IDS_PER_PHASE = 2500;
  private static final Duration PHASE_DEADLINE = Duration.ofSeconds(180);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void noProducerIdIsHandedOutTwiceAcrossKillNineOfTheControllerAndAFullRestart() throws Exception {
    TestCluster cluster = clusters.start(3);
    String clusterId = cluster.http().clusterId();
    List<ProducerIdClient> clients = startClients(cluster, clusterId, cluster.brokers());
    try {
      awaitMore(clients, 100, "before any fault");

      BrokerProcess controller = cluster.controllerBroker();
      int killed = controller.brokerId();
      controller.kill9();
      cluster.awaitController(TestCluster.AWAIT, id -> id != killed);
      awaitMore(
          clients.stream().filter(c -> c.brokerId() != killed).toList(),
          IDS_PER_PHASE,
          "after broker " + killed + " (the controller's) was killed");

      cluster.kill9All();
      cluster.restartStopped().awaitBrokers(3);
      awaitMore(clients, IDS_PER_PHASE, "after every broker was killed and restarted");
    } finally {
      stop(clients);
    }
    assertNoIdHandedOutTwice(clients);
  }

  @Test
  void noProducerIdIsHandedOutTwiceWhileTheControllersBrokerIsCutOff() throws Exception {
    TestCluster cluster = clusters.startPartitionable(3);
    String clusterId = cluster.http().clusterId();
    List<ProducerIdClient> clients = startClients(cluster, clusterId, cluster.brokers());
    try {
      awaitMore(clients, 100, "before the cut");
      int isolated = cluster.controllerBroker().brokerId();
      List<ProducerIdClient> majority =
          clients.stream().filter(c -> c.brokerId() != isolated).toList();
      cluster.network().isolate(isolated);
      awaitMore(majority, IDS_PER_PHASE, "while broker " + isolated + " is cut off");
      cluster.network().heal();
      cluster.awaitBrokers(3, TestCluster.AWAIT);
      awaitMore(clients, IDS_PER_PHASE, "after the heal");
    } finally {
      stop(clients);
    }
    assertNoIdHandedOutTwice(clients);
  }

  private static List<ProducerIdClient> startClients(
      TestCluster cluster, String clusterId, List<BrokerProcess> brokers) {
    List<ProducerIdClient> clients = new ArrayList<>();
    List<BrokerClient> https = cluster.clients(clusterId, brokers);
    for (int i = 0; i < brokers.size(); i++) {
      clients.add(ProducerIdClient.start(brokers.get(i).brokerId(), https.get(i), clusterId));
    }
    return clients;
  }

  /** Waits until each of {@code clients} has been given {@code more} ids beyond what it has now. */
  private static void awaitMore(List<ProducerIdClient> clients, int more, String when) {
    Map<Integer, Integer> target = new HashMap<>();
    clients.forEach(c -> target.put(c.brokerId(), c.count() + more));
    long started = System.nanoTime();
    await(
            "%d more producer ids through each of brokers %s %s"
                .formatted(more, target.keySet(), when))
        .atMost(PHASE_DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> clients.stream().allMatch(c -> c.count() >= target.get(c.brokerId())));
    System.out.printf(
        "producer ids %s: %d more through each of brokers %s in %d ms%n",
        when, more, target.keySet(), (System.nanoTime() - started) / 1_000_000);
  }

  private static void stop(List<ProducerIdClient> clients) throws InterruptedException {
    for (ProducerIdClient client : clients) {
      client.close();
    }
  }

  private static void assertNoIdHandedOutTwice(List<ProducerIdClient> clients) {
    Map<Long, Integer> firstGivenBy = new HashMap<>();
    List<String> twice = new ArrayList<>();
    long total = 0;
    Map<Integer, String> summary = new TreeMap<>();
    for (ProducerIdClient client : clients) {
      List<Long> ids = client.ids();
      total += ids.size();
      Set<Long> blocks = new HashSet<>();
      ids.forEach(id -> blocks.add(id / 1000));
      summary.put(
          client.brokerId(),
          "%d ids from %d blocks, %d failed requests %s"
              .formatted(ids.size(), blocks.size(), client.failures(), client.failureSamples()));
      for (long id : ids) {
        Integer other = firstGivenBy.putIfAbsent(id, client.brokerId());
        if (other != null && twice.size() < 20) {
          twice.add(
              "id %d through broker %d and broker %d".formatted(id, other, client.brokerId()));
        }
      }
    }
    System.out.printf("producer ids handed out: %d in all; %s%n", total, summary);
    assertThat(twice).as("producer ids handed out twice (of %d)", total).isEmpty();
    assertThat(firstGivenBy).hasSize((int) total);
  }
}
