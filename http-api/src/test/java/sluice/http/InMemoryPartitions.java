package sluice.http;

import akka.Done;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import sluice.actors.api.Acks;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.PartitionOffsets;
import sluice.actors.broker.PartitionRuntime;
import sluice.actors.controller.PartitionEntities;
import sluice.actors.gateway.Gateway;
import sluice.actors.gateway.PartitionLeaders;
import sluice.storage.record.RecordBatch;

/**
 * Partition leaders in memory behind a real broker's gateway, for the HTTP end-to-end test until
 * the sharded partition leaders exist: each partition a list of v2 batches with offsets assigned on
 * append. A fetch at the log end parks until an append or its max wait, as the leader contract
 * says, so a live stream over it waits instead of spinning. Thread-safe: one lock per partition.
 */
final class InMemoryPartitions implements PartitionRuntime, PartitionEntities, PartitionLeaders {
  private final Map<String, Log> logs = new ConcurrentHashMap<>();

  private static final class Log {
    final List<byte[]> batches = new ArrayList<>();
    final List<Runnable> parked = new ArrayList<>();
    long end;
  }

  private Log log(String topic, int partition) {
    return logs.computeIfAbsent(topic + "-" + partition, id -> new Log());
  }

  @Override
  public PartitionEntities entities() {
    return this;
  }

  @Override
  public PartitionLeaders start() {
    return this;
  }

  @Override
  public CompletionStage<Done> place(List<Placement> placements) {
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> delete(String topic, int partition) {
    logs.remove(topic + "-" + partition);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Appended> append(
      String topic, int partition, byte[] batch, Acks acks, long timeoutMs, Duration askTimeout) {
    Log log = log(topic, partition);
    long base;
    List<Runnable> wake;
    synchronized (log) {
      base = log.end;
      byte[] copy = batch.clone();
      RecordBatch stored = RecordBatch.wrap(ByteBuffer.wrap(copy));
      stored.setBaseOffset(base);
      log.batches.add(copy);
      log.end = stored.lastOffset() + 1;
      wake = new ArrayList<>(log.parked);
      log.parked.clear();
    }
    wake.forEach(Runnable::run);
    return CompletableFuture.completedFuture(new Appended(acks == Acks.NONE ? -1 : base, -1, null));
  }

  @Override
  public CompletionStage<Fetched> fetch(
      String topic, int partition, long offset, int maxBytes, long maxWaitMs, Duration askTimeout) {
    Log log = log(topic, partition);
    CompletableFuture<Fetched> answer = new CompletableFuture<>();
    synchronized (log) {
      if (offset < 0 || offset > log.end) {
        return CompletableFuture.completedFuture(
            new Fetched(
                null,
                offsets(log),
                ApiError.of(
                    ErrorCode.OFFSET_OUT_OF_RANGE,
                    "Offset %d of %s-%d is out of range [0, %d]",
                    offset,
                    topic,
                    partition,
                    log.end)));
      }
      if (offset < log.end || maxWaitMs == 0) {
        return CompletableFuture.completedFuture(read(log, offset, maxBytes));
      }
      log.parked.add(() -> answer.complete(readLocked(log, offset, maxBytes)));
    }
    CompletableFuture.delayedExecutor(maxWaitMs, TimeUnit.MILLISECONDS)
        .execute(() -> answer.complete(readLocked(log, offset, maxBytes)));
    return answer;
  }

  private static Fetched readLocked(Log log, long offset, int maxBytes) {
    synchronized (log) {
      return read(log, offset, maxBytes);
    }
  }

  /** Whole batches from the one holding {@code offset}, at least one, up to {@code maxBytes}. */
  private static Fetched read(Log log, long offset, int maxBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] batch : log.batches) {
      if (RecordBatch.wrap(ByteBuffer.wrap(batch)).lastOffset() < offset) {
        continue;
      }
      if (out.size() > 0 && out.size() + batch.length > maxBytes) {
        break;
      }
      out.writeBytes(batch);
    }
    return new Fetched(out.toByteArray(), offsets(log), null);
  }

  private static PartitionOffsets offsets(Log log) {
    return new PartitionOffsets(0, log.end, log.end);
  }

  @Override
  public CompletionStage<Gateway.OffsetsReply> offsets(
      String topic, int partition, Duration askTimeout) {
    Log log = log(topic, partition);
    synchronized (log) {
      return CompletableFuture.completedFuture(new Gateway.OffsetsReply(offsets(log), null));
    }
  }

  @Override
  public CompletionStage<Gateway.OffsetForTimeReply> offsetForTime(
      String topic, int partition, long timestamp, Duration askTimeout) {
    return CompletableFuture.completedFuture(
        new Gateway.OffsetForTimeReply(
            -1, ApiError.of(ErrorCode.INVALID_REQUEST, "offsets by time are not kept in memory")));
  }
}
