package sluice.bench.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.SplittableRandom;
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
import sluice.storage.log.FetchSlice;
import sluice.storage.log.LogConfig;
import sluice.storage.log.PartitionLog;
import sluice.storage.record.RecordBatch;

/**
 * Fetches from a log of {@code logBytes} of {@link KafkaBatch}es (page-cache hot, one segment) at
 * offsets drawn uniformly at random (fixed seed, the same sequence for every contender): the batch
 * holding the offset is located through the sparse offset index, and whole batches up to {@code
 * maxBytes} (at least one) are copied with positional reads into a reused heap buffer — a
 * consumer's fetch minus the network. Contenders: Sluice's {@code PartitionLog.read} and Apache
 * Kafka 4.1's {@code LogSegment.read}, both with {@code segment.bytes} of 1 GiB (Kafka's default)
 * so the log is one segment. Kafka's slice may end with part of a batch (its consumer drops it);
 * Sluice's holds whole batches only. Score: fetches per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SegmentReadBenchmark {

  /** Kafka's default {@code segment.bytes}. */
  static final int SEGMENT_BYTES = 1 << 30;

  /** Fetch offsets drawn per contender, cycled. */
  static final int OFFSETS = 4096;

  /** Shared by every contender: log size, fetch size and the scratch directory. */
  @State(Scope.Benchmark)
  public static class Workload {
    /** Bytes of batches in the log. */
    @Param({"268435456"})
    public int logBytes;

    /** Fetch size: one batch (16 KiB) or a consumer's default 1 MiB partition fetch. */
    @Param({"16384", "1048576"})
    public int maxBytes;

    KafkaBatch batch;
    Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      batch = KafkaBatch.build(42L, System.currentTimeMillis());
      dir = Files.createTempDirectory("sluice-bench-read-");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      TempDirs.deleteRecursively(dir);
    }

    int batchCount() {
      return logBytes / batch.sizeInBytes();
    }

    /** Random fetch offsets below {@code logEndOffset}, the same for every contender. */
    long[] fetchOffsets(long logEndOffset) {
      SplittableRandom random = new SplittableRandom(7L);
      long[] offsets = new long[OFFSETS];
      for (int i = 0; i < OFFSETS; i++) {
        offsets[i] = random.nextLong(logEndOffset);
      }
      return offsets;
    }

    ByteBuffer fetchBuffer() {
      return ByteBuffer.allocate(maxBytes + KafkaBatch.BATCH_BYTES);
    }
  }

  /** Sluice's partition log holding the whole log. */
  @State(Scope.Thread)
  public static class SluiceState {
    PartitionLog log;
    long[] offsets;
    int next;
    ByteBuffer buffer;

    @Setup(Level.Trial)
    public void setUp(Workload workload) {
      LogConfig config =
          LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES)));
      log = PartitionLog.open(workload.dir.resolve("sluice-0"), config, Clock.systemUTC());
      RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(workload.batch.bytes()));
      for (int i = 0; i < workload.batchCount(); i++) {
        batch.setBaseOffset(log.logEndOffset());
        log.append(batch);
      }
      offsets = workload.fetchOffsets(log.logEndOffset());
      buffer = workload.fetchBuffer();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      log.close();
    }

    /** The fetch, copied into {@link #buffer} with positional reads; returns the bytes copied. */
    int read(long offset, int maxBytes) throws IOException {
      FetchSlice slice = log.read(offset, maxBytes, log.logEndOffset());
      buffer.clear();
      buffer.limit(Math.min(buffer.capacity(), slice.sizeInBytes()));
      while (buffer.hasRemaining()) {
        if (slice.channel().read(buffer, slice.position() + buffer.position()) < 0) {
          break;
        }
      }
      buffer.flip();
      return buffer.remaining();
    }
  }

  /** Kafka's {@code LogSegment} holding the whole log. */
  @State(Scope.Thread)
  public static class KafkaState {
    KafkaSegmentLog log;
    long[] offsets;
    int next;
    ByteBuffer buffer;

    @Setup(Level.Trial)
    public void setUp(Workload workload) throws IOException {
      log = new KafkaSegmentLog(workload.dir.resolve("kafka-0").toFile(), SEGMENT_BYTES, 1);
      MemoryRecords records =
          MemoryRecords.readableRecords(ByteBuffer.wrap(workload.batch.bytes()));
      for (int i = 0; i < workload.batchCount(); i++) {
        log.append(records);
      }
      offsets = workload.fetchOffsets(log.logEndOffset());
      buffer = workload.fetchBuffer();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      log.close();
    }
  }

  @Benchmark
  public int sluicePartitionLog(SluiceState state, Workload workload) throws IOException {
    long offset = state.offsets[state.next++ & (OFFSETS - 1)];
    return state.read(offset, workload.maxBytes);
  }

  @Benchmark
  public int kafkaLogSegment(KafkaState state, Workload workload) throws IOException {
    long offset = state.offsets[state.next++ & (OFFSETS - 1)];
    return state.log.read(offset, workload.maxBytes, state.buffer);
  }
}
