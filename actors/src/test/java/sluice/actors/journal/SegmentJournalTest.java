package sluice.actors.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.testing.TestClusters.batch;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.japi.Util;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentRepr;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.journal.BatchEvent.BatchAppended;
import sluice.actors.journal.BatchEvent.BatchReplayed;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

/** The journal plugin driven through akka-persistence's journal protocol, as a persistent actor. */
class SegmentJournalTest {
  private static final String PID = "events-0";

  @TempDir Path dataDir;
  private ActorTestKit kit;
  private akka.actor.ActorRef journal;
  private TestProbe<Object> probe;
  private long nextOffset;

  @BeforeEach
  void start() {
    startSystem();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private void startSystem() {
    kit =
        ActorTestKit.create(
            "journal", TestClusters.config(dataDir, 1, TestClusters.Metadata.IN_MEMORY, ""));
    Logs.get(kit.system()).open(PID, "topic-id-1", LogConfig.defaults());
    journal =
        Persistence.get(Adapter.toClassic(kit.system()))
            .journalFor("sluice.journal", ConfigFactory.empty());
    probe = kit.createTestProbe();
  }

  private PartitionLog log() {
    return Logs.get(kit.system()).get(PID);
  }

  /** A batch of {@code records} records at the next offsets, as a leader would persist it. */
  private PersistentRepr event(long sequenceNr, int records) {
    String[] values = new String[records];
    for (int i = 0; i < records; i++) {
      values[i] = "r" + (nextOffset + i);
    }
    byte[] bytes = batch(7, values);
    RecordBatch.wrap(ByteBuffer.wrap(bytes)).setBaseOffset(nextOffset);
    nextOffset += records;
    return repr(new BatchAppended(bytes), sequenceNr);
  }

  private static PersistentRepr repr(Object payload, long sequenceNr) {
    return PersistentRepr.apply(payload, sequenceNr, PID, "", false, null, "writer-1");
  }

  private void write(List<PersistentRepr> events) {
    AtomicWrite write = new AtomicWrite(Util.immutableSeq(events));
    journal.tell(
        new JournalProtocol.WriteMessages(
            Util.immutableSeq(List.of(write)), Adapter.toClassic(probe.ref()), 1),
        akka.actor.ActorRef.noSender());
  }

  private List<Object> replay(long from, long to, long max) {
    journal.tell(
        new JournalProtocol.ReplayMessages(from, to, max, PID, Adapter.toClassic(probe.ref())),
        akka.actor.ActorRef.noSender());
    List<Object> received = new ArrayList<>();
    Object message;
    do {
      message = probe.receiveMessage(Duration.ofSeconds(10));
      received.add(message);
    } while (message instanceof JournalProtocol.ReplayedMessage);
    return received;
  }

  private static List<BatchReplayed> replayedEvents(List<Object> messages) {
    List<BatchReplayed> events = new ArrayList<>();
    for (Object message : messages) {
      if (message instanceof JournalProtocol.ReplayedMessage replayed) {
        events.add((BatchReplayed) replayed.persistent().payload());
      }
    }
    return events;
  }

  @Test
  void writtenBatchesAreReplayedAsHeadersOnly() {
    write(List.of(event(1, 2), event(2, 3)));
    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);
    probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);
    write(List.of(event(3, 1)));
    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    probe.expectMessageClass(JournalProtocol.WriteMessageSuccess.class);

    List<Object> messages = replay(1, Long.MAX_VALUE, Long.MAX_VALUE);

    assertThat(replayedEvents(messages))
        .extracting(e -> e.header().baseOffset() + "-" + e.header().lastOffset())
        .containsExactly("0-1", "2-4", "5-5");
    assertThat(messages)
        .filteredOn(JournalProtocol.ReplayedMessage.class::isInstance)
        .extracting(m -> ((JournalProtocol.ReplayedMessage) m).persistent().sequenceNr())
        .containsExactly(1L, 2L, 3L);
    assertThat(messages.get(messages.size() - 1)).isEqualTo(new JournalProtocol.RecoverySuccess(3));
    assertThat(log().lastSequence()).isEqualTo(3);
    assertThat(log().logEndOffset()).isEqualTo(6);
    assertThat(Logs.get(kit.system()).journalStats(PID)).isEqualTo(new Logs.JournalStats(2, 3, 3));
  }

  @Test
  void aReplayedHeaderIsTheHeaderOfTheBatchAsAppended() {
    PersistentRepr first = event(1, 2);
    PersistentRepr second = event(2, 3);
    write(List.of(first, second));
    probe.receiveSeveralMessages(3, Duration.ofSeconds(10));

    assertThat(replayedEvents(replay(1, Long.MAX_VALUE, Long.MAX_VALUE)))
        .extracting(BatchReplayed::header)
        .containsExactly(
            ((BatchAppended) first.payload()).header(),
            ((BatchAppended) second.payload()).header());
  }

  @Test
  void replayHonoursFromToAndMax() {
    write(List.of(event(1, 1), event(2, 1), event(3, 1), event(4, 1)));
    probe.receiveSeveralMessages(5, Duration.ofSeconds(10));

    assertThat(replayedEvents(replay(2, 3, 100)))
        .extracting(e -> e.header().baseOffset())
        .containsExactly(1L, 2L);
    assertThat(replayedEvents(replay(2, 4, 1)))
        .extracting(e -> e.header().baseOffset())
        .containsExactly(1L);
    assertThat(replay(5, Long.MAX_VALUE, 100))
        .containsExactly(new JournalProtocol.RecoverySuccess(4));
  }

  @Test
  void theHighestSequenceNumberSurvivesARestart() {
    write(List.of(event(1, 2), event(2, 2), event(3, 2)));
    probe.receiveSeveralMessages(4, Duration.ofSeconds(10));
    kit.shutdownTestKit();

    startSystem();

    List<Object> messages = replay(1, Long.MAX_VALUE, Long.MAX_VALUE);
    assertThat(replayedEvents(messages)).hasSize(3);
    assertThat(messages.get(3)).isEqualTo(new JournalProtocol.RecoverySuccess(3));
    assertThat(replay(4, Long.MAX_VALUE, 10))
        .containsExactly(new JournalProtocol.RecoverySuccess(3));
  }

  @Test
  void aSequenceNumberThatDoesNotFollowTheLogFailsTheWriteAndWritesNothing() {
    write(List.of(event(1, 1)));
    probe.receiveSeveralMessages(2, Duration.ofSeconds(10));

    write(List.of(event(5, 1)));

    JournalProtocol.WriteMessagesFailed failed =
        probe.expectMessageClass(JournalProtocol.WriteMessagesFailed.class);
    assertThat(failed.cause()).hasMessageContaining("Sequence number 5");
    probe.expectMessageClass(JournalProtocol.WriteMessageFailure.class);
    assertThat(log().lastSequence()).isEqualTo(1);
    assertThat(log().logEndOffset()).isEqualTo(1);
  }

  @Test
  void aWriteThatFailsHalfWayLeavesNoneOfItsBatchesInTheLog() {
    write(List.of(event(1, 1)));
    probe.receiveSeveralMessages(2, Duration.ofSeconds(10));
    PersistentRepr good = event(2, 2);
    nextOffset += 10;
    PersistentRepr misplaced = event(3, 1);

    write(List.of(good, misplaced));

    JournalProtocol.WriteMessagesFailed failed =
        probe.expectMessageClass(JournalProtocol.WriteMessagesFailed.class);
    assertThat(failed.cause()).hasMessageContaining("not the log end offset");
    probe.expectMessageClass(JournalProtocol.WriteMessageFailure.class);
    probe.expectMessageClass(JournalProtocol.WriteMessageFailure.class);
    assertThat(log().lastSequence()).isEqualTo(1);
    assertThat(log().logEndOffset()).isEqualTo(1);
    assertThat(replayedEvents(replay(1, Long.MAX_VALUE, 100))).hasSize(1);
  }

  @Test
  void aPayloadThatIsNotABatchIsRejectedAndNothingIsWritten() {
    write(List.of(repr("not a batch", 1)));

    probe.expectMessageClass(JournalProtocol.WriteMessagesSuccessful$.class);
    JournalProtocol.WriteMessageRejected rejected =
        probe.expectMessageClass(JournalProtocol.WriteMessageRejected.class);
    assertThat(rejected.cause()).hasMessageContaining("java.lang.String");
    assertThat(log().lastSequence()).isZero();
  }

  @Test
  void deletingMessagesIsLeftToRetention() {
    write(List.of(event(1, 1)));
    probe.receiveSeveralMessages(2, Duration.ofSeconds(10));

    journal.tell(
        new JournalProtocol.DeleteMessagesTo(PID, 1, Adapter.toClassic(probe.ref())),
        akka.actor.ActorRef.noSender());

    Object reply = probe.receiveMessage(Duration.ofSeconds(10));
    assertThat(reply).isInstanceOf(akka.persistence.DeleteMessagesFailure.class);
    assertThat(((akka.persistence.DeleteMessagesFailure) reply).cause())
        .hasMessageContaining("retention");
    assertThat(log().lastSequence()).isEqualTo(1);
  }
}
