package sluice.bench.leader;

import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import sluice.actors.api.Acks;
import sluice.actors.journal.Logs;
import sluice.actors.partition.PartitionLeader;
import sluice.bench.storage.KafkaBatch;
import sluice.bench.storage.SegmentAppendBenchmark;
import sluice.bench.storage.TempDirs;
import sluice.storage.log.LogConfig;
import sluice.storage.record.RecordBatch;

/**
 * The partition leader in one JVM: {@value #PRODUCERS} producer threads each send {@link
 * PartitionLeader.Append} with acks=1 to one leader entity through Cluster Sharding on a {@link
 * OneNodeBroker} and wait for its reply before sending the next — the whole produce path below the
 * gateway: actor messaging, validation, offset assignment, group commit, the akka-persistence
 * journal over the segment log. The batch is section 1's {@link KafkaBatch} (148 records of 100
 * bytes), and the topic has section 1's segment size and retention, so the score (appends per
 * second, all threads together) compares with {@code SegmentAppendBenchmark.sluicePartitionLog},
 * the storage-only rate.
 *
 * <p>With {@code idempotent=true} every producer thread is an idempotent producer (an id of its
 * own, its batches numbered one after the other), so the leader checks each batch against its
 * producer state and keeps that state; with {@code false} the batches carry no producer. Both stamp
 * a copy of the batch per append ({@link RecordBatch#setProducer}, a copy and a CRC), so the
 * clients' cost is the same and the ratio of the two scores is the cost of idempotence in the
 * leader.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(PartitionLeaderBenchmark.PRODUCERS)
public class PartitionLeaderBenchmark {

  /** Concurrent producers, one append in flight each. */
  public static final int PRODUCERS = 8;

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  /** The broker, its one-partition topic and the batch every producer sends. */
  @State(Scope.Benchmark)
  public static class Broker {
    /** {@code segment.bytes} of the topic, as in {@link SegmentAppendBenchmark}. */
    @Param({"268435456"})
    public int segmentBytes;

    /** Whether the producers are idempotent. */
    @Param({"false", "true"})
    public boolean idempotent;

    private final AtomicLong producerIds = new AtomicLong();

    Path dir;
    OneNodeBroker broker;
    EntityRef<PartitionLeader.Command> leader;
    byte[] batch;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
      dir = Files.createTempDirectory("sluice-bench-leader-");
      broker = OneNodeBroker.start(dir);
      broker.createTopic(
          "bench",
          1,
          Map.of(
              LogConfig.SEGMENT_BYTES,
              Integer.toString(segmentBytes),
              LogConfig.RETENTION_BYTES,
              Long.toString((long) segmentBytes * SegmentAppendBenchmark.RETAINED_SEGMENTS),
              LogConfig.FILE_DELETE_DELAY_MS,
              "0"));
      leader = broker.leader("bench", 0);
      batch = KafkaBatch.build(42L, System.currentTimeMillis()).bytes();
      Producer first = new Producer();
      first.setUp(this);
      append(this, first); // starts the entity and opens the log before measuring
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      Logs.JournalStats stats = Logs.get(broker.system()).journalStats("bench-0");
      System.out.printf(
          Locale.ROOT,
          "%n[leader] journal writes %d, batches %d: %.1f batches per write (group commit)%n",
          stats.writes(),
          stats.batchesWritten(),
          stats.writes() == 0 ? 0.0 : (double) stats.batchesWritten() / stats.writes());
      broker.close();
      TempDirs.deleteRecursively(dir);
    }
  }

  /**
   * One producer thread's identity: a producer id of its own when the producers are idempotent (-1
   * otherwise) and the sequence of its next batch.
   */
  @State(Scope.Thread)
  public static class Producer {
    long producerId = -1;
    int nextSequence;

    @Setup(Level.Trial)
    public void setUp(Broker broker) {
      if (broker.idempotent) {
        producerId = broker.producerIds.incrementAndGet();
      }
    }

    /** A copy of the broker's batch, stamped as this producer's next. */
    byte[] next(byte[] template) {
      byte[] copy = template.clone();
      RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(copy));
      if (producerId < 0) {
        batch.setProducer(-1L, (short) -1, -1);
      } else {
        batch.setProducer(producerId, (short) 0, nextSequence);
        nextSequence += batch.recordCount();
      }
      return copy;
    }
  }

  /** One append in flight per producer: each waits for its reply before sending the next. */
  @Benchmark
  public long appendAcks1(Broker broker, Producer producer) {
    return checked(send(broker, producer).join());
  }

  /**
   * Up to {@value #KAFKA_MAX_IN_FLIGHT} appends in flight per producer, as a Kafka producer
   * pipelines requests by default ({@code max.in.flight.requests.per.connection=5}); the score is
   * still appends per second.
   */
  @Benchmark
  @OperationsPerInvocation(KAFKA_MAX_IN_FLIGHT)
  public long appendAcks1Pipelined(Broker broker, Producer producer) {
    List<CompletableFuture<PartitionLeader.AppendReply>> inFlight =
        new ArrayList<>(KAFKA_MAX_IN_FLIGHT);
    for (int i = 0; i < KAFKA_MAX_IN_FLIGHT; i++) {
      inFlight.add(send(broker, producer));
    }
    long last = -1;
    for (CompletableFuture<PartitionLeader.AppendReply> reply : inFlight) {
      last = checked(reply.join());
    }
    return last;
  }

  /** Kafka's producer default for {@code max.in.flight.requests.per.connection}. */
  public static final int KAFKA_MAX_IN_FLIGHT = 5;

  static long append(Broker broker, Producer producer) {
    return checked(send(broker, producer).join());
  }

  private static CompletableFuture<PartitionLeader.AppendReply> send(
      Broker broker, Producer producer) {
    byte[] batch = producer.next(broker.batch);
    return broker
        .leader
        .<PartitionLeader.AppendReply>ask(
            replyTo ->
                new PartitionLeader.Append(batch, Acks.LEADER, ASK_TIMEOUT.toMillis(), replyTo),
            ASK_TIMEOUT)
        .toCompletableFuture();
  }

  private static long checked(PartitionLeader.AppendReply reply) {
    if (reply.error() != null) {
      throw new IllegalStateException("append failed: " + reply.error());
    }
    return reply.baseOffset();
  }
}
