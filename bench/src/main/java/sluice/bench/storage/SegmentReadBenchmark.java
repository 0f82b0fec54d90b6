package sluice.bench.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Fetches from a log of {@code logBytes} of {@link KafkaBatch}es (page-cache hot, one segment) at
 * offsets drawn uniformly at random (fixed seed, the same sequence for every contender): the batch
 * holding the offset is located through the sparse offset index, and whole batches up to {@code
 * maxBytes} (at least one) are copied with positional reads into a reused heap buffer — a
 * consumer's fetch minus the network. Contender: Apache Kafka 4.1's {@code LogSegment.read}. Score:
 * fetches per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SegmentReadBenchmark {

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

  /** Kafka's {@code LogSegment} holding the whole log. */
  @State(Scope.Thread)
  public static class KafkaState {
    KafkaSegmentLog log;
    long[] offsets;
    int next;
    ByteBuffer buffer;

    @Setup(Level.Trial)
    public void setUp(Workload workload) throws IOException {
      log = new KafkaSegmentLog(workload.dir.resolve("kafka-0").toFile(), Integer.MAX_VALUE, 1);
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
  public int kafkaLogSegment(KafkaState state, Workload workload) throws IOException {
    long offset = state.offsets[state.next++ & (OFFSETS - 1)];
    return state.log.read(offset, workload.maxBytes, state.buffer);
  }
}
