package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.testing.TestClusters.batch;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.PartitionAssignment;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.partition.PartitionLeader.Command;
import sluice.actors.partition.PartitionLeader.Delete;
import sluice.actors.partition.PartitionLeader.Fetch;
import sluice.actors.partition.PartitionLeader.FetchReply;
import sluice.actors.partition.PartitionLeader.GetOffsets;
import sluice.actors.partition.PartitionLeader.OffsetForTime;
import sluice.actors.partition.PartitionLeader.OffsetForTimeReply;
import sluice.actors.partition.PartitionLeader.OffsetsReply;
import sluice.actors.quorum.QuorumSetup;
import sluice.actors.quorum.QuorumState;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.Batches;
import sluice.storage.record.CompressionType;
import sluice.storage.record.Record;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.RecordBatchBuilder;
import sluice.storage.record.TimestampType;

class PartitionLeaderTest {
  private static final int BROKER = 1;
  private static final Duration LONG_WAIT = Duration.ofSeconds(60);

  @TempDir Path dataDir;
  private ActorTestKit kit;
  private final ManualClock clock = new ManualClock();

  @AfterEach
  void shutDown() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private void start(String extraConfig) {
    kit = TestClusters.startOneNode("leader", dataDir, BROKER, extraConfig);
    PartitionLeader.init(kit.system(), clock);
  }

  /** Starts the node (again) with {@code topic}'s metadata; the leader of its partition 0. */
  private EntityRef<Command> startWith(String extraConfig, TopicMetadata topic) {
    start(extraConfig);
    TestClusters.putTopic(kit, topic);
    return partition(topic.name(), 0);
  }

  private EntityRef<Command> partition(String topic, int partition) {
    return ClusterSharding.get(kit.system())
        .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId(topic, partition));
  }

  private EntityRef<Command> newTopic(String name, Map<String, String> configs) {
    TestClusters.putTopic(kit, TestClusters.topic(name, 1, BROKER, configs));
    return partition(name, 0);
  }

  private AppendReply append(EntityRef<Command> leader, byte[] batch) {
    TestProbe<AppendReply> probe = kit.createTestProbe();
    leader.tell(new Append(batch, Acks.ALL, 30_000, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(30));
  }

  private FetchReply fetch(EntityRef<Command> leader, long offset, long maxWaitMs) {
    TestProbe<FetchReply> probe = kit.createTestProbe();
    leader.tell(new Fetch(offset, 1 << 20, maxWaitMs, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(30));
  }

  private OffsetsReply offsets(EntityRef<Command> leader) {
    TestProbe<OffsetsReply> probe = kit.createTestProbe();
    leader.tell(new GetOffsets(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(30));
  }

  /**
   * Asserts that {@code probe} has not been answered: a refused fetch, answered at once on the
   * leader's thread after everything the leader handled before, reaches the probe first.
   */
  private void assertNoFetchReplyYet(EntityRef<Command> leader, TestProbe<FetchReply> probe) {
    leader.tell(new Fetch(0, 0, 0, probe.ref()));
    assertThat(probe.receiveMessage(Duration.ofSeconds(30)).error().code())
        .isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  private static List<RecordBatch> batches(byte[] bytes) {
    List<RecordBatch> result = new ArrayList<>();
    Batches.iterate(ByteBuffer.wrap(bytes)).forEach(result::add);
    return result;
  }

  private static List<String> values(byte[] bytes) {
    List<String> values = new ArrayList<>();
    for (RecordBatch batch : batches(bytes)) {
      for (Record record : batch.records()) {
        values.add(record.offset() + ":" + new String(record.value()));
      }
    }
    return values;
  }

  @Test
  void withoutAQuorumTheLeaderWritesNothingAtAnyAcksAndStillServesWhatIsCommitted() {
    QuorumSetup quorum = QuorumSetup.manual(new QuorumState(3, 3, 3));
    kit =
        TestClusters.startOneNode(
            "leader",
            TestClusters.config(dataDir, BROKER, TestClusters.Metadata.IN_MEMORY, ""),
            quorum);
    PartitionLeader.init(kit.system(), clock);
    EntityRef<Command> leader = newTopic("orders", Map.of());
    assertThat(append(leader, batch(1_000, "a")).baseOffset()).isZero();

    quorum.set(new QuorumState(3, 1, 3));
    for (Acks acks : Acks.values()) {
      TestProbe<AppendReply> probe = kit.createTestProbe();
      leader.tell(new Append(batch(1_001, "b"), acks, 30_000, probe.ref()));
      AppendReply refused = probe.receiveMessage(Duration.ofSeconds(30));
      assertThat(refused.error().code()).as("acks=%s", acks).isEqualTo(ErrorCode.NO_QUORUM);
      assertThat(refused.error().message())
          .contains("orders-0 was not written", "1 of the 3 configured brokers, 2 are needed");
    }
    assertThat(offsets(leader).offsets().logEndOffset()).as("nothing written").isEqualTo(1);
    assertThat(values(fetch(leader, 0, 0).batches())).containsExactly("0:a");

    quorum.set(new QuorumState(3, 2, 3));
    assertThat(append(leader, batch(1_002, "c")).baseOffset()).isEqualTo(1);
  }

  @Test
  void producedBatchesAreFetchedBackWithTheirOffsets() {
    start("");
    EntityRef<Command> leader = newTopic("orders", Map.of());

    assertThat(append(leader, batch(1_000, "a", "b"))).isEqualTo(new AppendReply(0, -1, null));
    assertThat(append(leader, batch(1_001, "c", "d", "e")).baseOffset()).isEqualTo(2);
    assertThat(append(leader, batch(1_002, "f")).baseOffset()).isEqualTo(5);

    FetchReply reply = fetch(leader, 0, 0);
    assertThat(reply.error()).isNull();
    assertThat(values(reply.batches())).containsExactly("0:a", "1:b", "2:c", "3:d", "4:e", "5:f");
    assertThat(reply.offsets().highWatermark()).isEqualTo(6);
    assertThat(reply.offsets().logEndOffset()).isEqualTo(6);
    assertThat(reply.offsets().logStartOffset()).isZero();
    assertThat(batches(reply.batches()))
        .allSatisfy(
            b -> {
              assertThat(b.isValid()).isTrue();
              assertThat(b.partitionLeaderEpoch()).isZero();
            });

    FetchReply fromMiddle = fetch(leader, 3, 0);
    assertThat(batches(fromMiddle.batches()).get(0).baseOffset()).isEqualTo(2);
  }

  @Test
  void concurrentAppendsAreWrittenTogetherInFewerWrites() {
    start("");
    EntityRef<Command> leader = newTopic("busy", Map.of());
    append(leader, batch(1, "warm-up"));
    int appends = 400;
    TestProbe<AppendReply> probe = kit.createTestProbe();
    for (int i = 0; i < appends; i++) {
      leader.tell(new Append(batch(1, "v" + i, "w" + i), Acks.LEADER, 30_000, probe.ref()));
    }
    Set<Long> baseOffsets = new HashSet<>();
    for (AppendReply reply : probe.receiveSeveralMessages(appends, Duration.ofSeconds(60))) {
      assertThat(reply.error()).isNull();
      baseOffsets.add(reply.baseOffset());
    }
    Set<Long> expected = new HashSet<>();
    for (int i = 0; i < appends; i++) {
      expected.add(1L + 2L * i);
    }
    assertThat(baseOffsets).isEqualTo(expected);

    Logs.JournalStats stats = Logs.get(kit.system()).journalStats("busy-0");
    assertThat(stats.batchesWritten()).isEqualTo(appends + 1);
    assertThat(stats.writes()).isLessThan(appends);
  }

  @Test
  void groupedWritesThatCrossTheSnapshotIntervalStillSnapshotAndRecover() {
    String config = "sluice.partition.snapshot-every = 7";
    TopicMetadata topic = TestClusters.topic("grouped", 1, BROKER, Map.of());
    EntityRef<Command> leader = startWith(config, topic);
    TestProbe<AppendReply> probe = kit.createTestProbe();
    for (int i = 0; i < 300; i++) {
      leader.tell(new Append(batch(1, "v" + i), Acks.LEADER, 30_000, probe.ref()));
    }
    probe.receiveSeveralMessages(300, Duration.ofSeconds(60));
    Path snapshots = dataDir.resolve("grouped-0").resolve("snapshots");
    kit.createTestProbe()
        .awaitAssert(
            () -> {
              try (var files = Files.list(snapshots)) {
                assertThat(files.filter(p -> p.toString().endsWith(".snap"))).isNotEmpty();
              }
              return null;
            });
    kit.shutdownTestKit();

    EntityRef<Command> recovered = startWith(config, topic);

    assertThat(offsets(recovered).offsets().logEndOffset()).isEqualTo(300);
    assertThat(Logs.get(kit.system()).journalStats("grouped-0").batchesReplayed()).isLessThan(300);
  }

  @Test
  void aFetchAtTheLogEndWaitsForTheNextAppend() {
    start("");
    EntityRef<Command> leader = newTopic("quiet", Map.of());
    append(leader, batch(1, "first"));

    TestProbe<FetchReply> fetchProbe = kit.createTestProbe();
    leader.tell(new Fetch(1, 1 << 20, LONG_WAIT.toMillis(), fetchProbe.ref()));
    assertNoFetchReplyYet(leader, fetchProbe);

    append(leader, batch(2, "second"));

    FetchReply reply = fetchProbe.receiveMessage(Duration.ofSeconds(30));
    assertThat(reply.error()).isNull();
    assertThat(values(reply.batches())).containsExactly("1:second");
    assertThat(reply.offsets().highWatermark()).isEqualTo(2);
  }

  @Test
  void aParkedFetchIsAnsweredEmptyWhenItsMaxWaitExpires() {
    start("");
    EntityRef<Command> leader = newTopic("idle", Map.of());
    TestProbe<FetchReply> probe = kit.createTestProbe();
    leader.tell(new Fetch(0, 1 << 20, 50, probe.ref()));
    assertNoFetchReplyYet(leader, probe);

    clock.advance(Duration.ofMillis(50));

    FetchReply reply = probe.receiveMessage(Duration.ofSeconds(30));

    assertThat(reply.error()).isNull();
    assertThat(reply.batches()).isEmpty();
    assertThat(reply.offsets().highWatermark()).isZero();
  }

  @Test
  void aFetchOutsideTheLogNamesTheValidRange() {
    start("");
    EntityRef<Command> leader = newTopic("short", Map.of());
    append(leader, batch(1, "a", "b"));

    FetchReply reply = fetch(leader, 7, 0);

    assertThat(reply.error().code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
    assertThat(reply.error().message())
        .contains("Offset 7")
        .contains("short-0")
        .contains("0 (log start) to 2 (log end)");
    assertThat(fetch(leader, -1, 0).error().code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
  }

  @Test
  void anOversizeBatchIsRefusedWithItsSizeAndNothingIsWritten() {
    start("");
    EntityRef<Command> leader = newTopic("small", Map.of("max.message.bytes", "1024"));
    byte[] big = batch(1, "x".repeat(2_000));

    AppendReply reply = append(leader, big);

    assertThat(reply.error().code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    assertThat(reply.error().message())
        .contains(big.length + " bytes")
        .contains("max.message.bytes=1024");
    assertThat(offsets(leader).offsets().logEndOffset()).isZero();
    assertThat(Logs.get(kit.system()).journalStats("small-0").batchesWritten()).isZero();
  }

  @Test
  void aCorruptBatchIsRefusedAndNothingIsWritten() {
    start("");
    EntityRef<Command> leader = newTopic("crc", Map.of());
    byte[] corrupt = batch(1, "payload");
    corrupt[corrupt.length - 2] ^= 0x5a;

    AppendReply reply = append(leader, corrupt);

    assertThat(reply.error().code()).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
    assertThat(reply.error().message()).contains("CRC");
    assertThat(offsets(leader).offsets().logEndOffset()).isZero();
  }

  @Test
  void logAppendTimeTopicsStampEveryBatchWithTheBrokerClock() {
    start("");
    EntityRef<Command> leader =
        newTopic("stamped", Map.of("message.timestamp.type", "LogAppendTime"));
    clock.advance(Duration.ofMillis(1_234));

    AppendReply reply = append(leader, batch(42, "a", "b"));

    assertThat(reply.error()).isNull();
    assertThat(reply.logAppendTime()).isEqualTo(clock.millis());
    RecordBatch stored = batches(fetch(leader, 0, 0).batches()).get(0);
    assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    assertThat(stored.maxTimestamp()).isEqualTo(reply.logAppendTime());
    assertThat(stored.records()).extracting(Record::timestamp).containsOnly(reply.logAppendTime());
    assertThat(stored.isValid()).isTrue();
  }

  @Test
  void acksZeroIsAnsweredOnArrivalAndStillWritten() {
    start("");
    EntityRef<Command> leader = newTopic("fire", Map.of());
    TestProbe<AppendReply> probe = kit.createTestProbe();

    leader.tell(new Append(batch(1, "a"), Acks.NONE, 30_000, probe.ref()));

    assertThat(probe.receiveMessage()).isEqualTo(new AppendReply(-1, -1, null));
    probe.awaitAssert(
        () -> {
          assertThat(offsets(leader).offsets().logEndOffset()).isEqualTo(1);
          return null;
        });
  }

  @Test
  void offsetsByTimestampFindTheFirstRecordAtOrAfterIt() {
    start("");
    EntityRef<Command> leader = newTopic("times", Map.of());
    append(leader, batch(1_000, "a"));
    append(leader, batch(2_000, "b"));
    append(leader, batch(3_000, "c"));
    TestProbe<OffsetForTimeReply> probe = kit.createTestProbe();

    leader.tell(new OffsetForTime(1_500, probe.ref()));
    assertThat(probe.receiveMessage()).isEqualTo(new OffsetForTimeReply(1, null));
    leader.tell(new OffsetForTime(9_000, probe.ref()));
    assertThat(probe.receiveMessage()).isEqualTo(new OffsetForTimeReply(-1, null));
    leader.tell(new OffsetForTime(-2, probe.ref()));
    assertThat(probe.receiveMessage()).isEqualTo(new OffsetForTimeReply(0, null));
    leader.tell(new OffsetForTime(-1, probe.ref()));
    assertThat(probe.receiveMessage()).isEqualTo(new OffsetForTimeReply(3, null));
  }

  @Test
  void aBrokerThatIsNotTheLeaderRefusesWithARetriableError() {
    start("");
    TestClusters.putTopic(kit, TestClusters.topic("elsewhere", 1, 2, Map.of()));

    AppendReply reply = append(partition("elsewhere", 0), batch(1, "a"));

    assertThat(reply.error().code()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assertThat(reply.error().code().retriable()).isTrue();
    assertThat(reply.error().message()).contains("Broker 1").contains("broker 2");
    assertThat(Files.exists(dataDir.resolve("elsewhere-0"))).isFalse();
  }

  @Test
  void aLeaderWhoseBrokerIsNoLongerTheLeaderRefusesFromThenOn() {
    TopicMetadata original = TestClusters.topic("moving", 1, BROKER, Map.of());
    EntityRef<Command> leader = startWith("", original);
    append(leader, batch(1, "a"));
    TestProbe<FetchReply> parkedFetch = kit.createTestProbe();
    leader.tell(new Fetch(1, 1024, LONG_WAIT.toMillis(), parkedFetch.ref()));
    offsets(leader);

    TopicMetadata moved =
        new TopicMetadata(
            "moving",
            original.topicId(),
            false,
            Map.of(),
            List.of(new PartitionAssignment(0, List.of(2), 2, 1, List.of(2), 1)));
    TestClusters.putTopic(kit, moved);

    FetchReply abandoned = parkedFetch.receiveMessage(Duration.ofSeconds(30));
    assertThat(abandoned.error().code()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    kit.createTestProbe()
        .awaitAssert(
            () -> {
              AppendReply reply = append(leader, batch(2, "b"));
              assertThat(reply.error().code()).isEqualTo(ErrorCode.NOT_LEADER_OR_FOLLOWER);
              assertThat(reply.error().message()).contains("broker 2");
              return null;
            });
  }

  @Test
  void changedTopicConfigsAndLeaderEpochsApplyToTheRunningLeader() {
    TopicMetadata original = TestClusters.topic("tuned", 1, BROKER, Map.of());
    EntityRef<Command> leader = startWith("", original);
    byte[] big = batch(1, "x".repeat(2_000));
    assertThat(append(leader, big).error()).isNull();

    TestClusters.putTopic(
        kit,
        new TopicMetadata(
            "tuned",
            original.topicId(),
            false,
            Map.of("max.message.bytes", "1024"),
            List.of(new PartitionAssignment(0, List.of(BROKER), BROKER, 5, List.of(BROKER), 1))));

    kit.createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(append(leader, big).error().code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
              return null;
            });
    AppendReply small = append(leader, batch(2, "s"));
    RecordBatch stored = batches(fetch(leader, small.baseOffset(), 0).batches()).get(0);
    assertThat(stored.partitionLeaderEpoch()).isEqualTo(5);
  }

  /** A batch of one record stamped with {@code leaderEpoch}, as a group coordinator writes. */
  private static byte[] batchOfEpoch(int leaderEpoch, String value) {
    return TestClusters.bytes(
        new RecordBatchBuilder(CompressionType.NONE, 0)
            .partitionLeaderEpoch(leaderEpoch)
            .append(1, null, value.getBytes(), List.of())
            .build());
  }

  @Test
  void anAppendNamingAnotherLeaderEpochIsRefusedAndClientBatchesWithoutOneAreNot() {
    TopicMetadata original = TestClusters.topic("fenced", 1, BROKER, Map.of());
    EntityRef<Command> leader = startWith("", original);
    assertThat(append(leader, batchOfEpoch(0, "coordinator at 0")).error()).isNull();

    TestClusters.putTopic(
        kit,
        new TopicMetadata(
            "fenced",
            original.topicId(),
            false,
            Map.of(),
            List.of(new PartitionAssignment(0, List.of(BROKER), BROKER, 3, List.of(BROKER), 1))));
    // The leader learns its new epoch from the metadata: a client's batch shows when it has.
    kit.createTestProbe()
        .awaitAssert(
            () -> {
              AppendReply probe = append(leader, batch(2, "client"));
              RecordBatch stored = batches(fetch(leader, probe.baseOffset(), 0).batches()).get(0);
              assertThat(stored.partitionLeaderEpoch()).isEqualTo(3);
              return null;
            });
    long logEnd = offsets(leader).offsets().logEndOffset();

    AppendReply stale = append(leader, batchOfEpoch(0, "deposed coordinator"));
    assertThat(stale.error().code()).isEqualTo(ErrorCode.FENCED_LEADER_EPOCH);
    assertThat(stale.error().message())
        .contains("fenced-0", "leader epoch 0", "leader's epoch is 3");
    AppendReply future = append(leader, batchOfEpoch(4, "from the future"));
    assertThat(future.error().code()).isEqualTo(ErrorCode.UNKNOWN_LEADER_EPOCH);
    assertThat(offsets(leader).offsets().logEndOffset()).as("nothing written").isEqualTo(logEnd);
    assertThat(append(leader, batchOfEpoch(3, "current coordinator")).baseOffset())
        .isEqualTo(logEnd);
  }

  @Test
  void anUnknownTopicOrPartitionIsRefused() {
    start("");
    TestClusters.putTopic(kit, TestClusters.topic("known", 1, BROKER, Map.of()));

    AppendReply unknownTopic = append(partition("unknown", 0), batch(1, "a"));
    AppendReply unknownPartition = append(partition("known", 3), batch(1, "a"));

    assertThat(unknownTopic.error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(unknownTopic.error().message()).contains("'unknown'");
    assertThat(unknownPartition.error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assertThat(unknownPartition.error().message()).contains("partition 3 does not exist");
  }

  @Test
  void deleteRemovesThePartitionDirectory() {
    start("");
    EntityRef<Command> leader = newTopic("doomed", Map.of());
    append(leader, batch(1, "a"));
    assertThat(Files.isDirectory(dataDir.resolve("doomed-0"))).isTrue();
    TestProbe<Done> probe = kit.createTestProbe();

    leader.tell(new Delete(probe.ref()));

    probe.expectMessage(Done.done());
    assertThat(Files.exists(dataDir.resolve("doomed-0"))).isFalse();
  }

  @Test
  void aRestartedBrokerRecoversEveryAcknowledgedBatchFromItsSnapshotAndTheHeadersAfterIt() {
    String config = "sluice.partition.snapshot-every = 4";
    TopicMetadata topic = TestClusters.topic("durable", 1, BROKER, Map.of());
    EntityRef<Command> leader = startWith(config, topic);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      assertThat(append(leader, batch(i, "v" + i, "w" + i)).baseOffset()).isEqualTo(2L * i);
      expected.add((2 * i) + ":v" + i);
      expected.add((2 * i + 1) + ":w" + i);
    }
    Path snapshots = dataDir.resolve("durable-0").resolve("snapshots");
    TestProbe<Object> waiter = kit.createTestProbe();
    waiter.awaitAssert(
        () -> {
          try (var files = Files.list(snapshots)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                .anyMatch(name -> name.startsWith("snapshot-00000000000000000008-"));
          }
          return null;
        });
    kit.shutdownTestKit();

    EntityRef<Command> recovered = startWith(config, topic);

    OffsetsReply offsets = offsets(recovered);
    assertThat(offsets.offsets().logEndOffset()).isEqualTo(20);
    assertThat(offsets.offsets().highWatermark()).isEqualTo(20);
    assertThat(Logs.get(kit.system()).journalStats("durable-0").batchesReplayed()).isEqualTo(2);
    assertThat(values(fetch(recovered, 0, 0).batches())).isEqualTo(expected);
    assertThat(append(recovered, batch(99, "after")).baseOffset()).isEqualTo(20);
  }

  @Test
  void aLogCutBelowTheLatestSnapshotRecoversFromAnOlderOneAndContinuesAfterTheCut() {
    String config = "sluice.partition.snapshot-every = 4";
    TopicMetadata topic = TestClusters.topic("cut", 1, BROKER, Map.of());
    EntityRef<Command> leader = startWith(config, topic);
    for (int i = 0; i < 10; i++) {
      append(leader, batch(i, "v" + i, "w" + i));
    }
    Path partitionDir = dataDir.resolve("cut-0");
    kit.createTestProbe()
        .awaitAssert(
            () -> {
              try (var files = Files.list(partitionDir.resolve("snapshots"))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("snapshot-00000000000000000008-"));
              }
              return null;
            });
    kit.shutdownTestKit();
    // Cut the log back to its first 6 batches (offsets 0-11), below the snapshot at batch 8.
    try (PartitionLog log =
        PartitionLog.open(partitionDir, LogConfig.defaults(), java.time.Clock.systemUTC())) {
      log.truncateTo(12);
      assertThat(log.lastSequence()).isEqualTo(6);
    }

    EntityRef<Command> recovered = startWith(config, topic);

    assertThat(offsets(recovered).offsets().logEndOffset()).isEqualTo(12);
    assertThat(Logs.get(kit.system()).journalStats("cut-0").batchesReplayed()).isEqualTo(2);
    assertThat(append(recovered, batch(99, "after")).baseOffset()).isEqualTo(12);
    assertThat(Logs.get(kit.system()).get("cut-0").lastSequence()).isEqualTo(7);
    assertThat(values(fetch(recovered, 10, 0).batches()))
        .containsExactly("10:v5", "11:w5", "12:after");
  }

  @Test
  void aLogRestartedEmptyAboveOffsetZeroIsLedFromItsStart() {
    TopicMetadata topic = TestClusters.topic("restarted", 1, BROKER, Map.of());
    Path partitionDir = dataDir.resolve("restarted-0");
    // As a follower below its leader's log start leaves it: empty, starting at offset 100.
    try (PartitionLog log =
        PartitionLog.open(partitionDir, LogConfig.defaults(), java.time.Clock.systemUTC())) {
      log.truncateFullyAndStartAt(100);
    }

    EntityRef<Command> leader = startWith("", topic);

    assertThat(offsets(leader).offsets().logEndOffset()).isEqualTo(100);
    assertThat(append(leader, batch(1, "first")).baseOffset()).isEqualTo(100);
    assertThat(values(fetch(leader, 100, 0).batches())).containsExactly("100:first");
  }

  @Test
  void aFetchAnswersAtMostTheBrokersFetchMaxBytesWhateverItAsksFor() {
    EntityRef<Command> leader =
        startWith(
            "sluice.partition.fetch-max-bytes = 1000",
            TestClusters.topic("capped", 1, BROKER, Map.of()));
    String value = "x".repeat(600);
    for (int i = 0; i < 3; i++) {
      append(leader, batch(i, value + i));
    }

    FetchReply first = fetch(leader, 0, 0);

    assertThat(batches(first.batches())).hasSize(1);
    assertThat(values(first.batches())).containsExactly("0:" + value + 0);
    assertThat(values(fetch(leader, 1, 0).batches())).containsExactly("1:" + value + 1);
  }
}
