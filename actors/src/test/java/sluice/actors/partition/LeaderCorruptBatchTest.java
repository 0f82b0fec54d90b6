package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.testing.TestClusters.batch;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.controller.ControllerRef;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.partition.PartitionLeader.Command;
import sluice.actors.partition.PartitionLeader.CorruptBatchSeen;
import sluice.actors.partition.PartitionLeader.Fetch;
import sluice.actors.partition.PartitionLeader.FetchReply;
import sluice.actors.testing.SegmentDamage;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.Batches;

/**
 * A leader told of a corrupt batch reads its own copy back: damaged on its disk, it resigns to the
 * controller (a test probe) with its epochs and, once moved, stops leading, and the follower that
 * then starts on its broker cuts the log at the bad batch; whole on its disk, it resigns nothing.
 * Broker 1 leads partition t-0 with replicas [1, 2, 3]; segments roll every two batches.
 */
class LeaderCorruptBatchTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<Integer> REPLICAS = List.of(1, 2, 3);
  private static final Map<String, String> SMALL_SEGMENTS = Map.of("segment.bytes", "1100");
  private static final String VALUE = "v".repeat(200);

  @TempDir Path dataDir;
  private ActorTestKit kit;
  private TestProbe<Controller.Command> controller;
  private final String topicId = UUID.randomUUID().toString();

  @AfterEach
  void shutDown() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private EntityRef<Command> start(List<Integer> isr) {
    kit =
        TestClusters.startOneNode(
            "corrupt-leader", dataDir, 1, "sluice.replication.replica-lag-time-max = 120s");
    controller = kit.createTestProbe();
    ControllerRef.get(kit.system()).set(controller.ref());
    PartitionLeader.init(kit.system(), new ManualClock());
    TestClusters.putTopic(kit, topic(new PartitionAssignment(0, REPLICAS, 1, 3, isr, 5)));
    EntityRef<Command> leader =
        ClusterSharding.get(kit.system())
            .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId("t", 0));
    for (int b = 0; b < 3; b++) {
      TestProbe<AppendReply> probe = kit.createTestProbe();
      leader.tell(new Append(batch(1, VALUE, VALUE), Acks.LEADER, 30_000, probe.ref()));
      assertThat(probe.receiveMessage(WAIT).error()).isNull();
    }
    return leader;
  }

  private TopicMetadata topic(PartitionAssignment partition) {
    return new TopicMetadata("t", topicId, false, SMALL_SEGMENTS, List.of(partition));
  }

  private PartitionLog log() {
    return Logs.get(kit.system()).get("t-0");
  }

  @Test
  void aLeaderWhoseOwnCopyIsCorruptResignsStopsLeadingAndItsNextFollowerCutsTheBadBatch()
      throws Exception {
    EntityRef<Command> leader = start(REPLICAS);
    assertThat(log().segmentCount()).isGreaterThan(1);
    SegmentDamage.flipTheLastByteOfTheBatchAt(log().dir().resolve("00000000000000000000.log"), 2);

    leader.tell(new CorruptBatchSeen(3, "a test consumer", "CRC mismatch"));

    var resign = controller.expectMessageClass(Controller.ResignLeadership.class, WAIT);
    assertThat(resign.leaderId()).isEqualTo(1);
    assertThat(resign.leaderEpoch()).isEqualTo(3);
    assertThat(resign.partitionEpoch()).isEqualTo(5);
    assertThat(resign.corruptOffset()).as("the bad batch's base offset").isEqualTo(2);
    assertThat(resign.topicId()).isEqualTo(topicId);

    var moved = new PartitionAssignment(0, REPLICAS, 2, 4, List.of(2, 3), 6);
    TestClusters.putTopic(kit, topic(moved));
    resign.replyTo().tell(new Controller.AlterPartitionResult(moved, null));

    TestProbe<FetchReply> fetch = kit.createTestProbe();
    fetch.awaitAssert(
        WAIT,
        () -> {
          leader.tell(new Fetch(0, 1 << 20, 0, fetch.ref()));
          assertThat(fetch.receiveMessage(WAIT).error().code())
              .isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
          return null;
        });
    fetch.awaitAssert(
        WAIT,
        () -> {
          assertThat(log().logEndOffset())
              .as("the follower now on broker 1 cut its log at the corrupt batch")
              .isEqualTo(2);
          return null;
        });
  }

  @Test
  void aLeaderThatNoOtherReplicaCanReplaceKeepsServingTheBatchesBeforeTheCorruptOne()
      throws Exception {
    EntityRef<Command> leader = start(List.of(1));
    SegmentDamage.flipTheLastByteOfTheBatchAt(log().dir().resolve("00000000000000000000.log"), 2);

    leader.tell(new CorruptBatchSeen(2, "the follower on broker 2", "CRC mismatch"));
    var resign = controller.expectMessageClass(Controller.ResignLeadership.class, WAIT);
    resign
        .replyTo()
        .tell(
            new Controller.AlterPartitionResult(
                new PartitionAssignment(0, REPLICAS, 1, 3, List.of(1), 5), null));

    TestProbe<FetchReply> fetch = kit.createTestProbe();
    leader.tell(new Fetch(0, 1 << 20, 0, fetch.ref()));
    FetchReply reply = fetch.receiveMessage(WAIT);
    assertThat(reply.error()).isNull();
    assertThat(Batches.iterate(ByteBuffer.wrap(reply.batches())).iterator().next().baseOffset())
        .isZero();
    assertThat(log().logEndOffset()).isEqualTo(6);
  }

  @Test
  void theOwnCopyCheckTellsABatchCorruptOnDiskFromAWholeOne() throws Exception {
    start(REPLICAS);
    PartitionLog log = log();
    assertThat(CorruptBatches.ownCopy(log, 3).corrupt()).isFalse();
    String crcs =
        SegmentDamage.flipTheLastByteOfTheBatchAt(log.dir().resolve("00000000000000000000.log"), 2);

    var inside = CorruptBatches.ownCopy(log, 3);
    assertThat(inside.corrupt()).isTrue();
    assertThat(inside.offset()).isEqualTo(2);
    assertThat(inside.detail()).contains(crcs);
    assertThat(CorruptBatches.ownCopy(log, 0).corrupt()).isFalse();
    assertThat(CorruptBatches.ownCopy(log, 4).corrupt()).isFalse();
  }
}
