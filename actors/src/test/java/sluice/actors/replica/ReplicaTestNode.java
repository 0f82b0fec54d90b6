package sluice.actors.replica;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import sluice.actors.journal.Logs;
import sluice.actors.lease.WriteLease;
import sluice.actors.lease.WriteLeases;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

/**
 * One test broker (id {@link #FOLLOWER}) running its {@link ReplicaManager} against a {@link
 * FakeLeader} (broker {@link #LEADER}) that serves topic {@code t} partition 0 from a real log in
 * another directory. Metadata lives in memory; the test writes it.
 */
final class ReplicaTestNode implements AutoCloseable {
  static final int LEADER = 1;
  static final int FOLLOWER = 2;
  static final String TOPIC_PARTITION = "t-0";
  static final Duration WAIT = Duration.ofSeconds(30);

  private static final String CONFIG =
      """
      sluice.replication.fetch-max-wait = 200ms
      sluice.replication.fetch-backoff = 20ms
      sluice.replication.fetch-max-backoff = 200ms
      """;

  final ActorTestKit kit;
  final FakeLeader.Control leader;
  final TestProbe<ReplicaFetch> fetches;
  final ActorRef<Object> fakeLeader;
  final ActorRef<ReplicaManager.Command> manager;

  /** The broker's lease granter, as a starting partition leader finds it. */
  final ActorRef<WriteLease.GranterMessage> leases;

  /**
   * Starts the node on {@code dataDir}; its manager's followers fetch from a fake serving {@code
   * leader}.
   */
  ReplicaTestNode(Path dataDir, FakeLeader.Control leader, String extraConfig) {
    this.kit = TestClusters.startOneNode("replica", dataDir, FOLLOWER, CONFIG + "\n" + extraConfig);
    this.leader = leader;
    this.fetches = kit.createTestProbe();
    this.fakeLeader = kit.spawn(FakeLeader.create(leader, fetches.ref()));
    ActorRef<PartitionLeader.Command> target = fakeLeader.narrow();
    this.manager =
        LocalReplicaManager.get(kit.system())
            .startWith(
                ReplicaManager.create(
                    ReplicationSettings.from(kit.system().settings().config()),
                    tp -> target,
                    Clock.systemUTC()));
    this.leases = WriteLeases.get(kit.system()).granter();
  }

  /** A real log in {@code dir}/t-0 for the fake leader. */
  static PartitionLog openLog(Path dir) {
    return PartitionLog.open(dir.resolve(TOPIC_PARTITION), LogConfig.defaults(), Clock.systemUTC());
  }

  /** Topic {@code t}, one partition on brokers 1 and 2. */
  static TopicMetadata topic(String topicId, int leaderId, int leaderEpoch) {
    List<Integer> replicas = List.of(LEADER, FOLLOWER);
    return topic(topicId, leaderId, leaderEpoch, replicas);
  }

  static TopicMetadata topic(
      String topicId, int leaderId, int leaderEpoch, List<Integer> replicas) {
    return new TopicMetadata(
        "t",
        topicId,
        false,
        Map.of(),
        List.of(new PartitionAssignment(0, replicas, leaderId, leaderEpoch, replicas, 0)));
  }

  /**
   * Appends one batch of {@code values} in {@code epoch} at the log end; same values, same bytes.
   */
  static void append(PartitionLog log, int epoch, String... values) {
    RecordBatch batch =
        RecordBatch.wrap(ByteBuffer.wrap(TestClusters.batch(1_700_000_000_000L, values)));
    batch.setBaseOffset(log.logEndOffset());
    batch.setPartitionLeaderEpoch(epoch);
    log.append(batch);
  }

  /** Every byte of the log's batches. */
  static byte[] contents(PartitionLog log) {
    ByteBuffer bytes =
        log.read(log.logStartOffset(), Integer.MAX_VALUE, log.logEndOffset()).readFully();
    byte[] result = new byte[bytes.remaining()];
    bytes.get(result);
    return result;
  }

  void putTopic(TopicMetadata topic) {
    TestClusters.putTopic(kit, topic);
  }

  void removeTopic(String name) {
    TestClusters.removeTopic(kit, name);
  }

  Optional<PartitionLog> followerLog() {
    return Logs.get(kit.system()).find(TOPIC_PARTITION);
  }

  /** Waits until the follower's log holds exactly the leader's batches, epochs included. */
  PartitionLog awaitCaughtUp() {
    return kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              PartitionLog log = followerLog().orElseThrow();
              assertThat(log.logStartOffset()).isEqualTo(leader.log.logStartOffset());
              assertThat(log.logEndOffset()).isEqualTo(leader.log.logEndOffset());
              assertThat(contents(log)).isEqualTo(contents(leader.log));
              assertThat(log.leaderEpochs()).isEqualTo(leader.log.leaderEpochs());
              return log;
            });
  }

  /** Returns once the fake leader has handled every fetch sent before this call. */
  void syncWithLeader() {
    TestProbe<FakeLeader.Pong> probe = kit.createTestProbe();
    fakeLeader.tell(new FakeLeader.Ping(probe.ref()));
    probe.receiveMessage(WAIT);
  }

  /** The follower actor the manager runs now (its {@code n}-th), found by its name. */
  ActorRef<Object> follower(int n) {
    return kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () ->
                Adapter.toTyped(
                    kit.system()
                        .classicSystem()
                        .actorSelection("/system/replica-manager/follower-t-0-" + n)
                        .resolveOne(Duration.ofSeconds(3))
                        .toCompletableFuture()
                        .get()));
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
