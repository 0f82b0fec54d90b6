package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import sluice.multijvm.BrokerClient.Consumed;
import sluice.multijvm.BrokerClient.PartitionState;
import sluice.multijvm.BrokerClient.Response;

/**
 * Issue 3, multi-JVM test 6: a partition leader paused with SIGSTOP past the failure detector's and
 * the Split Brain Resolver's timeouts is replaced; records go to the new leader. acks=all requests
 * sent to the paused broker are queued in its socket and handled the moment it runs again
 * (SIGCONT), by a leader that no longer is one: none of them may be acknowledged. The cluster has
 * downed the broker, so it restarts in-process and rejoins with its broker id ({@code
 * BrokerRunner}); its replica truncates whatever it appended after it was deposed and follows the
 * new leader back into the ISR. Leadership then returns to it (it is the preferred leader), so the
 * final reads come from its own log: the new leader's records, none of the stale ones.
 */
@Timeout(300)
class PausedLeaderTest {
  private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(60);
  private static final Duration STALE_ANSWER_DEADLINE = Duration.ofSeconds(90);
  private static final int STALE_REQUESTS = 3;

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void aLeaderPausedPastTheTimeoutsIsReplacedAcknowledgesNothingMoreAndFollowsTheNewLeader()
      throws Exception {
    TestCluster cluster = clusters.start(3);
    BrokerClient admin = cluster.broker(1).http();
    String clusterId = admin.clusterId();
    admin.createTopic("paused", 1, 3, 2);
    PartitionState before = cluster.awaitInSync("paused", 0);
    int leaderId = before.leader();
    BrokerProcess leader = cluster.broker(leaderId);
    BrokerProcess other =
        cluster.brokers().stream().filter(b -> b != leader).findFirst().orElseThrow();
    List<String> acked = new ArrayList<>(produce(other, "before", 20));

    BrokerClient toPaused = new BrokerClient(leader.baseUrl(), clusterId);
    leader.pause();
    List<CompletableFuture<Response>> stale = new ArrayList<>();
    for (int i = 0; i < STALE_REQUESTS; i++) {
      stale.add(
          toPaused.produceAsync("paused", 0, List.of("stale-" + i), "all", STALE_ANSWER_DEADLINE));
    }

    PartitionState replaced = cluster.awaitNewLeader("paused", 0, before, FAILOVER_DEADLINE);
    assertThat(replaced.isr()).as("the paused broker left the ISR").doesNotContain(leaderId);
    acked.addAll(produce(other, "after", 20));

    leader.resume();
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < STALE_REQUESTS; i++) {
      String answer;
      try {
        Response response =
            stale.get(i).get(STALE_ANSWER_DEADLINE.toSeconds() + 10, TimeUnit.SECONDS);
        assertThat(BrokerClient.acknowledgedOffsets(response, 1))
            .as("stale-%d sent to the deposed leader must not be acknowledged: %s", i, response)
            .isEmpty();
        answer = response.toString();
      } catch (java.util.concurrent.ExecutionException e) {
        answer = "no answer: " + e.getCause();
      }
      answers.add(answer);
    }
    System.out.println("paused leader: answers to the stale requests: " + answers);

    cluster.awaitBrokers(3);
    assertThat(leader.log())
        .as("broker %d knows it was downed and rejoined", leaderId)
        .contains("was downed by the cluster")
        .contains("rejoined the cluster in a new actor system");
    cluster.awaitPartition(
        "paused",
        0,
        "has broker %d back in the ISR, in sync".formatted(leaderId),
        s -> s.isr().contains(leaderId) && s.fullyInSync(),
        TestCluster.AWAIT);
    checkReads(cluster, acked, "with broker " + replaced.leader() + " leading");

    cluster.awaitPartition(
        "paused",
        0,
        "is led by broker %d, its preferred leader, again".formatted(leaderId),
        s -> s.leader() == leaderId && s.fullyInSync(),
        TestCluster.AWAIT);
    checkReads(cluster, acked, "from broker " + leaderId + "'s own log, leading again");
  }

  private static void checkReads(TestCluster cluster, List<String> acked, String when) {
    for (BrokerProcess broker : cluster.brokers()) {
      List<Consumed> read = broker.http().readCommitted("paused", 0);
      assertThat(read.stream().map(Consumed::value).toList())
          .as("records read through broker %d %s", broker.brokerId(), when)
          .containsExactlyElementsOf(acked);
    }
  }

  private static List<String> produce(BrokerProcess via, String tag, int count) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(tag + "-" + i);
    }
    via.http().produce("paused", 0, values, "all");
    return values;
  }
}
