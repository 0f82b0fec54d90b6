package sluice.actors.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static sluice.actors.testing.TestClusters.batch;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.partition.PartitionLeader.Append;
import sluice.actors.partition.PartitionLeader.AppendReply;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.BatchHeader;
import sluice.storage.producer.ProducerStates;
import sluice.storage.record.CompressionType;
import sluice.storage.record.RecordBatch;
import sluice.storage.record.RecordBatchBuilder;
import sluice.storage.record.TimestampType;

class AppendQueueTest {
  private static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void shutDown() {
    KIT.shutdownTestKit();
  }

  private final ManualClock clock = new ManualClock();
  private final AppendQueue queue = new AppendQueue("t-0", clock);

  private static Append append(byte[] batch, Acks acks, long timeoutMs, TestProbe<AppendReply> p) {
    return new Append(batch, acks, timeoutMs, p.ref());
  }

  private static final long NOW = 1_700_000_000_000L;
  private static final long DAY = Duration.ofDays(1).toMillis();

  private AppendQueue.Group drain(long logEndOffset, int leaderEpoch, long logAppendTime) {
    return queue.drain(logEndOffset, leaderEpoch, logAppendTime, ProducerStates.empty(), NOW, DAY);
  }

  /** A batch of {@code values} from idempotent producer 7 in {@code epoch} at {@code sequence}. */
  private static byte[] idempotent(int epoch, int sequence, String... values) {
    RecordBatchBuilder builder =
        new RecordBatchBuilder(CompressionType.NONE, 0).producer(7, (short) epoch, sequence);
    for (String value : values) {
      builder.append(1, null, value.getBytes(), List.of());
    }
    return TestClusters.bytes(builder.build());
  }

  /** The producer state after producer 7 wrote {@code records} from sequence 0 at offset 100. */
  private static ProducerStates producerWrote(int records) {
    var header = new BatchHeader(100, 100 + records - 1, 0, 1, 7, (short) 2, 0, records, 100);
    return ProducerStates.empty().applied(header, NOW, DAY);
  }

  private static RecordBatch written(AppendQueue.Group group, int index) {
    return RecordBatch.wrap(ByteBuffer.wrap(((BatchAppended) group.events().get(index)).batch()));
  }

  @Test
  void onlyTheFirstAppendSinceTheLastWriteAsksForAFlush() {
    TestProbe<AppendReply> probe = KIT.createTestProbe();

    assertThat(queue.add(append(batch(1, "a"), Acks.LEADER, 0, probe))).isTrue();
    assertThat(queue.add(append(batch(1, "b"), Acks.LEADER, 0, probe))).isFalse();
    drain(0, 0, -1);
    assertThat(queue.add(append(batch(1, "c"), Acks.LEADER, 0, probe))).isTrue();
  }

  @Test
  void oneWriteTakesTheWholeQueueWithConsecutiveOffsetsTheEpochAndTheAppendTime() {
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    byte[] first = batch(1, "a", "b");
    byte[] original = first.clone();
    queue.add(append(first, Acks.LEADER, 0, probe));
    queue.add(append(batch(1, "c"), Acks.ALL, 0, probe));

    AppendQueue.Group group = drain(10, 3, 1_234);

    assertThat(group.events()).hasSize(2);
    assertThat(group.written())
        .extracting(AppendQueue.Written::baseOffset, AppendQueue.Written::lastOffset)
        .containsExactly(tuple(10L, 11L), tuple(12L, 12L));
    RecordBatch stored = written(group, 1);
    assertThat(stored.baseOffset()).isEqualTo(12);
    assertThat(stored.partitionLeaderEpoch()).isEqualTo(3);
    assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    assertThat(stored.maxTimestamp()).isEqualTo(1_234);
    assertThat(stored.isValid()).isTrue();
    assertThat(Arrays.equals(first, original)).as("the sender's bytes are left alone").isTrue();
    assertThat(queue.size()).isZero();
  }

  @Test
  void anAppendQueuedLongerThanItsTimeoutIsAnsweredAndNotWritten() {
    TestProbe<AppendReply> late = KIT.createTestProbe();
    TestProbe<AppendReply> patient = KIT.createTestProbe();
    queue.add(append(batch(1, "late"), Acks.LEADER, 100, late));
    clock.advance(Duration.ofMillis(50));
    queue.add(append(batch(1, "patient"), Acks.LEADER, 100, patient));
    clock.advance(Duration.ofMillis(51));

    AppendQueue.Group group = drain(0, 0, -1);

    AppendReply reply = late.receiveMessage();
    assertThat(reply.error().code()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(reply.error().message()).contains("t-0").contains("100 ms").contains("not written");
    assertThat(group.written())
        .extracting(w -> w.append().replyTo())
        .containsExactly(patient.ref());
    assertThat(written(group, 0).baseOffset()).isZero();
  }

  @Test
  void anAcksAllDeadlineCountsFromArrivalNotFromTheWrite() {
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    queue.add(append(batch(1, "a"), Acks.ALL, 300, probe));
    queue.add(append(batch(1, "b"), Acks.ALL, 0, probe));
    clock.advance(Duration.ofMillis(200));

    AppendQueue.Group group = drain(0, 0, -1);

    assertThat(group.written())
        .extracting(AppendQueue.Written::deadlineNanos)
        .containsExactly(Duration.ofMillis(300).toNanos(), DeadlineTimer.NONE);
  }

  @Test
  void abandoningAnswersEveryQueuedAppendExceptAcksZeroOnesAnsweredOnArrival() {
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    queue.add(append(batch(1, "none"), Acks.NONE, 0, probe));
    queue.add(append(batch(1, "leader"), Acks.LEADER, 0, probe));
    ApiError moved = ApiError.of(ErrorCode.NOT_LEADER_OR_FOLLOWER, "moved");

    queue.abandon(moved);
    // A marker after the abandon: had the acks=0 append been answered, it would come first.
    probe.ref().tell(new AppendReply(-7, -7, null));

    assertThat(probe.receiveMessage().error()).isEqualTo(moved);
    assertThat(probe.receiveMessage().baseOffset()).isEqualTo(-7);
    assertThat(drain(0, 0, -1).events()).isEmpty();
  }

  @Test
  void aDuplicateOfAWrittenBatchIsAnsweredWithItsOffsetsAndNotWrittenAgain() {
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    queue.add(append(idempotent(2, 0, "a", "b"), Acks.ALL, 0, probe));
    queue.add(append(idempotent(2, 2, "c"), Acks.LEADER, 0, probe));

    AppendQueue.Group group = queue.drain(102, 5, -1, producerWrote(2), NOW, DAY);

    assertThat(group.events()).hasSize(1);
    assertThat(written(group, 0).baseOffset()).isEqualTo(102);
    assertThat(group.written())
        .extracting(
            AppendQueue.Written::baseOffset,
            AppendQueue.Written::lastOffset,
            AppendQueue.Written::logAppendTime)
        .containsExactly(tuple(100L, 101L, -1L), tuple(102L, 102L, -1L));
  }

  @Test
  void aRetryQueuedInTheSameWriteAsItsOriginalIsADuplicateOfIt() {
    TestProbe<AppendReply> probe = KIT.createTestProbe();
    queue.add(append(idempotent(0, 0, "a"), Acks.LEADER, 0, probe));
    queue.add(append(idempotent(0, 0, "a"), Acks.LEADER, 0, probe));
    queue.add(append(idempotent(0, 1, "b"), Acks.LEADER, 0, probe));

    AppendQueue.Group group = queue.drain(0, 0, -1, ProducerStates.empty(), NOW, DAY);

    assertThat(group.events()).hasSize(2);
    assertThat(group.written())
        .extracting(AppendQueue.Written::baseOffset)
        .containsExactly(0L, 0L, 1L);
  }

  @Test
  void aBatchOutOfSequenceOrOfAFencedEpochIsRefusedAndNotWritten() {
    TestProbe<AppendReply> gap = KIT.createTestProbe();
    TestProbe<AppendReply> fenced = KIT.createTestProbe();
    TestProbe<AppendReply> quiet = KIT.createTestProbe();
    queue.add(append(idempotent(2, 5, "gap"), Acks.LEADER, 0, gap));
    queue.add(append(idempotent(1, 2, "old epoch"), Acks.ALL, 0, fenced));
    queue.add(append(idempotent(2, 9, "acks 0"), Acks.NONE, 0, quiet));

    AppendQueue.Group group = queue.drain(102, 5, -1, producerWrote(2), NOW, DAY);

    assertThat(group.events()).isEmpty();
    assertThat(group.written()).isEmpty();
    ApiError outOfOrder = gap.receiveMessage().error();
    assertThat(outOfOrder.code()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertThat(outOfOrder.message()).contains("sequence 5").contains("must be 2").contains("t-0");
    assertThat(fenced.receiveMessage().error().code()).isEqualTo(ErrorCode.INVALID_PRODUCER_EPOCH);
    quiet.expectNoMessage(Duration.ofMillis(50));
  }
}
