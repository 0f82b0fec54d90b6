package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.Logs;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.testing.TestClusters;

class LeaderLeaseTest {
  @TempDir Path dataDir;
  private ActorTestKit kit;

  @AfterEach
  void shutDown() {
    kit.shutdownTestKit();
  }

  @Test
  void aLeaderThatGetsNoWriteLeaseAnswersLeaderNotAvailableAndLeavesTheLogClosed() {
    kit =
        TestClusters.startOneNode("lease", dataDir, 1, "sluice.replication.lease-timeout = 300ms");
    LocalReplicaManager.get(kit.system()).startWith(Behaviors.ignore());
    PartitionLeader.init(kit.system());
    TestClusters.putTopic(kit, TestClusters.topic("held", 1, 1, Map.of()));

    TestProbe<AppendReply> reply = kit.createTestProbe();
    ClusterSharding.get(kit.system())
        .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId("held", 0))
        .tell(
            new PartitionLeader.Append(
                TestClusters.batch(1L, "v"), Acks.LEADER, 10_000, reply.ref()));

    AppendReply refused = reply.receiveMessage(Duration.ofSeconds(30));
    assertThat(refused.error().code()).isEqualTo(ErrorCode.LEADER_NOT_AVAILABLE);
    assertThat(refused.error().message()).contains("held-0").contains("write lease");
    assertThat(Logs.get(kit.system()).find("held-0")).isEmpty();
  }
}
