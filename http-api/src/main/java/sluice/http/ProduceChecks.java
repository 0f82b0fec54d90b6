package sluice.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import sluice.actors.api.ProduceRecord;
import sluice.actors.api.RecordHeader;
import sluice.actors.api.TopicDescription;

/**
 * Checks a record against its topic before anything is sent to the broker: the partition exists
 * (40402) and the record fits in a batch under the topic's {@code max.message.bytes} (413), so a
 * request with one bad record writes nothing. The partition leader enforces the same size limit;
 * this check only refuses earlier and names the record. Callers get the topic with {@link
 * GatewayClient#topicMetadataCovering} for the request's {@link #highestPartition}, so a partition
 * is only refused after the controller was asked about it.
 */
final class ProduceChecks {
  /** Kafka's v2 batch header: base offset through record count. */
  static final int BATCH_OVERHEAD = 61;

  /** Kafka's upper bound of a record's own framing: length, attributes, deltas, lengths. */
  static final int MAX_RECORD_OVERHEAD = 21;

  private static final int MAX_VARINT = 5;

  private ProduceChecks() {}

  /** Throws the first problem of {@code record} on {@code topic}, naming it as {@code path}. */
  static void check(
      TopicDescription topic, ProduceRecord record, int maxMessageBytes, String path) {
    Integer partition = record.partition();
    int partitions = topic.partitions().size();
    if (partition != null && partition >= partitions) {
      RestException notFound = RestException.partitionNotFound(topic.name(), partition, partitions);
      throw new RestException(
          notFound.status(), notFound.errorCode(), path + ": " + notFound.getMessage());
    }
    long size = sizeUpperBound(record);
    if (size > maxMessageBytes) {
      throw RestException.tooLarge(
          "%s is too large: a batch holding it takes up to %d bytes, more than topic '%s' allows"
              + " (max.message.bytes=%d).",
          path, size, topic.name(), maxMessageBytes);
    }
  }

  /**
   * The highest partition {@code records} name, or {@link GatewayClient#NO_PARTITION} when none
   * names one.
   */
  static int highestPartition(List<ProduceRecord> records) {
    int highest = GatewayClient.NO_PARTITION;
    for (ProduceRecord record : records) {
      if (record.partition() != null) {
        highest = Math.max(highest, record.partition());
      }
    }
    return highest;
  }

  /** The topic's {@code max.message.bytes}, or the default when the topic does not set it. */
  static int maxMessageBytes(TopicDescription topic, int defaultMaxMessageBytes) {
    String configured = topic.configs().get("max.message.bytes");
    if (configured == null) {
      return defaultMaxMessageBytes;
    }
    try {
      return Integer.parseInt(configured.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "topic " + topic.name() + " has max.message.bytes '" + configured + "'", e);
    }
  }

  /** The most bytes a batch holding only this record can take, as Kafka's producer estimates. */
  static long sizeUpperBound(ProduceRecord record) {
    long size =
        BATCH_OVERHEAD + MAX_RECORD_OVERHEAD + length(record.key()) + length(record.value());
    for (RecordHeader header : record.headers()) {
      size += MAX_VARINT + header.key().getBytes(StandardCharsets.UTF_8).length;
      size += MAX_VARINT + length(header.value());
    }
    return size;
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }
}
