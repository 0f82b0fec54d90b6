package sluice.actors.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static sluice.actors.testing.TestClusters.batch;

import akka.actor.BootstrapSetup;
import akka.actor.setup.ActorSystemSetup;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sluice.actors.testing.ManualClock;
import sluice.actors.testing.TestClusters;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

class LogsTest {
  @TempDir Path dataDir;
  private ActorTestKit kit;
  private Logs logs;

  @BeforeEach
  void start() {
    kit =
        ActorTestKit.create(
            "logs",
            TestClusters.config(
                dataDir,
                1,
                TestClusters.Metadata.IN_MEMORY,
                "sluice.log.retention-check-interval = 50ms\n"
                    + "sluice.log.compaction-interval = 50ms"));
    logs = Logs.get(kit.system());
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** Appends one record, always with key {@code k0}, so compaction keeps only the latest. */
  private static void appendOne(PartitionLog log) {
    byte[] bytes = batch(1, "v");
    RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(bytes));
    batch.setBaseOffset(log.logEndOffset());
    log.append(batch);
  }

  @Test
  void aLogIsOpenedOnceAndFoundByItsPartitionName() throws Exception {
    PartitionLog log = logs.open("t-0", "id-1", LogConfig.defaults());

    assertThat(logs.open("t-0", "id-1", LogConfig.defaults())).isSameAs(log);
    assertThat(logs.get("t-0")).isSameAs(log);
    assertThat(logs.find("t-1")).isEmpty();
    assertThat(Files.readString(dataDir.resolve("t-0").resolve("partition.metadata")))
        .isEqualTo("version: 0\ntopic_id: id-1\n");
    assertThatThrownBy(() -> logs.get("t-1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("t-1");
  }

  @Test
  void theDirectoryOfAnEarlierTopicWithTheSameNameIsDeletedNotServed() {
    appendOne(logs.open("t-0", "old-id", LogConfig.defaults()));
    logs.closeAll();
    kit.shutdownTestKit();
    start();

    PartitionLog log = logs.open("t-0", "new-id", LogConfig.defaults());

    assertThat(log.logEndOffset()).isZero();
    assertThat(log.lastSequence()).isZero();
  }

  @Test
  void snapshotsInADirectoryWithoutPartitionMetadataAreDeleted() throws Exception {
    Path stale = dataDir.resolve("t-0").resolve("snapshots");
    Files.createDirectories(stale);
    Files.write(
        stale.resolve("snapshot-00000000000000000009-00000000000000000001.snap"), new byte[8]);

    logs.open("t-0", "id-1", LogConfig.defaults());

    assertThat(stale).doesNotExist();
  }

  @Test
  void aLogKeepsItsBatchesAcrossARestartWithTheSameTopicId() {
    appendOne(logs.open("t-0", "id-1", LogConfig.defaults()));
    kit.shutdownTestKit();
    start();

    assertThat(logs.open("t-0", "id-1", LogConfig.defaults()).logEndOffset()).isEqualTo(1);
  }

  @Test
  void aCheckpointFailingInTheBackgroundTakesTheDataDirectoryOffline() throws Exception {
    PartitionLog log = logs.open("t-0", "id-1", LogConfig.from(Map.of("segment.bytes", "200")));
    // A directory where the checkpoint's temporary file goes: its write fails, as on a full disk.
    Path blocker = Files.createDirectories(dataDir.resolve("t-0/partition.checkpoint.tmp"));
    Files.writeString(blocker.resolve("x"), "x");
    for (int i = 0; i < 5; i++) {
      appendOne(log);
    }

    kit.createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(logs.health().state())
                  .isInstanceOfSatisfying(
                      DataDirHealth.Offline.class,
                      offline -> assertThat(offline.cause()).contains("t-0", "checkpoint"));
              return null;
            });
    Files.delete(blocker.resolve("x"));
    Files.delete(blocker);
    assertThat(logs.health().probe()).isTrue();
  }

  @Test
  void retentionRunsInTheBackground() {
    PartitionLog log =
        logs.open(
            "t-0",
            "id-1",
            LogConfig.from(Map.of("segment.bytes", "200", "retention.bytes", "400")));
    for (int i = 0; i < 20; i++) {
      appendOne(log);
    }

    kit.createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(log.logStartOffset()).isGreaterThan(0);
              assertThat(log.sizeInBytes()).isLessThanOrEqualTo(600);
              return null;
            });
  }

  @Test
  void compactionRunsInTheBackgroundOnCompactedTopics() {
    PartitionLog log =
        logs.open(
            "t-0",
            "id-1",
            LogConfig.from(
                Map.of(
                    "cleanup.policy",
                    "compact",
                    "segment.bytes",
                    "200",
                    "min.compaction.lag.ms",
                    "0")));
    for (int i = 0; i < 20; i++) {
      appendOne(log);
    }
    long written = log.sizeInBytes();

    kit.createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(log.sizeInBytes()).isLessThan(written);
              return null;
            });
    assertThat(log.logEndOffset()).isEqualTo(20);
  }

  @Test
  void theLogsReadTheClockOfTheSystemsSetup() {
    kit.shutdownTestKit();
    var clock = new ManualClock(0);
    Config config =
        TestClusters.config(
            dataDir,
            1,
            TestClusters.Metadata.IN_MEMORY,
            "sluice.log.retention-check-interval = 50ms");
    kit =
        ActorTestKit.create(
            ActorSystem.create(
                Behaviors.empty(),
                "logs-with-clock",
                ActorSystemSetup.create(BootstrapSetup.create(config), LogsSetup.create(clock))));
    logs = Logs.get(kit.system());
    PartitionLog log =
        logs.open(
            "t-0",
            "id-1",
            LogConfig.from(Map.of("segment.bytes", "200", "retention.ms", "3600000")));
    for (int i = 0; i < 20; i++) {
      appendOne(log); // timestamp 1: an hour old at 01:00:00.001 on the manual clock
    }
    assertThat(log.deleteRetainedSegments()).as("no batch is an hour old yet").isZero();

    clock.advance(Duration.ofHours(2));

    kit.createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(log.logStartOffset()).isGreaterThan(0);
              return null;
            });
  }

  @Test
  void namesThatAreNotTopicPartitionsAreRefused() {
    for (String bad : new String[] {"../x-0", "t", "t-x", "..-0", "a/b-0", ""}) {
      assertThatThrownBy(() -> logs.open(bad, "id", LogConfig.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void deleteRemovesTheDirectoryWhetherOrNotTheLogIsOpen() throws Exception {
    appendOne(logs.open("t-0", "id-1", LogConfig.defaults()));
    Files.createDirectories(dataDir.resolve("t-1").resolve("snapshots"));

    logs.delete("t-0");
    logs.delete("t-1");

    assertThat(dataDir.resolve("t-0")).doesNotExist();
    assertThat(dataDir.resolve("t-1")).doesNotExist();
    assertThat(logs.find("t-0")).isEmpty();
  }

  @Test
  void afterCloseAllNoLogOpens() {
    logs.open("t-0", "id-1", LogConfig.defaults());
    logs.closeAll();

    assertThat(logs.find("t-0")).isEmpty();
    assertThatThrownBy(() -> logs.open("t-0", "id-1", LogConfig.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
