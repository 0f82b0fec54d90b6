package sluice.actors.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.gateway.Gateway;
import sluice.actors.gateway.PartitionLeaders;
import sluice.storage.record.RecordBatch;

/**
 * Partition leaders in memory, for gateway and broker tests: each partition a list of batches with
 * offsets assigned on append; can be told to refuse the next appends as not the leader. Answers at
 * once (no parked fetches). Thread-safe: one lock per partition.
 */
public final class FakePartitionLeaders implements PartitionLeaders {
  private final Map<String, List<byte[]>> logs = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> lostAnswers = new ConcurrentHashMap<>();
  public final AtomicInteger appends = new AtomicInteger();

  /** The corrupt batches reported to the leaders, as {@code topic-partition@offset}. */
  public final List<String> corruptReports = new CopyOnWriteArrayList<>();

  /** The next {@code times} appends to {@code topic-partition} answer NOT_LEADER_OR_FOLLOWER. */
  public void refuseNext(String topicPartition, int times) {
    refusals.computeIfAbsent(topicPartition, id -> new AtomicInteger()).set(times);
  }

  /**
   * The next {@code times} appends to {@code topic-partition} are written but answered
   * REQUEST_TIMED_OUT, as when a leader's answer is lost.
   */
  public void loseAnswersOfNext(String topicPartition, int times) {
    lostAnswers.computeIfAbsent(topicPartition, id -> new AtomicInteger()).set(times);
  }

  /** The batches appended to {@code topic-partition}, in log order (base offsets set). */
  public List<RecordBatch> batches(String topic, int partition) {
    return log(topic, partition).stream().map(b -> RecordBatch.wrap(ByteBuffer.wrap(b))).toList();
  }

  /** The sizes of the batches appended to {@code topic-partition}, in log order. */
  public List<Integer> batchSizes(String topic, int partition) {
    return log(topic, partition).stream().map(batch -> batch.length).toList();
  }

  private List<byte[]> log(String topic, int partition) {
    return logs.computeIfAbsent(topic + "-" + partition, id -> new CopyOnWriteArrayList<>());
  }

  @Override
  public CompletionStage<Appended> append(
      String topic, int partition, byte[] batch, Acks acks, long timeoutMs, Duration askTimeout) {
    appends.incrementAndGet();
    AtomicInteger refuse = refusals.get(topic + "-" + partition);
    if (refuse != null && refuse.getAndDecrement() > 0) {
      return done(
          new Appended(
              -1,
              -1,
              ApiError.of(ErrorCode.NOT_LEADER_OR_FOLLOWER, "%s-%d is moving", topic, partition)));
    }
    List<byte[]> log = log(topic, partition);
    long base;
    synchronized (log) {
      base = logEnd(log);
      byte[] copy = batch.clone();
      RecordBatch.wrap(ByteBuffer.wrap(copy)).setBaseOffset(base);
      log.add(copy);
    }
    AtomicInteger lose = lostAnswers.get(topic + "-" + partition);
    if (lose != null && lose.getAndDecrement() > 0) {
      return done(
          new Appended(
              -1,
              -1,
              ApiError.of(
                  ErrorCode.REQUEST_TIMED_OUT,
                  "%s-%d wrote it but answered late",
                  topic,
                  partition)));
    }
    return done(acks == Acks.NONE ? new Appended(-1, -1, null) : new Appended(base, -1, null));
  }

  @Override
  public CompletionStage<Fetched> fetch(
      String topic,
      int partition,
      int currentLeaderEpoch,
      long offset,
      int maxBytes,
      long maxWaitMs,
      Duration askTimeout) {
    List<byte[]> log = log(topic, partition);
    synchronized (log) {
      long end = logEnd(log);
      var offsets = new PartitionOffsets(0, end, end);
      if (offset < 0 || offset > end) {
        return done(
            new Fetched(
                null,
                offsets,
                ApiError.of(
                    ErrorCode.OFFSET_OUT_OF_RANGE, "offset %d not in [0, %d]", offset, end)));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] batch : log) {
        if (RecordBatch.wrap(ByteBuffer.wrap(batch)).lastOffset() >= offset) {
          out.writeBytes(batch);
        }
      }
      return done(new Fetched(out.toByteArray(), offsets, null));
    }
  }

  @Override
  public CompletionStage<Gateway.OffsetsReply> offsets(
      String topic, int partition, Duration askTimeout) {
    List<byte[]> log = log(topic, partition);
    synchronized (log) {
      long end = logEnd(log);
      return done(new Gateway.OffsetsReply(new PartitionOffsets(0, end, end), null));
    }
  }

  @Override
  public CompletionStage<Gateway.OffsetForTimeReply> offsetForTime(
      String topic, int partition, long timestamp, Duration askTimeout) {
    return done(new Gateway.OffsetForTimeReply(-1, null));
  }

  /**
   * Every batch is of epoch 0 here: epoch 0 or later ends at the log end, earlier ones are unknown.
   */
  @Override
  public CompletionStage<Gateway.EpochEndReply> epochEnd(
      String topic, int partition, int currentLeaderEpoch, int leaderEpoch, Duration askTimeout) {
    List<byte[]> log = log(topic, partition);
    synchronized (log) {
      return done(
          leaderEpoch < 0
              ? new Gateway.EpochEndReply(-1, -1L, null)
              : new Gateway.EpochEndReply(0, logEnd(log), null));
    }
  }

  private static long logEnd(List<byte[]> log) {
    return log.isEmpty()
        ? 0
        : RecordBatch.wrap(ByteBuffer.wrap(log.get(log.size() - 1))).lastOffset() + 1;
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  @Override
  public void corruptBatchSeen(String topic, int partition, long offset, String problem) {
    corruptReports.add(topic + "-" + partition + "@" + offset);
  }
}
