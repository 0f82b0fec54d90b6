package sluice.bench.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.MemoryRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

/**
 * Appends one {@link KafkaBatch} (100-byte records in a 16 KiB Kafka v2 batch) per operation,
 * single writer, into: Sluice's {@link PartitionLog} (the caller sets the base offset, as the
 * partition leader does), Apache Kafka 4.1's {@code LogSegment}s ({@link KafkaSegmentLog}), and raw
 * {@code FileChannel.write} of the same bytes ({@link RawSegmentFiles}, the disk limit as the page
 * cache presents it). All roll at {@code segmentBytes} with each log's own roll behaviour (Sluice's
 * {@code PartitionLog} and Kafka's {@code UnifiedLog} both fsync the closed segment on a background
 * thread; raw does nothing) and keep about {@value #RETAINED_SEGMENTS} segments so a long run does
 * not fill the disk (Sluice through {@code retention.bytes} and {@code deleteRetainedSegments()},
 * called once per segment's worth of appends as its background thread would). Score: batches per
 * second; multiply by the batch size (printed by {@link StorageBenchRunner}) for bytes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SegmentAppendBenchmark {

  /** Segments kept on disk per contender; older ones are deleted as new ones roll. */
  public static final int RETAINED_SEGMENTS = 2;

  /** What every contender shares: the segment size and the batch bytes. */
  @State(Scope.Benchmark)
  public static class Workload {
    /** {@code segment.bytes}; Kafka's default is 1 GiB, smaller here to bound disk use. */
    @Param({"268435456"})
    public int segmentBytes;

    KafkaBatch batch;
    Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      batch = KafkaBatch.build(42L, System.currentTimeMillis());
      dir = Files.createTempDirectory("sluice-bench-append-");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      TempDirs.deleteRecursively(dir);
    }
  }

  /** Sluice's partition log with Kafka's defaults but for segment size and retention. */
  @State(Scope.Thread)
  public static class SluiceState {
    PartitionLog log;
    RecordBatch batch;
    long appendsPerSegment;
    long appends;

    @Setup(Level.Trial)
    public void setUp(Workload workload) {
      LogConfig config =
          LogConfig.from(
              Map.of(
                  LogConfig.SEGMENT_BYTES,
                  Integer.toString(workload.segmentBytes),
                  LogConfig.RETENTION_BYTES,
                  Long.toString((long) workload.segmentBytes * RETAINED_SEGMENTS),
                  LogConfig.FILE_DELETE_DELAY_MS,
                  "0"));
      log = PartitionLog.open(workload.dir.resolve("sluice-0"), config, Clock.systemUTC());
      batch = RecordBatch.wrap(ByteBuffer.wrap(workload.batch.bytes()));
      appendsPerSegment = Math.max(1, workload.segmentBytes / workload.batch.sizeInBytes());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      log.close();
    }
  }

  /** Kafka's {@code LogSegment}s, rolled as {@code UnifiedLog} rolls them. */
  @State(Scope.Thread)
  public static class KafkaState {
    KafkaSegmentLog log;
    MemoryRecords records;

    @Setup(Level.Trial)
    public void setUp(Workload workload) throws IOException {
      log =
          new KafkaSegmentLog(
              workload.dir.resolve("kafka-0").toFile(), workload.segmentBytes, RETAINED_SEGMENTS);
      records = MemoryRecords.readableRecords(ByteBuffer.wrap(workload.batch.bytes()));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      log.close();
    }
  }

  /** Sequential {@code FileChannel.write} of the same bytes. */
  @State(Scope.Thread)
  public static class RawState {
    RawSegmentFiles files;
    ByteBuffer bytes;

    @Setup(Level.Trial)
    public void setUp(Workload workload) throws IOException {
      files =
          new RawSegmentFiles(
              workload.dir.resolve("raw"), workload.segmentBytes, RETAINED_SEGMENTS);
      bytes = ByteBuffer.wrap(workload.batch.bytes());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      files.close();
    }
  }

  @Benchmark
  public long sluicePartitionLog(SluiceState state) {
    state.batch.setBaseOffset(state.log.logEndOffset());
    long sequence = state.log.append(state.batch);
    if (++state.appends % state.appendsPerSegment == 0) {
      state.log.deleteRetainedSegments();
    }
    return sequence;
  }

  @Benchmark
  public long kafkaLogSegment(KafkaState state) throws IOException {
    return state.log.append(state.records);
  }

  @Benchmark
  public int rawFileChannel(RawState state) throws IOException {
    state.bytes.clear();
    state.files.write(state.bytes);
    return state.bytes.position();
  }
}
