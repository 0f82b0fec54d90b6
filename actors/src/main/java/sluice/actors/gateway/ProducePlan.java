package sluice.actors.gateway;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import sluice.actors.api.ApiError;
import sluice.actors.api.ErrorCode;
import sluice.actors.api.IdempotentProduce;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordHeader;
import sluice.actors.api.RecordResult;
import sluice.actors.partition.AppendValidation;
import sluice.storage.producer.ProducerStates;
import sluice.storage.record.CompressionType;
import sluice.storage.record.Header;
import sluice.storage.record.RecordBatchBuilder;

/**
 * How one produce request splits into uncompressed v2 batches (base offset 0: the partition leader
 * assigns offsets), in the order the records came, plus the records refused before any is sent (a
 * partition that does not exist, a negative timestamp, a record too large for a batch on its own).
 * A partition's records go into one batch unless it would exceed the topic's {@code
 * max.message.bytes}; then into several, each as large as the limit allows, consecutive in {@link
 * #batches}. So no batch the leader would refuse for its size is sent (a batch that large may also
 * exceed Artery's frame and be dropped on the way to a leader on another broker), and, as a Kafka
 * producer, a request larger than one batch is written whole and only a record that does not fit in
 * a batch by itself is refused ({@code MESSAGE_TOO_LARGE}, the leader's own error). Immutable once
 * planned; planning is pure and may run on any thread.
 *
 * @param rejected errors by request index
 */
public record ProducePlan(
    String topic, List<PartitionBatch> batches, Map<Integer, ApiError> rejected) {

  /**
   * Records of one partition, as one batch.
   *
   * @param indexes the request index of each record in the batch, in batch order
   * @param timestamps the create time given to each record, in batch order
   */
  public record PartitionBatch(int partition, int[] indexes, long[] timestamps, byte[] batch) {}

  /**
   * Plans {@code records} for a topic of {@code choice.numPartitions()} partitions.
   *
   * @param now the broker's clock, the create time of records that carry none
   * @param maxBatchBytes the topic's {@code max.message.bytes}: no batch planned is larger
   */
  public static ProducePlan plan(
      String topic,
      Partitioner.Request choice,
      List<ProduceRecord> records,
      long now,
      int maxBatchBytes) {
    return plan(topic, choice, records, now, maxBatchBytes, null);
  }

  /**
   * As {@link #plan(String, Partitioner.Request, List, long, int)}; with {@code idempotent}, every
   * batch carries its producer id and epoch and the sequence of its first record: the partition's
   * first sequence plus the records of that partition planned before it.
   */
  public static ProducePlan plan(
      String topic,
      Partitioner.Request choice,
      List<ProduceRecord> records,
      long now,
      int maxBatchBytes,
      IdempotentProduce idempotent) {
    Map<Integer, ApiError> rejected = new TreeMap<>();
    Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      ProduceRecord record = records.get(i);
      if (record == null) {
        rejected.put(i, ApiError.of(ErrorCode.INVALID_RECORD, "Record %d is null", i));
        continue;
      }
      if (record.timestamp() != null && record.timestamp() < 0) {
        rejected.put(
            i,
            ApiError.of(
                ErrorCode.INVALID_TIMESTAMP,
                "Record %d has timestamp %d; a timestamp is epoch milliseconds, 0 or more",
                i,
                record.timestamp()));
        continue;
      }
      int partition = choice.partitionFor(record);
      if (partition < 0 || partition >= choice.numPartitions()) {
        rejected.put(i, unknownPartition(topic, partition, choice.numPartitions()));
        continue;
      }
      byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(i);
    }
    List<PartitionBatch> batches = new ArrayList<>(byPartition.size());
    for (var entry : byPartition.entrySet()) {
      int partition = entry.getKey();
      Batch batch = null;
      int planned = 0;
      for (int index : entry.getValue()) {
        ProduceRecord record = records.get(index);
        long timestamp = record.timestamp() != null ? record.timestamp() : now;
        List<Header> headers = headers(record.headers());
        if (batch == null
            || batch.builder.uncompressedSizeWith(timestamp, record.key(), record.value(), headers)
                > maxBatchBytes) {
          // A new batch, unless the record does not fit even in a batch of its own.
          Batch fresh = new Batch(timestamp);
          ApiError tooLarge =
              AppendValidation.sizeError(
                  fresh.builder.uncompressedSizeWith(
                      timestamp, record.key(), record.value(), headers),
                  topic + "-" + partition,
                  maxBatchBytes);
          if (tooLarge != null) {
            rejected.put(index, tooLarge);
            continue;
          }
          if (batch != null) {
            batches.add(batch.build(partition));
          }
          if (idempotent != null) {
            int first = idempotent.firstSequences().getOrDefault(partition, 0);
            fresh.builder.producer(
                idempotent.producerId(),
                idempotent.producerEpoch(),
                ProducerStates.lastSequenceOf(first, planned));
          }
          batch = fresh;
        }
        batch.builder.append(timestamp, record.key(), record.value(), headers);
        planned++;
        batch.indexes.add(index);
        batch.timestamps.add(timestamp);
      }
      if (batch != null) {
        batches.add(batch.build(partition));
      }
    }
    return new ProducePlan(topic, List.copyOf(batches), Map.copyOf(rejected));
  }

  /** A batch being filled: its builder and the request index and timestamp of each record. */
  private static final class Batch {
    final RecordBatchBuilder builder;
    final List<Integer> indexes = new ArrayList<>();
    final List<Long> timestamps = new ArrayList<>();

    Batch(long baseTimestamp) {
      builder = new RecordBatchBuilder(CompressionType.NONE, 0L, baseTimestamp);
    }

    PartitionBatch build(int partition) {
      return new PartitionBatch(
          partition,
          indexes.stream().mapToInt(Integer::intValue).toArray(),
          timestamps.stream().mapToLong(Long::longValue).toArray(),
          bytes(builder.build()));
    }
  }

  /** The error for a partition the topic does not have. */
  public static ApiError unknownPartition(String topic, int partition, int numPartitions) {
    return ApiError.of(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        "Partition %d of topic '%s' does not exist: it has partitions 0 to %d",
        partition,
        topic,
        numPartitions - 1);
  }

  /** An empty result array for {@code size} records, to be filled in request order. */
  public RecordResult[] newResults(int size) {
    RecordResult[] results = new RecordResult[size];
    rejected.forEach((index, error) -> results[index] = failed(-1, error));
    return results;
  }

  /** The result of a record that was not written. */
  public RecordResult failed(int partition, ApiError error) {
    return new RecordResult(topic, partition, -1L, -1L, error);
  }

  private static List<Header> headers(List<RecordHeader> headers) {
    List<Header> result = new ArrayList<>(headers.size());
    for (RecordHeader header : headers) {
      result.add(new Header(header.key(), header.value()));
    }
    return result;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
