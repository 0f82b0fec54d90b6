package sluice.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker the cluster downs (here: paused with SIGSTOP past the failure detector's and the Split
 * Brain Resolver's timeouts) does not exit when it runs again: it starts a new actor system in the
 * same process, on the same ports and data, and rejoins with its broker id. SIGTERM still stops it.
 *
 * <p>The paused broker is broker 1: the first seed node, the oldest member and so the controller's
 * broker, the hardest case. Its new actor system must join the running cluster (whose other members
 * answer its seed-node probe), not form a cluster of its own as a first seed node with no answer
 * does; and the controller must have moved.
 */
@Timeout(240)
class DownedBrokerRejoinTest {
  private static final Duration REMOVAL_DEADLINE = Duration.ofSeconds(60);
  private static final Duration REJOIN_DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension final ClusterExtension clusters = new ClusterExtension();

  @Test
  void aBrokerPausedUntilTheClusterDownsItRejoinsInTheSameProcessWithItsBrokerId()
      throws Exception {
    TestCluster cluster = clusters.start(3);
    assertThat(cluster.controllerBroker().brokerId())
        .as("the oldest broker runs the controller")
        .isEqualTo(1);
    BrokerProcess paused = cluster.broker(1);
    long pid = paused.pid();

    paused.pause();
    long pausedAt = System.nanoTime();
    cluster.awaitBrokers(2, REMOVAL_DEADLINE);
    System.out.printf(
        "downed broker: the others dropped broker 1 from the live brokers %d ms after SIGSTOP%n",
        (System.nanoTime() - pausedAt) / 1_000_000);

    int controller = cluster.awaitController(REMOVAL_DEADLINE, id -> id != 1);

    paused.resume();
    long resumedAt = System.nanoTime();
    cluster.awaitBrokers(3, REJOIN_DEADLINE);
    System.out.printf(
        "downed broker: broker 1 listed again by every broker %d ms after SIGCONT%n",
        (System.nanoTime() - resumedAt) / 1_000_000);

    assertThat(paused.pid()).as("the same process, restarted in-process").isEqualTo(pid);
    assertThat(paused.isAlive()).isTrue();
    assertThat(paused.log())
        .as("broker 1 says it was downed and rejoins")
        .contains("was downed by the cluster")
        .contains("rejoined the cluster in a new actor system");
    String clusterId = cluster.broker(2).http().clusterId();
    assertThat(paused.http().clusterId()).as("the same cluster").isEqualTo(clusterId);
    assertThat(cluster.awaitController(REJOIN_DEADLINE, id -> true))
        .as("one controller, still on the broker it moved to")
        .isEqualTo(controller);

    assertThat(paused.terminate(Duration.ofSeconds(60)))
        .as("SIGTERM still stops the rejoined broker (the JVM's status after SIGTERM: 128 + 15)")
        .isEqualTo(143);
    assertThat(paused.log())
        .contains("Broker 1 stopped (coordinated shutdown reason: JvmExitReason)")
        .contains("Sluice broker 1 stopped");
  }
}
