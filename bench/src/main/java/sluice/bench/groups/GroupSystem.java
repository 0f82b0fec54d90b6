package sluice.bench.groups;

import java.io.IOException;

/**
 * One system under the groups bench, started for it: 3 Apache Kafka 4.1 KRaft nodes ({@link
 * KafkaGroups}) or 3 Sluice brokers ({@link SluiceGroups}), each with the group settings of {@link
 * GroupsOptions}. Topics have {@link GroupsOptions#partitions()} partitions. Not thread-safe apart
 * from what its members and producers say of themselves.
 */
public interface GroupSystem extends AutoCloseable {

  /** {@code "Kafka 4.1"} or {@code "Sluice"}. */
  String name();

  /** What was started and the group settings it runs with, for the report. */
  String settings();

  /** Creates {@code topic} and waits until every partition is led with all its replicas in sync. */
  void createTopic(String topic) throws IOException;

  /**
   * Writes {@code records} records of {@code recordSize} random bytes to {@code topic}, spread
   * evenly over its partitions, as fast as the system's ordinary producer goes (acks=1); returns a
   * line saying how fast that was.
   */
  String preload(String topic, long records, int recordSize) throws IOException;

  /** A {@link StampProducer} writing to {@code topic}. */
  StampProducer stampProducer(String topic) throws IOException;

  /**
   * A new member of {@code group} on {@code topic}, not yet joined, reporting its ownership to
   * {@code listener}; {@code index} spreads Sluice's instances over the brokers, and {@code
   * stamped} asks for record values to be read for their stamps.
   */
  GroupMember member(
      String group,
      String topic,
      String name,
      int index,
      boolean stamped,
      GroupMember.OwnershipListener listener)
      throws IOException;

  @Override
  void close() throws IOException;
}
