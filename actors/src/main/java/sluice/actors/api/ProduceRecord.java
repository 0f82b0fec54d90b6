package sluice.actors.api;

import java.util.List;

/**
 * A record as a producer sends it.
 *
 * @param partition the partition to write to, or {@code null} to choose by the key's murmur2 hash
 *     (as Kafka's default partitioner does), or stickily when there is no key
 * @param key may be null
 * @param value may be null (a tombstone on a compacted topic)
 * @param timestamp create time in epoch milliseconds, or {@code null} for the broker's clock
 */
public record ProduceRecord(
    Integer partition, byte[] key, byte[] value, List<RecordHeader> headers, Long timestamp)
    implements CborSerializable {
  public ProduceRecord {
    headers = headers == null ? List.of() : List.copyOf(headers);
  }
}
