package sluice.actors.producer;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.controller.Controller;
import sluice.actors.testing.RecordingPartitions;
import sluice.actors.testing.TestClusters;

/**
 * Producer ids on three brokers in one JVM, each with its controller singleton proxy and its
 * producer id manager, configured as three brokers (so the quorum is two): ids are asked through
 * every broker across the controller's broker leaving and a stop and start of every broker on the
 * same data, and no id is ever handed out twice.
 */
class ProducerIdClusterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String CONFIGURED_AS_THREE =
      "sluice.cluster.contact-points = [\"127.0.0.1:1\", \"127.0.0.1:2\", \"127.0.0.1:3\"]";

  @TempDir Path dataDir;
  private final Map<Integer, ActorTestKit> nodes = new TreeMap<>();
  private final Map<Integer, ActorRef<ProducerIdManager.Command>> managers = new TreeMap<>();
  private final List<Long> handedOut = new ArrayList<>();

  @AfterEach
  void stop() {
    List<Integer> ids = new ArrayList<>(nodes.keySet());
    for (int i = ids.size() - 1; i >= 0; i--) {
      nodes.get(ids.get(i)).shutdownTestKit();
    }
  }

  private void startBroker(int id) {
    var config =
        TestClusters.config(
            dataDir.resolve("broker-" + id),
            id,
            TestClusters.Metadata.DURABLE,
            CONFIGURED_AS_THREE);
    ActorTestKit node = ActorTestKit.create("ProducerIdClusterTest", config);
    nodes.put(id, node);
    TestClusters.joinCluster(node, nodes.values(), id, TIMEOUT);
    ActorRef<Controller.Command> controller =
        Controller.init(
            node.system(),
            Controller.Settings.fromConfig(config),
            new RecordingPartitions(),
            id,
            Optional.empty());
    managers.put(
        id,
        node.spawn(
            ProducerIdManager.create(
                new ProducerIdManager.Wiring(
                    id,
                    ProducerIdManager.Settings.fromConfig(config),
                    controller,
                    Clock.systemUTC())),
            "producer-ids"));
  }

  private void stopBroker(int id) {
    nodes.remove(id).shutdownTestKit();
    managers.remove(id);
  }

  /** Asks broker {@code via} for {@code count} new ids, each asked again until it is answered. */
  private void newIds(int via, int count) {
    TestProbe<InitProducerIdReply> probe = nodes.get(via).createTestProbe();
    for (int i = 0; i < count; i++) {
      probe.awaitAssert(
          TIMEOUT,
          Duration.ofMillis(100),
          () -> {
            managers
                .get(via)
                .tell(new ProducerIdManager.InitProducerId(null, null, 2000, probe.getRef()));
            InitProducerIdReply reply =
                probe.expectMessageClass(InitProducerIdReply.class, Duration.ofSeconds(5));
            assertThat(reply.error()).as("broker %d", via).isNull();
            assertThat(reply.producer().epoch()).isZero();
            handedOut.add(reply.producer().producerId());
            return null;
          });
    }
  }

  private void assertNoIdHandedOutTwice() {
    Set<Long> distinct = new HashSet<>(handedOut);
    assertThat(distinct)
        .as("%d ids handed out, %d distinct", handedOut.size(), distinct.size())
        .hasSameSizeAs(handedOut);
  }

  @Test
  void noIdIsHandedOutTwiceAcrossAControllerMoveAndAStopAndStartOfEveryBroker() {
    for (int id = 1; id <= 3; id++) {
      startBroker(id);
    }
    for (int id = 1; id <= 3; id++) {
      newIds(id, 50);
    }
    long highestBeforeMove = handedOut.stream().mapToLong(Long::longValue).max().orElseThrow();

    stopBroker(1);
    // More than a block each, so brokers 2 and 3 need blocks from the new controller.
    newIds(2, 1100);
    newIds(3, 1100);
    assertNoIdHandedOutTwice();
    assertThat(handedOut.stream().mapToLong(Long::longValue).max().orElseThrow())
        .isGreaterThan(highestBeforeMove + 1000);

    stopBroker(3);
    stopBroker(2);
    for (int id = 1; id <= 3; id++) {
      startBroker(id);
    }
    for (int id = 1; id <= 3; id++) {
      newIds(id, 1100);
    }
    assertNoIdHandedOutTwice();
  }
}
