package sluice.actors.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static sluice.actors.testing.TestClusters.batch;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.Persistence;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.partition.LeaderState;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

/** The snapshot store driven through akka-persistence's snapshot protocol. */
class SegmentSnapshotStoreTest {
  private static final String PID = "snaps-0";

  @TempDir Path dataDir;
  private ActorTestKit kit;
  private akka.actor.ActorRef store;
  private TestProbe<Object> probe;
  private PartitionLog log;

  @BeforeEach
  void start() {
    kit =
        ActorTestKit.create(
            "snapshots", TestClusters.config(dataDir, 1, TestClusters.Metadata.IN_MEMORY, ""));
    log = Logs.get(kit.system()).open(PID, "topic-id-1", LogConfig.defaults());
    for (int i = 0; i < 5; i++) {
      byte[] bytes = batch(1, "v" + i);
      RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
      batch.setBaseOffset(i);
      log.append(batch);
    }
    store =
        Persistence.get(Adapter.toClassic(kit.system()))
            .snapshotStoreFor("sluice.snapshot-store", ConfigFactory.empty());
    probe = kit.createTestProbe();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private static LeaderState state(long logEndOffset) {
    var producerBatch =
        new sluice.storage.log.BatchHeader(
            logEndOffset - 1, logEndOffset - 1, 2, 99, 7, (short) 1, 4, 1, 120);
    return LeaderState.startingAt(logEndOffset - 1).applied(producerBatch, 1_000, 86_400_000);
  }

  /** Saves a snapshot; the store stamps it with the current time whatever {@code timestamp}. */
  private void save(long sequenceNr, long timestamp, LeaderState state) {
    store.tell(
        new SnapshotProtocol.SaveSnapshot(
            SnapshotMetadata.apply(PID, sequenceNr, timestamp), state),
        Adapter.toClassic(probe.ref()));
    probe.expectMessageClass(akka.persistence.SaveSnapshotSuccess.class, Duration.ofSeconds(10));
  }

  private SnapshotProtocol.LoadSnapshotResult load(SnapshotSelectionCriteria criteria) {
    store.tell(
        new SnapshotProtocol.LoadSnapshot(PID, criteria, Long.MAX_VALUE),
        Adapter.toClassic(probe.ref()));
    return probe.expectMessageClass(
        SnapshotProtocol.LoadSnapshotResult.class, Duration.ofSeconds(10));
  }

  private Stream<Path> files() throws IOException {
    return Files.list(dataDir.resolve(PID).resolve("snapshots"));
  }

  @Test
  void theLatestSnapshotIsLoadedBack() {
    save(2, 100, state(2));
    save(4, 200, state(4));

    SnapshotProtocol.LoadSnapshotResult result = load(SnapshotSelectionCriteria.latest());

    assertThat(result.snapshot().get().metadata().sequenceNr()).isEqualTo(4);
    assertThat(result.snapshot().get().snapshot()).isEqualTo(state(4));
    assertThat(
            load(SnapshotSelectionCriteria.create(3, Long.MAX_VALUE)).snapshot().get().snapshot())
        .isEqualTo(state(2));
  }

  @Test
  void aCorruptSnapshotIsSkippedForTheNextOlderOne() throws IOException {
    save(2, 100, state(2));
    save(4, 200, state(4));
    Path newest;
    try (Stream<Path> files = files()) {
      newest = files.filter(p -> p.toString().contains("-00000000000000000004-")).findFirst().get();
    }
    byte[] bytes = Files.readAllBytes(newest);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(newest, bytes);

    assertThat(load(SnapshotSelectionCriteria.latest()).snapshot().get().snapshot())
        .isEqualTo(state(2));
  }

  @Test
  void aSnapshotBeyondTheLogsLastBatchIsIgnoredAndDeleted() throws IOException {
    save(3, 100, state(3));
    save(9, 200, state(9));

    SnapshotProtocol.LoadSnapshotResult result = load(SnapshotSelectionCriteria.latest());

    assertThat(result.snapshot().get().metadata().sequenceNr()).isEqualTo(3);
    try (Stream<Path> files = files()) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .singleElement()
          .asString()
          .startsWith("snapshot-00000000000000000003-");
    }
  }

  @Test
  void aSnapshotWhoseLogEndIsNotWhereItsBatchEndsIsIgnoredAndDeleted() throws IOException {
    save(2, 100, state(2));
    // Batch 4 ends before offset 4: a snapshot numbered 4 that says 40 is of another numbering.
    save(4, 200, state(40));

    SnapshotProtocol.LoadSnapshotResult result = load(SnapshotSelectionCriteria.latest());

    assertThat(result.snapshot().get().snapshot()).isEqualTo(state(2));
    try (Stream<Path> files = files()) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .singleElement()
          .asString()
          .startsWith("snapshot-00000000000000000002-");
    }
  }

  @Test
  void snapshotsMatchingACriteriaAreDeleted() throws IOException {
    save(1, 100, state(1));
    save(2, 200, state(2));
    save(3, 300, state(3));

    store.tell(
        new SnapshotProtocol.DeleteSnapshots(
            PID, SnapshotSelectionCriteria.create(2, Long.MAX_VALUE)),
        Adapter.toClassic(probe.ref()));
    probe.expectMessageClass(akka.persistence.DeleteSnapshotsSuccess.class, Duration.ofSeconds(10));

    try (Stream<Path> files = files()) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .singleElement()
          .asString()
          .startsWith("snapshot-00000000000000000003-");
    }
  }

  @Test
  void aSnapshotOfADeletedPartitionIsNotSavedAndDoesNotRecreateItsDirectory() {
    Logs.get(kit.system()).delete(PID);

    store.tell(
        new SnapshotProtocol.SaveSnapshot(SnapshotMetadata.apply(PID, 3, 100), state(3)),
        Adapter.toClassic(probe.ref()));

    akka.persistence.SaveSnapshotFailure failure =
        probe.expectMessageClass(
            akka.persistence.SaveSnapshotFailure.class, Duration.ofSeconds(10));
    assertThat(failure.cause()).hasMessageContaining("not open");
    assertThat(dataDir.resolve(PID)).doesNotExist();
  }
}
