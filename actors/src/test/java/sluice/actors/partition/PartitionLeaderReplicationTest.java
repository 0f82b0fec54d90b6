package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.testing.TestClusters.batch;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.controller.Controller;
import sluice.actors.controller.ControllerRef;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.partition.PartitionLeader.Command;
import sluice.actors.partition.PartitionLeader.Diverging;
import sluice.actors.partition.PartitionLeader.EpochEnd;
import sluice.actors.partition.PartitionLeader.EpochEndReply;
import sluice.actors.partition.PartitionLeader.Fetch;
import sluice.actors.partition.PartitionLeader.FetchReply;
import sluice.actors.partition.PartitionLeader.GetOffsets;
import sluice.actors.partition.PartitionLeader.OffsetForTime;
import sluice.actors.partition.PartitionLeader.OffsetForTimeReply;
import sluice.actors.partition.PartitionLeader.OffsetsReply;
import sluice.actors.partition.PartitionLeader.ReplicaFetch;
import sluice.actors.partition.PartitionLeader.ReplicaFetchReply;
import sluice.actors.testing.TestClusters;
import sluice.storage.record.Batches;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;

/**
 * The leader of a partition with replicas [1, 2, 3] on broker 1; test probes play followers 2 and 3
 * (their {@link ReplicaFetch}es) and the controller (set as {@link ControllerRef}).
 */
class PartitionLeaderReplicationTest {
  private static final int BROKER = 1;
  private static final List<Integer> REPLICAS = List.of(1, 2, 3);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long LONG_WAIT_MS = 60_000;

  @TempDir Path dataDir;
  private ActorTestKit kit;
  private TestProbe<Controller.Command> controller;
  private final ManualClock clock = new ManualClock();
  private final String topicId = UUID.randomUUID().toString();

  @AfterEach
  void shutDown() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  /** Starts broker 1 with {@code extraConfig}; the ISR check stays out of the way unless set. */
  private void start(String extraConfig) {
    kit =
        TestClusters.startOneNode(
            "replication",
            dataDir,
            BROKER,
            "sluice.replication.replica-lag-time-max = 120s\n" + extraConfig);
    controller = kit.createTestProbe();
    ControllerRef.get(kit.system()).set(controller.ref());
    PartitionLeader.init(kit.system(), clock);
  }

  private TopicMetadata topic(
      List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch, Map<String, String> c) {
    return new TopicMetadata(
        "t",
        topicId,
        false,
        c,
        List.of(new PartitionAssignment(0, REPLICAS, leader, leaderEpoch, isr, partitionEpoch)));
  }

  /** Puts topic "t" (replicas [1, 2, 3], led by broker 1) and returns its leader. */
  private EntityRef<Command> leaderOf(List<Integer> isr, int leaderEpoch, Map<String, String> c) {
    return leaderOf(isr, leaderEpoch, 0, c);
  }

  private EntityRef<Command> leaderOf(
      List<Integer> isr, int leaderEpoch, int partitionEpoch, Map<String, String> c) {
    TestClusters.putTopic(kit, topic(isr, BROKER, leaderEpoch, partitionEpoch, c));
    return ClusterSharding.get(kit.system())
        .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId("t", 0));
  }

  private TestProbe<AppendReply> appendAsync(
      EntityRef<Command> leader, Acks acks, long timeoutMs, String... values) {
    TestProbe<AppendReply> probe = kit.createTestProbe();
    leader.tell(new Append(batch(1, values), acks, timeoutMs, probe.ref()));
    return probe;
  }

  private AppendReply append(EntityRef<Command> leader, Acks acks, String... values) {
    return appendAsync(leader, acks, 30_000, values).receiveMessage(WAIT);
  }

  private ReplicaFetchReply replicaFetch(
      EntityRef<Command> leader, int replica, int epoch, long offset, int lastEpoch) {
    TestProbe<ReplicaFetchReply> probe = kit.createTestProbe();
    leader.tell(new ReplicaFetch(replica, epoch, offset, lastEpoch, 1 << 20, 0, probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private FetchReply fetch(EntityRef<Command> leader, long offset) {
    TestProbe<FetchReply> probe = kit.createTestProbe();
    leader.tell(new Fetch(offset, 1 << 20, 0, probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private OffsetsReply offsets(EntityRef<Command> leader) {
    TestProbe<OffsetsReply> probe = kit.createTestProbe();
    leader.tell(new GetOffsets(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  /**
   * Asserts that {@code probe} has not been answered: a refused append, answered at once on the
   * leader's thread after everything the leader handled before, reaches the probe first.
   */
  private void assertNoAppendReplyYet(EntityRef<Command> leader, TestProbe<AppendReply> probe) {
    leader.tell(new Append(new byte[0], Acks.LEADER, 0, probe.ref()));
    assertThat(probe.receiveMessage(WAIT).error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  /** As {@link #assertNoAppendReplyYet}, for a consumer's fetch (an empty answer included). */
  private void assertNoFetchReplyYet(EntityRef<Command> leader, TestProbe<FetchReply> probe) {
    leader.tell(new Fetch(0, 0, 0, probe.ref()));
    assertThat(probe.receiveMessage(WAIT).error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  /** As {@link #assertNoAppendReplyYet}, for a follower's fetch. */
  private void assertNoReplicaFetchReplyYet(
      EntityRef<Command> leader, TestProbe<ReplicaFetchReply> probe) {
    leader.tell(new ReplicaFetch(2, 0, 0, -1, 0, 0, probe.ref()));
    assertThat(probe.receiveMessage(WAIT).error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  /** Waits until the leader's log end offset is {@code logEnd}: the write in flight is done. */
  private void awaitLogEnd(EntityRef<Command> leader, long logEnd) {
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(offsets(leader).offsets().logEndOffset()).isEqualTo(logEnd);
              return null;
            });
  }

  private static List<String> values(byte[] bytes) {
    List<String> values = new ArrayList<>();
    Batches.iterate(ByteBuffer.wrap(bytes))
        .forEach(
            b -> {
              for (Record record : b.records()) {
                values.add(record.offset() + ":" + new String(record.value()));
              }
            });
    return values;
  }

  private static List<RecordBatch> batches(byte[] bytes) {
    List<RecordBatch> result = new ArrayList<>();
    Batches.iterate(ByteBuffer.wrap(bytes)).forEach(result::add);
    return result;
  }

  @Test
  void theHighWatermarkWaitsForEveryIsrMemberAndAcksAllIsAnsweredOnlyThen() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    TestProbe<AppendReply> acked = appendAsync(leader, Acks.ALL, LONG_WAIT_MS, "a", "b");
    awaitLogEnd(leader, 2);
    TestProbe<FetchReply> parkedConsumer = kit.createTestProbe();
    leader.tell(new Fetch(0, 1 << 20, LONG_WAIT_MS, parkedConsumer.ref()));

    assertThat(offsets(leader).offsets().highWatermark()).isZero();
    assertThat(fetch(leader, 0).batches()).isEmpty();
    ReplicaFetchReply first = replicaFetch(leader, 2, 0, 0, -1);
    assertThat(first.error()).isNull();
    assertThat(values(first.batches())).containsExactly("0:a", "1:b");
    assertThat(first.logEndOffset()).isEqualTo(2);
    assertThat(replicaFetch(leader, 2, 0, 2, 0).highWatermark()).isZero();
    assertThat(values(replicaFetch(leader, 3, 0, 0, -1).batches())).containsExactly("0:a", "1:b");
    assertNoAppendReplyYet(leader, acked);
    assertNoFetchReplyYet(leader, parkedConsumer);
    assertThat(offsets(leader).offsets().highWatermark()).isZero();

    ReplicaFetchReply caughtUp = replicaFetch(leader, 3, 0, 2, 0);

    assertThat(caughtUp.highWatermark()).isEqualTo(2);
    assertThat(acked.receiveMessage(WAIT)).isEqualTo(new AppendReply(0, -1, null));
    assertThat(values(parkedConsumer.receiveMessage(WAIT).batches())).containsExactly("0:a", "1:b");
    assertThat(offsets(leader).offsets().highWatermark()).isEqualTo(2);
    assertThat(Logs.get(kit.system()).get("t-0").highWatermark()).isEqualTo(2);
  }

  @Test
  void consumersSeeNothingAboveTheHighWatermark() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    append(leader, Acks.LEADER, "a");
    replicaFetch(leader, 2, 0, 1, 0);
    replicaFetch(leader, 3, 0, 1, 0);
    assertThat(offsets(leader).offsets().highWatermark()).isEqualTo(1);
    assertThat(append(leader, Acks.LEADER, "b").baseOffset()).isEqualTo(1);
    replicaFetch(leader, 2, 0, 2, 0);

    FetchReply reply = fetch(leader, 0);

    assertThat(values(reply.batches())).containsExactly("0:a");
    assertThat(reply.offsets().highWatermark()).isEqualTo(1);
    assertThat(reply.offsets().logEndOffset()).isEqualTo(2);
    assertThat(fetch(leader, 1).batches()).isEmpty();
    TestProbe<OffsetForTimeReply> latest = kit.createTestProbe();
    leader.tell(new OffsetForTime(-1, latest.ref()));
    assertThat(latest.receiveMessage(WAIT).offset()).isEqualTo(1);
  }

  @Test
  void acksAllIsRefusedWhenTheIsrIsSmallerThanMinInsyncReplicasAndNothingIsWritten() {
    start("");
    EntityRef<Command> leader = leaderOf(List.of(1), 0, Map.of());

    AppendReply refused = append(leader, Acks.ALL, "a");

    assertThat(refused.error().code()).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
    assertThat(refused.error().code().retriable()).isTrue();
    assertThat(refused.error().message())
        .contains("t-0")
        .contains("ISR [1]")
        .contains("min.insync.replicas=2");
    assertThat(offsets(leader).offsets().logEndOffset()).isZero();
    assertThat(Logs.get(kit.system()).journalStats("t-0").batchesWritten()).isZero();
    assertThat(append(leader, Acks.LEADER, "b")).isEqualTo(new AppendReply(0, -1, null));
  }

  @Test
  void acksAllTimesOutWhenTheIsrDoesNotConfirmTheBatchInTime() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    append(leader, Acks.LEADER, "first");

    TestProbe<AppendReply> waiting = appendAsync(leader, Acks.ALL, 300, "a");
    awaitLogEnd(leader, 2);
    assertNoAppendReplyYet(leader, waiting);

    clock.advance(Duration.ofMillis(300));

    AppendReply reply = waiting.receiveMessage(WAIT);

    assertThat(reply.error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(reply.error().code().retriable()).isTrue();
    assertThat(reply.error().message())
        .contains("written to t-0 at offset 1")
        .contains("in-sync replicas")
        .contains("300 ms");
    assertThat(offsets(leader).offsets().logEndOffset()).isEqualTo(2);
  }

  @Test
  void aFollowerWithAStaleEpochSuffixIsToldWhereItsLastEpochEndsOnTheLeader() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    append(leader, Acks.LEADER, "a");
    append(leader, Acks.LEADER, "b");
    TestClusters.putTopic(kit, topic(REPLICAS, BROKER, 2, 1, Map.of()));
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(replicaFetch(leader, 2, 2, 2, 0).error()).isNull();
              return null;
            });
    assertThat(append(leader, Acks.LEADER, "c").baseOffset()).isEqualTo(2);

    // Follower 2 wrote offsets 2 and 3 in epoch 1, which this leader never had.
    assertThat(replicaFetch(leader, 2, 2, 4, 1).diverging()).isEqualTo(new Diverging(0, 2));
    // Its epoch 0 ends at 2 here, not at 3.
    assertThat(replicaFetch(leader, 3, 2, 3, 0).diverging()).isEqualTo(new Diverging(0, 2));
    // An epoch the leader never heard of.
    assertThat(replicaFetch(leader, 3, 2, 3, 7).diverging()).isEqualTo(new Diverging(-1, -1));
  }

  @Test
  void aConsumerAskingWhereAnEpochEndsGetsTheLargestEpochAtOrBelowItAndItsEnd() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    append(leader, Acks.LEADER, "a");
    append(leader, Acks.LEADER, "b");
    TestClusters.putTopic(kit, topic(REPLICAS, BROKER, 2, 1, Map.of()));
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(epochEnd(leader, 2, 2).error()).isNull();
              return null;
            });
    assertThat(append(leader, Acks.LEADER, "c").baseOffset()).isEqualTo(2);

    assertThat(epochEnd(leader, 2, 0)).isEqualTo(new EpochEndReply(0, 2, null));
    // Epoch 1 never led here: the largest epoch below it is 0.
    assertThat(epochEnd(leader, 2, 1)).isEqualTo(new EpochEndReply(0, 2, null));
    assertThat(epochEnd(leader, 2, 2)).isEqualTo(new EpochEndReply(2, 3, null));
    // No check of the asker's epoch with -1; an epoch newer than any here is undefined, as in
    // Kafka.
    assertThat(epochEnd(leader, -1, 2)).isEqualTo(new EpochEndReply(2, 3, null));
    assertThat(epochEnd(leader, -1, 9)).isEqualTo(new EpochEndReply(-1, -1, null));
    assertThat(epochEnd(leader, -1, -1)).isEqualTo(new EpochEndReply(-1, -1, null));
    EpochEndReply fenced = epochEnd(leader, 1, 0);
    assertThat(fenced.error().code()).isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
    assertThat(fenced.error().message()).contains("epoch 1").contains("is 2");
    assertThat(epochEnd(leader, 3, 0).error().code()).isEqualTo(ErrorCode.UNKNOWN_LEADER_EPOCH);

    // A consumer's fetch is checked the same way (KIP-320); -1 is not checked.
    assertThat(consumerFetch(leader, 1).error().code()).isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
    assertThat(consumerFetch(leader, 3).error().code()).isEqualTo(ErrorCode.UNKNOWN_LEADER_EPOCH);
    // (Served, if empty: the followers have not confirmed anything, so the high watermark is 0.)
    assertThat(consumerFetch(leader, 2).error()).isNull();
    assertThat(consumerFetch(leader, -1).error()).isNull();
  }

  private FetchReply consumerFetch(EntityRef<Command> leader, int currentLeaderEpoch) {
    TestProbe<FetchReply> probe = kit.createTestProbe();
    leader.tell(new Fetch(currentLeaderEpoch, 0, 1 << 20, 0, probe.ref()));
    return probe.expectMessageClass(FetchReply.class, WAIT);
  }

  private EpochEndReply epochEnd(EntityRef<Command> leader, int current, int epoch) {
    TestProbe<EpochEndReply> probe = kit.createTestProbe();
    leader.tell(new EpochEnd(current, epoch, probe.ref()));
    return probe.expectMessageClass(EpochEndReply.class, WAIT);
  }

  @Test
  void aFollowerWhoseLastEpochMatchesGetsTheBatchesOfTheNextEpoch() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    append(leader, Acks.LEADER, "a");
    append(leader, Acks.LEADER, "b");
    TestClusters.putTopic(kit, topic(REPLICAS, BROKER, 2, 1, Map.of()));
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              ReplicaFetchReply reply = replicaFetch(leader, 2, 2, 2, 0);
              assertThat(reply.error()).isNull();
              assertThat(reply.diverging()).isNull();
              return null;
            });
    append(leader, Acks.LEADER, "c");

    ReplicaFetchReply reply = replicaFetch(leader, 2, 2, 2, 0);

    assertThat(reply.diverging()).isNull();
    assertThat(reply.error()).isNull();
    List<RecordBatch> batches = batches(reply.batches());
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0).baseOffset()).isEqualTo(2);
    assertThat(batches.get(0).partitionLeaderEpoch()).isEqualTo(2);
    assertThat(replicaFetch(leader, 2, 2, 3, 2).diverging()).isNull();
  }

  @Test
  void fetchesInAnOlderOrNewerLeaderEpochOrFromANonReplicaAreRefused() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 3, Map.of());

    ReplicaFetchReply fenced = replicaFetch(leader, 2, 2, 0, -1);
    ReplicaFetchReply unknown = replicaFetch(leader, 2, 4, 0, -1);
    ReplicaFetchReply stranger = replicaFetch(leader, 9, 3, 0, -1);
    ReplicaFetchReply outOfRange = replicaFetch(leader, 2, 3, 5, -1);

    assertThat(fenced.error().code()).isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
    assertThat(fenced.error().message()).contains("leader epoch 2").contains("is 3");
    assertThat(unknown.error().code()).isEqualTo(ErrorCode.UNKNOWN_LEADER_EPOCH);
    assertThat(stranger.error().code()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assertThat(stranger.error().message()).contains("Broker 9").contains("[1, 2, 3]");
    assertThat(outOfRange.error().code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
    assertThat(Logs.get(kit.system()).get("t-0").latestEpoch()).isEqualTo(3);
    assertThat(batches(fetchAfterAppend(leader)).get(0).partitionLeaderEpoch()).isEqualTo(3);
  }

  private byte[] fetchAfterAppend(EntityRef<Command> leader) {
    append(leader, Acks.LEADER, "x");
    replicaFetch(leader, 2, 3, 1, 3);
    replicaFetch(leader, 3, 3, 1, 3);
    return fetch(leader, 0).batches();
  }

  @Test
  void aParkedFollowerFetchIsWokenByTheNextAppend() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    TestProbe<ReplicaFetchReply> follower = kit.createTestProbe();
    leader.tell(new ReplicaFetch(2, 0, 0, -1, 1 << 20, LONG_WAIT_MS, follower.ref()));
    assertNoReplicaFetchReplyYet(leader, follower);

    append(leader, Acks.LEADER, "woken");

    ReplicaFetchReply reply = follower.receiveMessage(WAIT);
    assertThat(reply.error()).isNull();
    assertThat(values(reply.batches())).containsExactly("0:woken");
  }

  @Test
  void aLaggingFollowerIsProposedOutOfTheIsrAndBackInOnceCaughtUp() {
    start("sluice.replication.replica-lag-time-max = 2s");
    EntityRef<Command> leader = leaderOf(REPLICAS, 4, 6, Map.of("min.insync.replicas", "1"));
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              // Follower 2 keeps up; follower 3 never fetches.
              assertThat(replicaFetch(leader, 2, 4, 0, -1).error()).isNull();
              return null;
            });
    TestProbe<AppendReply> acked = appendAsync(leader, Acks.ALL, LONG_WAIT_MS, "a");
    awaitLogEnd(leader, 1);
    replicaFetch(leader, 2, 4, 1, 4);
    // Follower 3 lags from the leader's start on; it lags too long once the leader's clock says so.
    clock.advance(Duration.ofSeconds(3));

    Controller.AlterPartition shrink =
        controller.expectMessageClass(Controller.AlterPartition.class, WAIT);
    assertThat(shrink.topic()).isEqualTo("t");
    assertThat(shrink.topicId()).isEqualTo(topicId);
    assertThat(shrink.partition()).isZero();
    assertThat(shrink.leaderId()).isEqualTo(BROKER);
    assertThat(shrink.leaderEpoch()).isEqualTo(4);
    assertThat(shrink.partitionEpoch()).isEqualTo(6);
    assertThat(shrink.newIsr()).containsExactly(1, 2);
    assertNoAppendReplyYet(leader, acked);
    shrink
        .replyTo()
        .tell(
            new Controller.AlterPartitionResult(
                new PartitionAssignment(0, REPLICAS, BROKER, 4, List.of(1, 2), 7), null));
    // Without follower 3 the ISR has the batch.
    assertThat(acked.receiveMessage(WAIT)).isEqualTo(new AppendReply(0, -1, null));

    assertThat(replicaFetch(leader, 3, 4, 0, -1).batches()).isNotEmpty();
    replicaFetch(leader, 3, 4, 1, 4);

    Controller.AlterPartition expand =
        controller.expectMessageClass(Controller.AlterPartition.class, WAIT);
    assertThat(expand.leaderEpoch()).isEqualTo(4);
    assertThat(expand.partitionEpoch()).isEqualTo(7);
    assertThat(expand.newIsr()).containsExactlyInAnyOrder(1, 2, 3);
  }

  @Test
  void anIsrChangeRefusedAsStaleWaitsForNewMetadataBeforeProposingAgain() {
    start("sluice.replication.replica-lag-time-max = 500ms");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    replicaFetch(leader, 2, 0, 0, -1);
    clock.advance(Duration.ofSeconds(1));

    Controller.AlterPartition first =
        controller.expectMessageClass(Controller.AlterPartition.class, WAIT);
    assertThat(first.newIsr()).containsExactly(1, 2);
    first
        .replyTo()
        .tell(
            new Controller.AlterPartitionResult(
                null, ApiError.of(ErrorCode.INVALID_UPDATE_VERSION, "stale epoch 0")));
    // The ISR check keeps running meanwhile (every 250 ms); that it proposes nothing until new
    // metadata comes is IsrProposalsTest's. Here: the next proposal is the one after the metadata.
    clock.advance(Duration.ofSeconds(1));

    TestClusters.putTopic(kit, topic(REPLICAS, BROKER, 0, 3, Map.of()));

    Controller.AlterPartition second =
        controller.expectMessageClass(Controller.AlterPartition.class, WAIT);
    assertThat(second.partitionEpoch()).isEqualTo(3);
    assertThat(second.newIsr()).containsExactly(1, 2);
  }

  @Test
  void newerMetadataInTheSameLeaderEpochChangesTheIsr() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    TestProbe<AppendReply> waiting = appendAsync(leader, Acks.ALL, 1_000, "a");
    awaitLogEnd(leader, 1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(waiting.receiveMessage(WAIT).error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);

    TestClusters.putTopic(kit, topic(List.of(1), BROKER, 0, 1, Map.of()));

    // With the ISR {1} the high watermark is the leader's log end.
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(offsets(leader).offsets().highWatermark()).isEqualTo(1);
              return null;
            });
    AppendReply refused = append(leader, Acks.ALL, "b");
    assertThat(refused.error().code()).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
    assertThat(refused.error().message()).contains("ISR [1]");
  }

  @Test
  void aBatchCommittedAfterTheIsrShrankBelowMinInsyncIsNotAcknowledgedAsSuccess() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    TestProbe<AppendReply> waiting = appendAsync(leader, Acks.ALL, LONG_WAIT_MS, "a");
    awaitLogEnd(leader, 1);

    TestClusters.putTopic(kit, topic(List.of(1), BROKER, 0, 1, Map.of()));

    AppendReply reply = waiting.receiveMessage(WAIT);
    assertThat(reply.error().code()).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    assertThat(reply.error().message()).contains("ISR [1]").contains("min.insync.replicas=2");
  }

  @Test
  void waitingAcksAllAppendsAreAnsweredTimedOutNotARetriedNotLeaderWhenTheLeaderIsDeposed() {
    start("");
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    TestProbe<AppendReply> waiting = appendAsync(leader, Acks.ALL, LONG_WAIT_MS, "a");
    awaitLogEnd(leader, 1);

    TestClusters.putTopic(kit, topic(List.of(2, 3), 2, 1, 1, Map.of()));

    AppendReply reply = waiting.receiveMessage(WAIT);
    // The gateway retries NOT_LEADER_OR_FOLLOWER at the new leader, which may hold the batch.
    assertThat(reply.error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(reply.error().message()).contains("offset 0").contains("stopped leading");
  }

  @Test
  void aRestartedLeaderStartsFromItsCheckpointedHighWatermarkNotItsLogEnd() throws Exception {
    String config = "sluice.replication.high-watermark-checkpoint-interval = 100ms";
    start(config);
    EntityRef<Command> leader = leaderOf(REPLICAS, 0, Map.of());
    append(leader, Acks.LEADER, "a");
    replicaFetch(leader, 2, 0, 1, 0);
    replicaFetch(leader, 3, 0, 1, 0);
    append(leader, Acks.LEADER, "b");
    Path checkpoint = dataDir.resolve("t-0").resolve("high-watermark.checkpoint");
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(Files.readAllLines(checkpoint)).containsExactly("0", "1");
              return null;
            });
    replicaFetch(leader, 2, 0, 2, 0);
    replicaFetch(leader, 3, 0, 2, 0);
    kit.createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(Files.readAllLines(checkpoint))
                  .as("a later move is written too: the timer is armed again")
                  .containsExactly("0", "2");
              return null;
            });
    append(leader, Acks.LEADER, "c");
    kit.shutdownTestKit();

    start(config);
    EntityRef<Command> restarted = leaderOf(REPLICAS, 1, Map.of());

    OffsetsReply offsets = offsets(restarted);
    assertThat(offsets.offsets().logEndOffset()).isEqualTo(3);
    assertThat(offsets.offsets().highWatermark()).isEqualTo(2);
    assertThat(values(fetch(restarted, 0).batches())).containsExactly("0:a", "1:b");
  }
}
