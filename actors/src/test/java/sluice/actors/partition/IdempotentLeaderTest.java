package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.api.Acks;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.Logs;
import sluice.actors.metadata.TopicMetadata;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.partition.PartitionLeader.Command;
import sluice.actors.partition.PartitionLeader.GetOffsets;
import sluice.actors.partition.PartitionLeader.OffsetsReply;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.CompressionType;
import sluice.storage.record.RecordBatchBuilder;

/**
 * A partition leader serving an idempotent producer: a resent batch is stored once and answered
 * with its first offsets, across a restart (the state rebuilt from batch headers), retention of the
 * segments that wrote it (segment snapshots), compaction of its records and a truncation of the log
 * (the state rolled back with it); gaps and fenced epochs are refused; a producer idle past the
 * expiration is forgotten.
 */
class IdempotentLeaderTest {
  private static final int BROKER = 1;
  private static final long PRODUCER = 4711;

  @TempDir Path dataDir;
  private ActorTestKit kit;
  private final ManualClock clock = new ManualClock();

  @AfterEach
  void shutDown() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private EntityRef<Command> start(TopicMetadata topic) {
    kit = TestClusters.startOneNode("idempotent", dataDir, BROKER, "");
    PartitionLeader.init(kit.system(), clock);
    TestClusters.putTopic(kit, topic);
    return ClusterSharding.get(kit.system())
        .entityRefFor(PartitionLeader.TYPE_KEY, PartitionLeader.entityId(topic.name(), 0));
  }

  private static TopicMetadata topic(Map<String, String> configs) {
    return TestClusters.topic("idem", 1, BROKER, configs);
  }

  /**
   * A batch of {@code records} records from the producer in {@code epoch} from {@code sequence},
   * all with key {@code k0}, as {@link TestClusters#batch}'s first record.
   */
  private static byte[] batch(int epoch, int sequence, int records) {
    var builder =
        new RecordBatchBuilder(CompressionType.NONE, 0).producer(PRODUCER, (short) epoch, sequence);
    for (int i = 0; i < records; i++) {
      builder.append(1, "k0".getBytes(), ("s" + (sequence + i)).getBytes(), List.of());
    }
    return TestClusters.bytes(builder.build());
  }

  private AppendReply append(EntityRef<Command> leader, byte[] batch, Acks acks) {
    TestProbe<AppendReply> probe = kit.createTestProbe();
    leader.tell(new Append(batch, acks, 30_000, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(30));
  }

  private long logEnd(EntityRef<Command> leader) {
    TestProbe<OffsetsReply> probe = kit.createTestProbe();
    leader.tell(new GetOffsets(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(30)).offsets().logEndOffset();
  }

  @Test
  void aResentBatchIsStoredOnceAndAnsweredWithItsOffsetsAtAnyAcks() {
    EntityRef<Command> leader = start(topic(Map.of()));
    assertThat(append(leader, batch(0, 0, 3), Acks.ALL).baseOffset()).isZero();
    assertThat(append(leader, batch(0, 3, 2), Acks.LEADER).baseOffset()).isEqualTo(3);

    AppendReply again = append(leader, batch(0, 0, 3), Acks.ALL);
    assertThat(again.error()).isNull();
    assertThat(again.baseOffset()).isZero();
    assertThat(append(leader, batch(0, 3, 2), Acks.LEADER).baseOffset()).isEqualTo(3);
    assertThat(logEnd(leader)).isEqualTo(5);
  }

  @Test
  void aGapAndAnOlderEpochAreRefusedWithKafkasErrorsAndNothingIsWritten() {
    EntityRef<Command> leader = start(topic(Map.of()));
    append(leader, batch(3, 0, 2), Acks.ALL);

    AppendReply gap = append(leader, batch(3, 5, 1), Acks.ALL);
    assertThat(gap.error().code()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertThat(gap.error().message()).contains("idem-0").contains("must be 2");
    AppendReply fenced = append(leader, batch(2, 2, 1), Acks.LEADER);
    assertThat(fenced.error().code()).isEqualTo(ErrorCode.INVALID_PRODUCER_EPOCH);
    AppendReply newEpochNotAtZero = append(leader, batch(4, 2, 1), Acks.ALL);
    assertThat(newEpochNotAtZero.error().code()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertThat(logEnd(leader)).isEqualTo(2);
    assertThat(append(leader, batch(4, 0, 1), Acks.ALL).baseOffset()).isEqualTo(2);
  }

  @Test
  void aRestartedLeaderRecognisesTheRetryOfABatchWrittenBeforeItsRestart() {
    TopicMetadata topic = topic(Map.of());
    EntityRef<Command> leader = start(topic);
    for (int i = 0; i < 5; i++) {
      append(leader, batch(0, i * 2, 2), Acks.ALL);
    }
    kit.shutdownTestKit();

    EntityRef<Command> restarted = start(topic);

    assertThat(append(restarted, batch(0, 4, 2), Acks.ALL).baseOffset()).isEqualTo(4);
    assertThat(append(restarted, batch(0, 8, 2), Acks.LEADER).baseOffset()).isEqualTo(8);
    assertThat(logEnd(restarted)).isEqualTo(10);
    assertThat(append(restarted, batch(0, 10, 1), Acks.ALL).baseOffset()).isEqualTo(10);
  }

  @Test
  void theProducerStateOutlivesRetentionOfTheSegmentsThatWroteIt() {
    TopicMetadata topic =
        topic(Map.of(LogConfig.SEGMENT_BYTES, "100", LogConfig.RETENTION_BYTES, "1"));
    PartitionLog log = fiveProducerBatchesThenThreePlainOnes(start(topic));
    assertThat(log.deleteRetainedSegments()).isPositive();
    assertThat(log.logStartOffset())
        .as("the producer's segments are gone")
        .isGreaterThanOrEqualTo(5);

    assertTheResendsAreDuplicatesAfterARestart(topic);
  }

  @Test
  void theProducerStateOutlivesCompactionOfTheRecordsItWrote() {
    TopicMetadata topic =
        topic(
            Map.of(
                LogConfig.CLEANUP_POLICY,
                "compact",
                LogConfig.SEGMENT_BYTES,
                "100",
                LogConfig.MIN_COMPACTION_LAG_MS,
                "0"));
    PartitionLog log = fiveProducerBatchesThenThreePlainOnes(start(topic));
    long written = log.sizeInBytes();
    assertThat(log.compact()).as("segments rewritten").isPositive();
    assertThat(log.sizeInBytes()).as("the producer's records are gone").isLessThan(written);

    assertTheResendsAreDuplicatesAfterARestart(topic);
  }

  /** Offsets 0 to 4 from the producer, sequences 0 to 4; 5 to 7 plain, all with key k0. */
  private PartitionLog fiveProducerBatchesThenThreePlainOnes(EntityRef<Command> leader) {
    for (int i = 0; i < 5; i++) {
      append(leader, batch(0, i, 1), Acks.ALL);
    }
    for (int i = 0; i < 3; i++) {
      append(leader, TestClusters.batch(1, "plain" + i), Acks.ALL);
    }
    return Logs.get(kit.system()).get("idem-0");
  }

  private void assertTheResendsAreDuplicatesAfterARestart(TopicMetadata topic) {
    kit.shutdownTestKit();

    EntityRef<Command> restarted = start(topic);

    assertThat(append(restarted, batch(0, 4, 1), Acks.ALL).baseOffset()).isEqualTo(4);
    assertThat(append(restarted, batch(0, 2, 1), Acks.LEADER).baseOffset()).isEqualTo(2);
    assertThat(logEnd(restarted)).isEqualTo(8);
    assertThat(append(restarted, batch(0, 5, 1), Acks.ALL).baseOffset()).isEqualTo(8);
  }

  @Test
  void aTruncatedLogForgetsTheProducerBatchesItLost() {
    TopicMetadata topic = topic(Map.of());
    EntityRef<Command> leader = start(topic);
    for (int i = 0; i < 4; i++) {
      append(leader, batch(0, i, 1), Acks.ALL);
    }
    kit.shutdownTestKit();
    try (PartitionLog log =
        PartitionLog.open(dataDir.resolve("idem-0"), LogConfig.defaults(), Clock.systemUTC())) {
      log.truncateTo(2);
    }

    EntityRef<Command> restarted = start(topic);

    // Sequence 2 was cut with its batch: it is written again, at the log end, not answered with
    // the offset it once had.
    assertThat(append(restarted, batch(0, 2, 1), Acks.ALL).baseOffset()).isEqualTo(2);
    assertThat(append(restarted, batch(0, 1, 1), Acks.ALL).baseOffset())
        .as("still remembered")
        .isEqualTo(1);
    assertThat(logEnd(restarted)).isEqualTo(3);
  }

  @Test
  void aProducerIdleForTheExpirationIsForgottenAndMayStartAnywhere() {
    EntityRef<Command> leader = start(topic(Map.of()));
    append(leader, batch(0, 0, 1), Acks.ALL);
    clock.advance(Duration.ofDays(1).minusMillis(1));
    assertThat(append(leader, batch(0, 0, 1), Acks.ALL).baseOffset()).as("a duplicate").isZero();

    assertThat(append(leader, batch(0, 7, 1), Acks.ALL).error().code())
        .isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);

    clock.advance(Duration.ofMillis(1));

    AppendReply anywhere = append(leader, batch(0, 7, 1), Acks.ALL);
    assertThat(anywhere.error()).isNull();
    assertThat(anywhere.baseOffset()).isEqualTo(1);
  }

  @Test
  void aBatchNamingAProducerWithoutEpochOrSequenceOrATransactionalOneIsRefused() {
    EntityRef<Command> leader = start(topic(Map.of()));
    var noSequence =
        new RecordBatchBuilder(CompressionType.NONE, 0)
            .producer(PRODUCER, (short) 0, -1)
            .append(1, null, "v".getBytes(), List.of());
    AppendReply refused = append(leader, TestClusters.bytes(noSequence.build()), Acks.ALL);
    assertThat(refused.error().code()).isEqualTo(ErrorCode.INVALID_RECORD);
    assertThat(refused.error().message()).contains("base sequence -1");
    var transactional =
        new RecordBatchBuilder(CompressionType.NONE, 0)
            .producer(PRODUCER, (short) 0, 0)
            .transactional(true)
            .append(1, null, "v".getBytes(), List.of());
    AppendReply refusedToo = append(leader, TestClusters.bytes(transactional.build()), Acks.ALL);
    assertThat(refusedToo.error().message()).contains("transactional");
    assertThat(logEnd(leader)).isZero();
  }
}
