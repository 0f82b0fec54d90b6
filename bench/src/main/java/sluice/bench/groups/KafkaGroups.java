package sluice.bench.groups;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import sluice.bench.kafka.KafkaCluster;

/**
 * The groups bench on Apache Kafka 4.1: {@link GroupsOptions#BROKERS} KRaft nodes ({@link
 * KafkaCluster}) whose group coordinator runs with the bench's heartbeat interval and session
 * timeout ({@link #brokerOverrides}) and {@code __consumer_offsets} at the bench's replication
 * factor; members are kafka-clients consumers ({@link KafkaGroupMember}). Not thread-safe: the
 * bench's main thread starts, uses and closes it.
 */
final class KafkaGroups implements GroupSystem {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final KafkaCluster cluster;
  private final GroupsOptions options;

  private KafkaGroups(KafkaCluster cluster, GroupsOptions options) {
    this.cluster = cluster;
    this.options = options;
  }

  static KafkaGroups start(GroupsOptions options) throws IOException {
    return new KafkaGroups(
        KafkaCluster.start(
            GroupsOptions.BROKERS, options.heap(), START_TIMEOUT, brokerOverrides(options)),
        options);
  }

  /**
   * The group coordinator's settings: the heartbeat interval and session timeout, with their bounds
   * widened to admit them (Kafka's minimums are 5 s and 45 s), and the offsets topic's replication
   * factor.
   */
  static Map<String, String> brokerOverrides(GroupsOptions options) {
    long heartbeat = options.heartbeat().toMillis();
    long session = options.session().toMillis();
    Map<String, String> overrides = new TreeMap<>();
    overrides.put("group.consumer.heartbeat.interval.ms", Long.toString(heartbeat));
    overrides.put("group.consumer.min.heartbeat.interval.ms", Long.toString(min(heartbeat, 5000)));
    overrides.put("group.consumer.max.heartbeat.interval.ms", Long.toString(max(heartbeat, 15000)));
    overrides.put("group.consumer.session.timeout.ms", Long.toString(session));
    overrides.put("group.consumer.min.session.timeout.ms", Long.toString(min(session, 45000)));
    overrides.put("group.consumer.max.session.timeout.ms", Long.toString(max(session, 60000)));
    overrides.put(
        "offsets.topic.replication.factor", Integer.toString(options.replicationFactor()));
    return overrides;
  }

  private static long min(long a, long b) {
    return Math.min(a, b);
  }

  private static long max(long a, long b) {
    return Math.max(a, b);
  }

  @Override
  public String name() {
    return "Kafka 4.1";
  }

  @Override
  public String settings() {
    return GroupsOptions.BROKERS
        + " KRaft nodes at "
        + cluster.bootstrapServers()
        + ", kafka-clients consumers with group.protocol=consumer; broker settings "
        + brokerOverrides(options);
  }

  @Override
  public void createTopic(String topic) throws IOException {
    cluster.createTopic(
        topic,
        options.partitions(),
        options.replicationFactor(),
        Map.of("min.insync.replicas", Integer.toString(options.minInsyncReplicas())));
  }

  @Override
  public String preload(String topic, long records, int recordSize) throws IOException {
    byte[][] values = new byte[4096][recordSize];
    SplittableRandom random = new SplittableRandom(11L);
    for (byte[] v : values) {
      random.nextBytes(v);
    }
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> first = new AtomicReference<>();
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer("5")) {
      for (long i = 0; i < records; i++) {
        producer.send(
            new ProducerRecord<>(
                topic, (int) (i % options.partitions()), null, values[(int) (i % values.length)]),
            (metadata, e) -> {
              if (e != null) {
                failed.incrementAndGet();
                first.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    } catch (KafkaException e) {
      throw new IOException("preloading " + topic + " failed: " + e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failed.get() > 0) {
      throw new IOException(
          failed.get() + " records of the preload failed, first: " + first.get(), first.get());
    }
    return String.format(
        Locale.ROOT,
        "Kafka producer, acks=1: %,d records in %.1f s, %,.0f records/s",
        records,
        seconds,
        records / seconds);
  }

  @Override
  public StampProducer stampProducer(String topic) {
    KafkaProducer<byte[], byte[]> producer = producer("0");
    AtomicLong failed = new AtomicLong();
    int partitions = options.partitions();
    return new StampProducer() {
      @Override
      public void sendRound() {
        byte[] stamp = StampProducer.stamp(System.nanoTime());
        for (int p = 0; p < partitions; p++) {
          producer.send(
              new ProducerRecord<>(topic, p, null, stamp),
              (metadata, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                }
              });
        }
      }

      @Override
      public long failed() {
        return failed.get();
      }

      @Override
      public void close() {
        producer.close(Duration.ofSeconds(30));
      }
    };
  }

  private KafkaProducer<byte[], byte[]> producer(String lingerMs) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public GroupMember member(
      String group,
      String topic,
      String name,
      int index,
      boolean stamped,
      GroupMember.OwnershipListener listener) {
    return new KafkaGroupMember(cluster.bootstrapServers(), group, topic, name, listener);
  }

  @Override
  public void close() throws IOException {
    cluster.close();
  }
}
