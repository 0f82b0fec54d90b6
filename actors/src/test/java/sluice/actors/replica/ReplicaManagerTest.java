package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.replica.ReplicaTestNode.FOLLOWER;
import static sluice.actors.replica.ReplicaTestNode.LEADER;
import static sluice.actors.replica.ReplicaTestNode.WAIT;
import static sluice.actors.replica.ReplicaTestNode.append;
import static sluice.actors.replica.ReplicaTestNode.topic;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.lease.WriteLease.Acquire;
import sluice.actors.lease.WriteLease.Granted;
import sluice.actors.metadata.DeletedTopicsKey;
import sluice.actors.metadata.DeletedTopicsKey.DeletedTopic;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.partition.PartitionLeader.OffsetsReply;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.PartitionLog;

class ReplicaManagerTest {
  @TempDir Path dataDir;
  @TempDir Path leaderDir;
  private PartitionLog leaderLog;
  private FakeLeader.Control leader;
  private ReplicaTestNode node;
  private final String topicId = UUID.randomUUID().toString();

  @BeforeEach
  void startFollowingTwoBatches() {
    leaderLog = ReplicaTestNode.openLog(leaderDir);
    append(leaderLog, 1, "a", "b");
    append(leaderLog, 1, "c");
    leader = new FakeLeader.Control(leaderLog, 1);
    node = new ReplicaTestNode(dataDir, leader, "");
    node.putTopic(topic(topicId, LEADER, 1));
    node.awaitCaughtUp();
  }

  @AfterEach
  void shutDown() {
    node.close();
    leaderLog.close();
  }

  private TestProbe<Object> watcher() {
    return node.kit.createTestProbe();
  }

  @Test
  void aLeadersLeaseStopsTheFollowerFirstAndNoFollowerRunsUntilEveryHolderHasTerminated() {
    ActorRef<Object> follower = node.follower(1);
    TestProbe<PartitionLeader.Command> holder = node.kit.createTestProbe();
    TestProbe<Granted> granted = node.kit.createTestProbe();

    node.leases.tell(new Acquire("t-0", holder.ref(), granted.ref()));

    granted.expectMessage(WAIT, new Granted("t-0"));
    watcher().expectTerminated(follower, WAIT);
    node.syncWithLeader();
    int fetchesSoFar = leader.received.size();
    append(leaderLog, 2, "d");
    leader.leaderEpoch.set(2);
    node.putTopic(topic(topicId, LEADER, 2));
    TestProbe<PartitionLeader.Command> nextHolder = node.kit.createTestProbe();
    TestProbe<Granted> nextGranted = node.kit.createTestProbe();
    node.leases.tell(new Acquire("t-0", nextHolder.ref(), nextGranted.ref()));
    // The manager answers in order: a free lease asked for next comes first only if t-0 waits.
    TestProbe<PartitionLeader.Command> otherHolder = node.kit.createTestProbe();
    node.leases.tell(new Acquire("other-0", otherHolder.ref(), nextGranted.ref()));
    nextGranted.expectMessage(WAIT, new Granted("other-0"));
    assertThat(leader.received).hasSize(fetchesSoFar);
    assertThat(node.followerLog().orElseThrow().logEndOffset()).isEqualTo(3);

    holder.stop();
    nextGranted.expectMessage(WAIT, new Granted("t-0"));
    assertThat(leader.received).hasSize(fetchesSoFar);

    nextHolder.stop();
    node.awaitCaughtUp();
    assertThat(node.followerLog().orElseThrow().logEndOffset()).isEqualTo(4);
  }

  @Test
  void deletingTheTopicStopsTheFollowerAndDeletesItsLog() {
    ActorRef<Object> follower = node.follower(1);

    node.removeTopic("t");

    watcher().expectTerminated(follower, WAIT);
    watcher()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(node.followerLog()).isEmpty();
              assertThat(dataDir.resolve("t-0")).doesNotExist();
              return null;
            });
  }

  @Test
  void logsOfTopicsRecordedAsDeletedAreDeletedAndNoOtherLogIs() throws Exception {
    // Left by topics deleted while this broker was down: nothing in the metadata names them.
    String goneId = UUID.randomUUID().toString();
    Path gone0 = storedLog("gone-0", goneId);
    Path gone1 = storedLog("gone-1", goneId);
    // Kept: an internal topic's, one whose deletion is not recorded, one that records no id.
    String internalId = UUID.randomUUID().toString();
    Path internal = storedLog("__internal-0", internalId);
    Path unrecorded = storedLog("other-0", UUID.randomUUID().toString());
    String oldId = UUID.randomUUID().toString();
    Path noId = storedLog("old-0", null);

    // The followed topic t recorded too (it cannot be: ids are never reused): it is live, kept.
    recordDeleted(Map.of("gone", goneId, "__internal", internalId, "old", oldId, "t", topicId));

    watcher()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(gone0).doesNotExist();
              assertThat(gone1).doesNotExist();
              return null;
            });
    assertThat(internal).isDirectory();
    assertThat(unrecorded).isDirectory();
    assertThat(noId).isDirectory();
    assertThat(dataDir.resolve("t-0")).isDirectory();
    append(leaderLog, 1, "d");
    node.awaitCaughtUp();
  }

  /** A closed log in {@code dataDir/name} whose partition.metadata records {@code topicId}. */
  private Path storedLog(String name, String topicId) throws Exception {
    Path dir = dataDir.resolve(name);
    try (PartitionLog log =
        PartitionLog.open(dir, sluice.storage.log.LogConfig.defaults(), Clock.systemUTC())) {
      append(log, 1, "x");
    }
    if (topicId != null) {
      Files.writeString(dir.resolve("partition.metadata"), "version: 0\ntopic_id: " + topicId);
    }
    return dir;
  }

  /** Records the deletion of each topic (name to id) in one write, as the controller does. */
  private void recordDeleted(Map<String, String> topics) {
    TestProbe<Replicator.UpdateResponse<LWWMap<String, DeletedTopic>>> probe =
        node.kit.createTestProbe();
    SelfUniqueAddress self = DistributedData.get(node.kit.system()).selfUniqueAddress();
    DistributedData.get(node.kit.system())
        .replicator()
        .tell(
            new Replicator.Update<>(
                DeletedTopicsKey.KEY,
                LWWMap.empty(),
                Replicator.writeLocal(),
                probe.ref(),
                map -> {
                  for (var topic : topics.entrySet()) {
                    map =
                        DeletedTopicsKey.record(
                            map, self, topic.getKey(), topic.getValue(), 1_000L, 100);
                  }
                  return map;
                }));
    assertThat(probe.receiveMessage(WAIT)).isInstanceOf(Replicator.UpdateSuccess.class);
  }

  @Test
  void aTopicCreatedAgainReplacesTheOldTopicsReplicaLog() throws Exception {
    ActorRef<Object> follower = node.follower(1);
    leaderLog.truncateTo(0);
    append(leaderLog, 0, "new");
    leader.leaderEpoch.set(0);
    String newTopicId = UUID.randomUUID().toString();

    node.putTopic(topic(newTopicId, LEADER, 0));

    watcher().expectTerminated(follower, WAIT);
    PartitionLog replaced = node.awaitCaughtUp();
    assertThat(replaced.logEndOffset()).isEqualTo(1);
    assertThat(Files.readString(dataDir.resolve("t-0").resolve("partition.metadata")))
        .contains(newTopicId);
  }

  @Test
  void aBrokerRemovedFromTheReplicasStopsItsFollowerAndDeletesItsLog() {
    ActorRef<Object> follower = node.follower(1);

    node.putTopic(topic(topicId, LEADER, 1, List.of(LEADER, 3)));

    watcher().expectTerminated(follower, WAIT);
    watcher()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(dataDir.resolve("t-0")).doesNotExist();
              return null;
            });
  }

  @Test
  void anOfflinePartitionStopsItsFollowerButKeepsItsLogAndANewLeaderIsFollowedFromItsEnd() {
    ActorRef<Object> follower = node.follower(1);

    node.putTopic(topic(topicId, -1, 2));

    watcher().expectTerminated(follower, WAIT);
    assertThat(node.followerLog().orElseThrow().logEndOffset()).isEqualTo(3);
    assertThat(dataDir.resolve("t-0")).isDirectory();

    node.syncWithLeader();
    leader.received.clear();
    append(leaderLog, 3, "d");
    leader.leaderEpoch.set(3);
    node.putTopic(topic(topicId, LEADER, 3));
    node.awaitCaughtUp();
    assertThat(leader.received)
        .filteredOn(fetch -> fetch.currentLeaderEpoch() == 3)
        .first()
        .satisfies(fetch -> assertThat(fetch.fetchOffset()).isEqualTo(3));
  }

  @Test
  void aBrokerThatBecomesLeaderTakesOverItsFollowersLogThroughTheLease() {
    PartitionLeader.init(node.kit.system());
    ActorRef<Object> follower = node.follower(1);

    node.putTopic(topic(topicId, FOLLOWER, 2));
    EntityRef<PartitionLeader.Command> entity =
        ClusterSharding.get(node.kit.system())
            .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId("t", 0));
    OffsetsReply offsets =
        watcher()
            .awaitAssert(
                WAIT,
                () -> {
                  OffsetsReply reply =
                      entity
                          .ask(PartitionLeader.GetOffsets::new, Duration.ofSeconds(10))
                          .toCompletableFuture()
                          .get();
                  assertThat(reply.error()).isNull();
                  return reply;
                });

    watcher().expectTerminated(follower, WAIT);
    assertThat(offsets.offsets().logEndOffset()).isEqualTo(3);
    TestProbe<AppendReply> appended = node.kit.createTestProbe();
    entity.tell(
        new PartitionLeader.Append(
            TestClusters.batch(1L, "mine"), Acks.LEADER, 10_000, appended.ref()));
    assertThat(appended.receiveMessage(WAIT).baseOffset()).isEqualTo(3);
    PartitionLog log = node.followerLog().orElseThrow();
    assertThat(log.logEndOffset()).isEqualTo(4);
    assertThat(log.latestEpoch()).isEqualTo(2);
  }
}
