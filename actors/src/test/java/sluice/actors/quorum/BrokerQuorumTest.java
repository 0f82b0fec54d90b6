package sluice.actors.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.testing.TestClusters;

class BrokerQuorumTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dataDir;
  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private void awaitState(QuorumState expected) {
    kit.createTestProbe()
        .awaitAssert(
            TIMEOUT,
            () -> {
              assertThat(BrokerQuorum.get(kit.system()).current()).isEqualTo(expected);
              return null;
            });
  }

  @Test
  void aBrokerConfiguredAloneHasItsQuorum() {
    kit = TestClusters.startOneNode("quorum-alone", dataDir, 1, "");
    awaitState(new QuorumState(1, 1, 1));
    assertThat(BrokerQuorum.get(kit.system()).current().present()).isTrue();
  }

  @Test
  void aClusterOfOneOfThreeConfiguredBrokersHasNoQuorum() {
    kit =
        TestClusters.startOneNode(
            "quorum-island",
            dataDir,
            1,
            "sluice.cluster.contact-points = [\"h1:8558\", \"h2:8558\", \"h3:8558\"]");
    awaitState(new QuorumState(3, 1, 1));
    assertThat(BrokerQuorum.get(kit.system()).current().present()).isFalse();
  }

  @Test
  void aManualViewIsFollowedAndItsChangesArePublished() {
    QuorumSetup manual = QuorumSetup.manual(new QuorumState(3, 3, 3));
    kit =
        TestClusters.startOneNode(
            "quorum-manual",
            TestClusters.config(dataDir, 1, TestClusters.Metadata.IN_MEMORY, ""),
            manual);
    BrokerQuorum quorum = BrokerQuorum.get(kit.system());
    assertThat(quorum.current().present()).isTrue();
    TestProbe<QuorumState> changes = kit.createTestProbe();
    quorum.subscribe(changes.ref());
    // The subscription is in place once the event stream handled it; a publish after that arrives.
    changes.awaitAssert(
        TIMEOUT,
        () -> {
          manual.set(new QuorumState(3, 1, 3));
          manual.set(new QuorumState(3, 3, 3));
          assertThat(changes.receiveMessage(Duration.ofMillis(500)).present()).isFalse();
          return null;
        });
    manual.set(new QuorumState(3, 1, 3));
    assertThat(quorum.current().present()).isFalse();
  }
}
