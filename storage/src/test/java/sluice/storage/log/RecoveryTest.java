package sluice.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static sluice.storage.log.TestBatches.batch;
import static sluice.storage.log.TestBatches.readAll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sluice.storage.record.CorruptRecordException;
import sluice.storage.record.RecordBatch;

/** Corruption after a crash: flipped bytes, lost or garbage indexes and checkpoints. */
class RecoveryTest {
  @TempDir Path root;
  final MutableClock clock = new MutableClock(1_000_000);
  final List<PartitionLog> opened = new ArrayList<>();
  final int batchSize = batch(0, 100, 2).sizeInBytes();
  final LogConfig config =
      LogConfig.from(
          Map.of("segment.bytes", Integer.toString(4 * batchSize), "index.interval.bytes", "1"));

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  Path dir() {
    return root.resolve("t-0");
  }

  PartitionLog open() {
    PartitionLog log = PartitionLog.open(dir(), config, clock);
    opened.add(log);
    return log;
  }

  /** 10 batches of 2 records: segments at 0 (4 batches), 8 (4 batches) and 16 (2, active). */
  List<RecordBatch> fill(PartitionLog log) {
    List<RecordBatch> appended = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RecordBatch b = batch(log.logEndOffset(), 100 + 10 * i, 2);
      log.append(b);
      appended.add(b);
    }
    return appended;
  }

  static void flipByte(Path file, long position) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
      channel.write(one, position);
    }
  }

  @ParameterizedTest(name = "byte {0} of the batch")
  @ValueSource(ints = {7, 8, 11, 16, 17, 21, 30, 60, 61, 70})
  void aFlippedByteAfterTheCheckpointTruncatesTheLogBeforeItsBatch(int byteInBatch)
      throws IOException {
    PartitionLog log = open();
    List<RecordBatch> appended = fill(log);
    log.abandon();
    // the active segment (base offset 16) holds the last two batches: flip a byte in the second
    Path active = LogSegment.file(dir(), 16, ".log");
    flipByte(active, batchSize + byteInBatch);

    PartitionLog reopened = open();

    assertThat(readAll(reopened))
        .extracting(RecordBatch::baseOffset)
        .containsExactlyElementsOf(
            appended.subList(0, 9).stream().map(RecordBatch::baseOffset).toList());
    assertThat(reopened.logEndOffset()).isEqualTo(18);
    assertThat(reopened.lastSequence()).isEqualTo(9);
    assertThat(reopened.recoveryReport().bytesTruncated()).isEqualTo(batchSize);
    assertThat(reopened.recoveryReport().problems())
        .anySatisfy(
            p -> assertThat(p).contains(active.toString()).contains("position " + batchSize));
  }

  @Test
  void aCorruptBatchInTheMiddleLosesEverythingAfterItAndLaterSegmentsGo() throws IOException {
    PartitionLog log = open();
    fill(log);
    log.abandon();
    // a checkpoint from before any roll: every segment is after the recovery point
    new PartitionCheckpoint(0, 0, Map.of(0L, 1L)).write(dir());
    flipByte(LogSegment.file(dir(), 8, ".log"), 2L * batchSize + 40);

    PartitionLog reopened = open();

    assertThat(reopened.logEndOffset()).isEqualTo(12);
    assertThat(reopened.lastSequence()).isEqualTo(6);
    assertThat(reopened.segmentCount()).isEqualTo(2);
    assertThat(Files.exists(LogSegment.file(dir(), 16, ".log"))).isFalse();
    assertThat(readAll(reopened)).hasSize(6);
    assertThat(reopened.append(batch(12, 1, 1))).isEqualTo(7);
  }

  @Test
  void recoveryChecksOnlyTheBatchesAfterTheRecoveryPoint() {
    PartitionLog log = open();
    fill(log);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(log.recoveryPoint()).isEqualTo(16));
    log.abandon();

    PartitionLog reopened = open();

    assertThat(reopened.recoveryReport().batchesChecked()).isEqualTo(2);
    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(reopened.lastSequence()).isEqualTo(10);
  }

  @Test
  void deletedIndexFilesAreRebuilt() throws IOException {
    PartitionLog log = open();
    fill(log);
    log.close();
    for (long base : new long[] {0, 8, 16}) {
      Files.delete(LogSegment.file(dir(), base, ".index"));
    }
    Files.delete(LogSegment.file(dir(), 8, ".timeindex"));

    PartitionLog reopened = open();

    assertThat(reopened.recoveryReport().indexesRebuilt()).isEqualTo(3);
    assertFullyReadable(reopened);
    assertThat(reopened.offsetForTimestamp(131)).hasValue(7);
  }

  @Test
  void garbageIndexFilesAreRebuilt() throws IOException {
    PartitionLog log = open();
    fill(log);
    log.close();
    byte[] garbage = new byte[240];
    new Random(42).nextBytes(garbage);
    Files.write(LogSegment.file(dir(), 0, ".index"), garbage);
    Files.write(LogSegment.file(dir(), 8, ".timeindex"), garbage);
    Files.write(LogSegment.file(dir(), 16, ".index"), new byte[] {1, 2, 3});

    PartitionLog reopened = open();

    assertThat(reopened.recoveryReport().indexesRebuilt()).isEqualTo(3);
    assertThat(reopened.recoveryReport().problems())
        .anySatisfy(p -> assertThat(p).contains("00000000000000000000.index"));
    assertFullyReadable(reopened);
    assertThat(reopened.offsetForTimestamp(131)).hasValue(7);
    reopened.close();
    assertThat(open().recoveryReport().clean()).isTrue();
  }

  @Test
  void aStaleIndexPointingIntoTheMiddleOfABatchIsRebuilt() throws IOException {
    PartitionLog log = open();
    fill(log);
    log.close();
    byte[] stale = ByteBuffer.allocate(8).putInt(3).putInt(batchSize + 10).array();
    Files.write(LogSegment.file(dir(), 0, ".index"), stale);

    PartitionLog reopened = open();

    assertThat(reopened.recoveryReport().indexesRebuilt()).isEqualTo(1);
    assertFullyReadable(reopened);
  }

  @Test
  void aCorruptHeaderBelowTheRecoveryPointIsReportedAndNeverServed() throws IOException {
    PartitionLog log = open();
    fill(log);
    log.close();
    Files.delete(LogSegment.file(dir(), 0, ".index"));
    Path segment = LogSegment.file(dir(), 0, ".log");
    flipByte(segment, 2L * batchSize + 16); // magic byte of the third batch

    PartitionLog reopened = open();

    assertThat(reopened.recoveryReport().problems())
        .anySatisfy(
            p -> assertThat(p).contains(segment.toString()).contains("position " + 2 * batchSize));
    assertThat(TestBatches.batchesOf(reopened.read(0, 100_000, Long.MAX_VALUE).readFully()))
        .hasSize(2);
    assertThatThrownBy(() -> reopened.read(4, 100_000, Long.MAX_VALUE))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining(segment.toString())
        .hasMessageContaining("position " + 2 * batchSize);
    assertThat(reopened.read(8, 100_000, Long.MAX_VALUE).sizeInBytes()).isPositive();
  }

  @Test
  void aMissingCheckpointRecoversEverySegmentAndNumbersFromOne() throws IOException {
    PartitionLog log = open();
    fill(log);
    log.close();
    Files.delete(PartitionCheckpoint.file(dir()));

    PartitionLog reopened = open();

    assertThat(reopened.recoveryReport().batchesChecked()).isEqualTo(10);
    assertThat(reopened.lastSequence()).isEqualTo(10);
    assertFullyReadable(reopened);
  }

  @Test
  void aGarbageCheckpointIsReportedAndEverySegmentRecovered() throws IOException {
    PartitionLog log = open();
    fill(log);
    log.close();
    Files.writeString(PartitionCheckpoint.file(dir()), "garbage\n");

    PartitionLog reopened = open();

    assertThat(reopened.recoveryReport().problems())
        .anySatisfy(p -> assertThat(p).contains("Malformed checkpoint"));
    assertThat(reopened.lastSequence()).isEqualTo(10);
  }

  @Test
  void aSegmentCreatedAfterTheLastCheckpointContinuesTheSequences() {
    PartitionLog log = open();
    fill(log);
    log.abandon();
    // the checkpoint written at the first roll only: segments 8 and 16 unknown to it
    new PartitionCheckpoint(8, 4, Map.of(0L, 1L, 8L, 5L)).write(dir());

    PartitionLog reopened = open();

    assertThat(reopened.lastSequence()).isEqualTo(10);
    assertThat(TestBatches.listed(reopened, 9))
        .extracting(TestBatches.Listed::baseOffset)
        .containsExactly(16L, 18L);
  }

  @Test
  void leftoversOfInterruptedWorkAreDeleted() throws IOException {
    PartitionLog log = open();
    fill(log);
    log.close();
    Files.writeString(dir().resolve("00000000000000000008.log.cleaned"), "half");
    Files.writeString(dir().resolve("00000000000000000004.log.deleted"), "old");
    Files.writeString(dir().resolve("00000000000000000099.index"), "orphan");

    open();

    assertThat(dir().resolve("00000000000000000008.log.cleaned")).doesNotExist();
    assertThat(dir().resolve("00000000000000000004.log.deleted")).doesNotExist();
    assertThat(dir().resolve("00000000000000000099.index")).doesNotExist();
  }

  private void assertFullyReadable(PartitionLog log) {
    assertThat(readAll(log)).hasSize(10);
    for (long offset = 0; offset < 20; offset++) {
      RecordBatch first =
          TestBatches.batchesOf(log.read(offset, 1, Long.MAX_VALUE).readFully()).get(0);
      assertThat(first.baseOffset()).isEqualTo(offset - offset % 2);
    }
  }
}
