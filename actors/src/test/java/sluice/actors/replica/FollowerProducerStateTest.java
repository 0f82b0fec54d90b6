package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.replica.ReplicaTestNode.FOLLOWER;
import static sluice.actors.replica.ReplicaTestNode.LEADER;
import static sluice.actors.replica.ReplicaTestNode.WAIT;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.CompressionType;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.RecordBatchBuilder;

/**
 * A follower builds the producer state of the batches it replicates, so once it leads, the retry of
 * a batch its predecessor wrote is answered with the original offsets; and a follower that cuts a
 * divergent suffix forgets the producer batches in it, so their retry is written again rather than
 * answered with offsets that now hold other records.
 */
class FollowerProducerStateTest {
  private static final long PRODUCER = 9;

  @TempDir Path dataDir;
  @TempDir Path leaderDir;
  @TempDir Path laterLeaderDir;
  private final String topicId = UUID.randomUUID().toString();

  private static byte[] idempotent(int sequence) {
    var builder =
        new RecordBatchBuilder(CompressionType.NONE, 0).producer(PRODUCER, (short) 0, sequence);
    builder.append(1, null, ("s" + sequence).getBytes(), List.of());
    return TestClusters.bytes(builder.build());
  }

  /** Appends {@code bytes} as one batch in leader epoch {@code epoch} at the log end. */
  private static void append(PartitionLog log, int epoch, byte[] bytes) {
    RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes.clone()));
    batch.setBaseOffset(log.logEndOffset());
    batch.setPartitionLeaderEpoch(epoch);
    log.append(batch);
  }

  /** Follows {@code leaderLog} in {@code epoch} until caught up, then stops the node. */
  private void followUntilCaughtUp(PartitionLog leaderLog, int epoch) {
    var control = new FakeLeader.Control(leaderLog, epoch);
    control.highWatermark.set(leaderLog.logEndOffset());
    try (var node = new ReplicaTestNode(dataDir, control, "")) {
      node.putTopic(ReplicaTestNode.topic(topicId, LEADER, epoch));
      node.awaitCaughtUp();
    }
  }

  /**
   * Starts this broker again as the partition's leader in {@code epoch} and sends {@code batch}.
   */
  private AppendReply promoteAndSend(int epoch, byte[] batch) {
    ActorTestKit kit = TestClusters.startOneNode("promoted", dataDir, FOLLOWER, "");
    try {
      PartitionLeader.init(kit.system());
      List<Integer> replicas = List.of(LEADER, FOLLOWER);
      TestClusters.putTopic(
          kit,
          new TopicMetadata(
              "t",
              topicId,
              false,
              java.util.Map.of(),
              List.of(
                  new PartitionAssignment(0, replicas, FOLLOWER, epoch, List.of(FOLLOWER), 1))));
      EntityRef<PartitionLeader.Command> leader =
          ClusterSharding.get(kit.system())
              .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId("t", 0));
      TestProbe<AppendReply> probe = kit.createTestProbe();
      leader.tell(new Append(batch, Acks.LEADER, 30_000, probe.ref()));
      return probe.receiveMessage(WAIT);
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aPromotedFollowerAnswersTheRetryOfABatchItReplicatedWithItsOriginalOffset() {
    try (PartitionLog leaderLog = ReplicaTestNode.openLog(leaderDir)) {
      for (int sequence = 0; sequence < 4; sequence++) {
        append(leaderLog, 1, idempotent(sequence));
      }
      followUntilCaughtUp(leaderLog, 1);
    }

    AppendReply retry = promoteAndSend(2, idempotent(2));

    assertThat(retry.error()).isNull();
    assertThat(retry.baseOffset()).isEqualTo(2);
  }

  @Test
  void aFollowerThatCutsADivergentSuffixForgetsTheProducerBatchesInIt() {
    try (PartitionLog leaderLog = ReplicaTestNode.openLog(leaderDir)) {
      append(leaderLog, 1, idempotent(0));
      append(leaderLog, 1, idempotent(1));
      append(leaderLog, 2, idempotent(2));
      followUntilCaughtUp(leaderLog, 2);
    }
    // The leader of epoch 2 died before anyone else had sequence 2; the next leader wrote other
    // records in epoch 3 at its offset.
    try (PartitionLog laterLeader = ReplicaTestNode.openLog(laterLeaderDir)) {
      append(laterLeader, 1, idempotent(0));
      append(laterLeader, 1, idempotent(1));
      append(laterLeader, 3, TestClusters.batch(1, "other"));
      followUntilCaughtUp(laterLeader, 3);
    }

    AppendReply retry = promoteAndSend(4, idempotent(2));

    assertThat(retry.error()).isNull();
    assertThat(retry.baseOffset()).as("written again at the log end").isEqualTo(3);
  }
}
